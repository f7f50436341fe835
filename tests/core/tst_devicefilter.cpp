#include "inventory/DeviceFilter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace fleet;

Q_DECLARE_METATYPE(fleet::DeviceFilter)

namespace {

DeviceFilter everything()
{
    DeviceFilter f;
    f.models = {QStringLiteral("GW-4000"), QStringLiteral("TS-10")};
    f.firmware = {QStringLiteral("2.4.1")};
    f.sites = {QStringLiteral("Plant A")};
    f.groups = {QStringLiteral("Pilot"), QStringLiteral("Wave 2")};
    f.states = {QStringLiteral("active")};
    f.tags = {QStringLiteral("line-1")};
    f.online = true;
    f.text = QStringLiteral("press");
    return f;
}

} // namespace

class TestDeviceFilter : public QObject
{
    Q_OBJECT

private slots:
    void isEmpty_data();
    void isEmpty();
    void jsonRoundTrip_data();
    void jsonRoundTrip();
    void jsonLeavesOutEmptyFacets();
    void fromJsonIgnoresWrongTypes();
    void describe_data();
    void describe();
    void matchExpression_data();
    void matchExpression();
    void build_data();
    void build();
};

void TestDeviceFilter::isEmpty_data()
{
    QTest::addColumn<DeviceFilter>("filter");
    QTest::addColumn<bool>("empty");
    QTest::newRow("default") << DeviceFilter() << true;
    DeviceFilter blank;
    blank.text = QStringLiteral("   ");
    QTest::newRow("blank text") << blank << true;
    DeviceFilter offline;
    offline.online = false;
    QTest::newRow("offline") << offline << false;
    DeviceFilter tag;
    tag.tags = {QStringLiteral("x")};
    QTest::newRow("tag") << tag << false;
    QTest::newRow("everything") << everything() << false;
}

void TestDeviceFilter::isEmpty()
{
    QFETCH(DeviceFilter, filter);
    QFETCH(bool, empty);
    QCOMPARE(filter.isEmpty(), empty);
}

void TestDeviceFilter::jsonRoundTrip_data()
{
    QTest::addColumn<DeviceFilter>("filter");
    QTest::newRow("empty") << DeviceFilter();
    QTest::newRow("everything") << everything();
    DeviceFilter offline;
    offline.online = false;
    offline.states = {QStringLiteral("retired"), QStringLiteral("quarantined")};
    QTest::newRow("offline, two states") << offline;
    DeviceFilter unicode;
    unicode.sites = {QStringLiteral("Düsseldorf \"Nord\""), QStringLiteral("東京")};
    unicode.text = QStringLiteral("Müller OR \"x\" NEAR(");
    QTest::newRow("unicode and operators") << unicode;
}

void TestDeviceFilter::jsonRoundTrip()
{
    QFETCH(DeviceFilter, filter);
    const QJsonObject o = filter.toJson();
    QCOMPARE(DeviceFilter::fromJson(o), filter);
    // Through text, as saved filters store it.
    const QByteArray text = QJsonDocument(o).toJson(QJsonDocument::Compact);
    QCOMPARE(DeviceFilter::fromJson(QJsonDocument::fromJson(text).object()), filter);
}

void TestDeviceFilter::jsonLeavesOutEmptyFacets()
{
    QCOMPARE(DeviceFilter().toJson(), QJsonObject());
    DeviceFilter f;
    f.tags = {QStringLiteral("a")};
    f.online = false;
    f.text = QStringLiteral("  spaced  ");
    const QJsonObject o = f.toJson();
    QCOMPARE(o.keys(), QStringList({QStringLiteral("online"), QStringLiteral("tags"),
                                    QStringLiteral("text")}));
    QCOMPARE(o.value(QStringLiteral("online")), QJsonValue(false));
    QCOMPARE(o.value(QStringLiteral("tags")).toArray(), QJsonArray({QStringLiteral("a")}));
    QCOMPARE(o.value(QStringLiteral("text")).toString(), QStringLiteral("spaced"));
    QCOMPARE(QJsonDocument(everything().toJson()).toJson(QJsonDocument::Compact),
             QByteArray("{\"firmware\":[\"2.4.1\"],\"groups\":[\"Pilot\",\"Wave 2\"],"
                        "\"models\":[\"GW-4000\",\"TS-10\"],\"online\":true,"
                        "\"sites\":[\"Plant A\"],\"states\":[\"active\"],\"tags\":[\"line-1\"],"
                        "\"text\":\"press\"}"));
}

void TestDeviceFilter::fromJsonIgnoresWrongTypes()
{
    const QJsonObject o =
        QJsonDocument::fromJson("{\"models\": \"GW-4000\", \"tags\": [\"a\", 3, null, \"b\"], "
                                "\"online\": \"yes\", \"text\": 5, \"unknown\": [1]}")
            .object();
    const DeviceFilter f = DeviceFilter::fromJson(o);
    QVERIFY(f.models.isEmpty());
    QCOMPARE(f.tags, QStringList({QStringLiteral("a"), QStringLiteral("b")}));
    QVERIFY(!f.online.has_value());
    QCOMPARE(f.text, QString());
    QVERIFY(DeviceFilter::fromJson(QJsonObject()).isEmpty());
}

void TestDeviceFilter::describe_data()
{
    QTest::addColumn<DeviceFilter>("filter");
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << DeviceFilter() << QStringLiteral("all devices");
    DeviceFilter one;
    one.models = {QStringLiteral("GW-4000")};
    QTest::newRow("one model") << one << QStringLiteral("model = GW-4000");
    DeviceFilter two;
    two.models = {QStringLiteral("GW-4000"), QStringLiteral("TS-10")};
    QTest::newRow("two models") << two << QStringLiteral("model = GW-4000 or TS-10");
    DeviceFilter offline;
    offline.online = false;
    offline.text = QStringLiteral("  press  ");
    QTest::newRow("offline, text") << offline << QStringLiteral("offline, text 'press'");
    QTest::newRow("everything")
        << everything()
        << QStringLiteral("model = GW-4000 or TS-10, firmware = 2.4.1, site = Plant A, "
                          "group = Pilot or Wave 2, state = active, tag = line-1, online, "
                          "text 'press'");
}

void TestDeviceFilter::describe()
{
    QFETCH(DeviceFilter, filter);
    QFETCH(QString, text);
    QCOMPARE(filter.describe(), text);
}

void TestDeviceFilter::matchExpression_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expression");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("blank") << QStringLiteral("  \t ") << QString();
    QTest::newRow("word") << QStringLiteral("press") << QStringLiteral("\"press\"*");
    QTest::newRow("two words") << QStringLiteral("press  line")
                               << QStringLiteral("\"press\"* AND \"line\"*");
    // A word with punctuation is one phrase: its parts in that order, the last one a prefix.
    QTest::newRow("ip") << QStringLiteral("10.20.0.5") << QStringLiteral("\"10 20 0 5\"*");
    QTest::newRow("mac") << QStringLiteral("aa:bb:cc") << QStringLiteral("\"aa bb cc\"*");
    QTest::newRow("hyphenated") << QStringLiteral("press-line")
                                << QStringLiteral("\"press line\"*");
    QTest::newRow("unicode") << QStringLiteral("Müller") << QStringLiteral("\"Müller\"*");
    // FTS5 syntax in the text is only ever searched for, never interpreted.
    QTest::newRow("quote") << QStringLiteral("\"") << QString();
    QTest::newRow("star") << QStringLiteral("*") << QString();
    QTest::newRow("quoted word") << QStringLiteral("\"press") << QStringLiteral("\"press\"*");
    QTest::newRow("OR") << QStringLiteral("OR") << QStringLiteral("\"OR\"*");
    QTest::newRow("a OR b") << QStringLiteral("a OR b")
                            << QStringLiteral("\"a\"* AND \"OR\"* AND \"b\"*");
    QTest::newRow("NEAR(") << QStringLiteral("NEAR(") << QStringLiteral("\"NEAR\"*");
    QTest::newRow("column filter")
        << QStringLiteral("name:press") << QStringLiteral("\"name press\"*");
    QTest::newRow("NOT and parentheses")
        << QStringLiteral("(a NOT b)") << QStringLiteral("\"a\"* AND \"NOT\"* AND \"b\"*");
    QTest::newRow("caret and plus")
        << QStringLiteral("^x + y") << QStringLiteral("\"x\"* AND \"y\"*");
}

void TestDeviceFilter::matchExpression()
{
    QFETCH(QString, text);
    QFETCH(QString, expression);
    QCOMPARE(DeviceFilterSql::matchExpression(text), expression);
}

void TestDeviceFilter::build_data()
{
    QTest::addColumn<DeviceFilter>("filter");
    QTest::addColumn<QStringList>("clauses");
    QTest::addColumn<QVariantList>("binds");
    QTest::newRow("empty") << DeviceFilter() << QStringList() << QVariantList();
    DeviceFilter models;
    models.models = {QStringLiteral("A"), QStringLiteral("B")};
    QTest::newRow("models") << models << QStringList{QStringLiteral("d.model IN (?,?)")}
                            << QVariantList{QStringLiteral("A"), QStringLiteral("B")};
    DeviceFilter offline;
    offline.online = false;
    QTest::newRow("offline") << offline << QStringList{QStringLiteral("d.online = ?")}
                             << QVariantList{0};
    DeviceFilter noWords;
    noWords.text = QStringLiteral("\"*\"");
    QTest::newRow("text without words") << noWords << QStringList() << QVariantList();
    QTest::newRow("everything")
        << everything()
        << QStringList{QStringLiteral("d.model IN (?,?)"),   QStringLiteral("d.fw_version IN (?)"),
                       QStringLiteral("d.state IN (?)"),     QStringLiteral("FROM sites"),
                       QStringLiteral("FROM group_members"), QStringLiteral("FROM device_tags"),
                       QStringLiteral("d.online = ?"),       QStringLiteral("MATCH ?")}
        << QVariantList{
               QStringLiteral("GW-4000"),   QStringLiteral("TS-10"),   QStringLiteral("2.4.1"),
               QStringLiteral("active"),    QStringLiteral("Plant A"), QStringLiteral("Pilot"),
               QStringLiteral("Wave 2"),    QStringLiteral("line-1"),  1,
               QStringLiteral("\"press\"*")};
}

void TestDeviceFilter::build()
{
    QFETCH(DeviceFilter, filter);
    QFETCH(QStringList, clauses);
    QFETCH(QVariantList, binds);
    const SqlCondition c = DeviceFilterSql::build(filter);
    QCOMPARE(c.binds, binds);
    if (clauses.isEmpty()) {
        QCOMPARE(c.where, QString());
        return;
    }
    QVERIFY(c.where.startsWith(QLatin1String("WHERE ")));
    QCOMPARE(c.where.count(QLatin1String(" AND ")), clauses.size() - 1);
    qsizetype at = 0;
    for (const QString &clause : clauses) {
        const qsizetype found = c.where.indexOf(clause, at);
        QVERIFY2(found >= 0, qUtf8Printable(clause + QStringLiteral(" in ") + c.where));
        at = found;
    }
    QCOMPARE(c.where.count(QLatin1Char('?')), c.binds.size());
}

QTEST_GUILESS_MAIN(TestDeviceFilter)
#include "tst_devicefilter.moc"
