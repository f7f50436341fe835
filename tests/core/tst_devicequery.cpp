#include "TestWorkspace.h"
#include "inventory/DeviceColumns.h"
#include "inventory/DeviceQuery.h"
#include "inventory/DeviceRepository.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <limits>

using namespace fleet;
using namespace fleet::test;

Q_DECLARE_METATYPE(fleet::DeviceFilter)

namespace {

struct Spec
{
    const char *uid;
    const char *name;
    const char *vendor;
    const char *model;
    const char *fw;
    const char *site; // "" for none
    const char *state;
    bool online;
    QStringList tags;
    QStringList groups;
    const char *ip;
    const char *mac;
    const char *hostname;
    const char *serial;
    const char *notes;
};

// The facet and search fixture. Tags, groups and sites are not part of the text index.
QList<Spec> facetFixture()
{
    const QString l1 = QStringLiteral("line-1"), l2 = QStringLiteral("line-2"),
                  crit = QStringLiteral("critical"), dock = QStringLiteral("dock");
    const QString pilot = QStringLiteral("Pilot"), wave2 = QStringLiteral("Wave 2");
    return {
        {"d01",
         "Press line 1",
         "Northwind",
         "GW-4000",
         "2.4.1",
         "Plant A",
         "active",
         true,
         {l1, crit},
         {pilot},
         "10.20.0.5",
         "aa:bb:cc:00:00:01",
         "press1.plant-a",
         "NW-0001",
         ""},
        {"d02",
         "Press line 2",
         "Northwind",
         "GW-4000",
         "2.4.1",
         "Plant A",
         "active",
         false,
         {l2},
         {pilot},
         "10.20.5.0",
         "aa:bb:cc:00:00:02",
         "press2.plant-a",
         "NW-0002",
         ""},
        {"d03",
         "Paint shop",
         "Northwind",
         "GW-4000",
         "2.5.0",
         "Plant B",
         "maintenance",
         true,
         {l1},
         {},
         "10.20.0.50",
         "00:1a:2b:3c:4d:03",
         "paint.plant-b",
         "NW-0003",
         "hydraulic leak last winter"},
        {"d04",
         "Boiler sensor",
         "Contoso",
         "TS-10",
         "1.0.0",
         "Plant B",
         "active",
         true,
         {crit},
         {wave2},
         "10.30.1.4",
         "00:1a:2b:3c:4d:04",
         "boiler",
         "CT-0004",
         ""},
        {"d05",
         "Orbit welder",
         "Fabrikam",
         "WX-7",
         "3.1",
         "Plant C",
         "quarantined",
         false,
         {},
         {pilot, wave2},
         "192.168.4.20",
         "00:1a:2b:3c:4d:05",
         "welder",
         "WX-0005",
         ""},
        {"d06",
         "Near dock camera",
         "Fabrikam",
         "CAM-2",
         "1.2",
         "Plant C",
         "retired",
         false,
         {dock},
         {},
         "192.168.4.21",
         "00:1a:2b:3c:4d:06",
         "dock-cam",
         "CA-0006",
         ""},
        {"d07",
         "Müller Pumpe",
         "Contoso",
         "TS-10",
         "1.0.1",
         "Plant A",
         "registered",
         true,
         {},
         {},
         "10.40.0.7",
         "00:1a:2b:3c:4d:07",
         "pumpe",
         "CT-0007",
         ""},
        {"d08",
         "Conveyor",
         "Northwind",
         "GW-4000",
         "2.5.0",
         "",
         "active",
         true,
         {l2},
         {wave2},
         "10.20.9.8",
         "00:1a:2b:3c:4d:08",
         "conveyor",
         "NW-0008",
         ""},
    };
}

void load(TestWorkspace &ws, const QList<Spec> &specs)
{
    DeviceRepository repo(ws.db());
    SqliteTransaction tx(ws.db());
    for (const Spec &s : specs) {
        Device d;
        d.uid = QString::fromUtf8(s.uid);
        d.name = QString::fromUtf8(s.name);
        d.vendor = QString::fromUtf8(s.vendor);
        d.model = QString::fromUtf8(s.model);
        d.fwVersion = QString::fromUtf8(s.fw);
        d.site = QString::fromUtf8(s.site);
        d.state = QString::fromUtf8(s.state);
        d.online = s.online;
        d.tags = s.tags;
        d.groups = s.groups;
        d.ip = QString::fromUtf8(s.ip);
        d.mac = QString::fromUtf8(s.mac);
        d.hostname = QString::fromUtf8(s.hostname);
        d.serial = QString::fromUtf8(s.serial);
        d.notes = QString::fromUtf8(s.notes);
        auto saved = repo.upsert(d);
        QVERIFY2(saved.ok(), qUtf8Printable(saved.message()));
    }
    QVERIFY(tx.commit().ok());
}

// Varied devices for sorting and paging: duplicates, empty and NULL values, non-ASCII text.
void loadSortFixture(TestWorkspace &ws, int count)
{
    QRandomGenerator gen(20260302);
    const QStringList names = {QStringLiteral("Press"), QStringLiteral("paint"),
                               QStringLiteral("Ärger"), QStringLiteral("Zeta"),
                               QStringLiteral("press"), QString()};
    const QStringList models = {QStringLiteral("GW-4000"), QStringLiteral("TS-10"),
                                QStringLiteral("CAM-2"), QString()};
    const QStringList firmware = {QStringLiteral("2.4.1"), QStringLiteral("10.0"),
                                  QStringLiteral("2.10"), QString()};
    const QStringList sites = {QStringLiteral("Plant A"), QStringLiteral("Plant B"), QString()};
    const QStringList states = {QStringLiteral("active"), QStringLiteral("retired"),
                                QStringLiteral("maintenance")};
    const QStringList health = {QStringLiteral("ok"), QStringLiteral("failing"),
                                QStringLiteral("unknown")};
    const QStringList connections = {QStringLiteral("mqtt"), QStringLiteral("ddi"),
                                     QStringLiteral("serial")};
    const QStringList tagPool = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("ü")};
    const QStringList groupPool = {QStringLiteral("G1"), QStringLiteral("G2")};
    auto pick = [&gen](const QStringList &from) {
        return from.at(gen.bounded(int(from.size())));
    };
    DeviceRepository repo(ws.db());
    SqliteTransaction tx(ws.db());
    for (int i = 0; i < count; ++i) {
        Device d;
        d.uid = QStringLiteral("s-%1").arg(gen.bounded(100000), 5, 10, QLatin1Char('0'));
        d.name = pick(names);
        d.serial = QString::number(gen.bounded(50));
        d.vendor = pick(models).left(2);
        d.model = pick(models);
        d.hwRevision = pick(firmware).left(1);
        d.fwVersion = pick(firmware);
        d.fwPrevious = pick(firmware);
        d.fwKnownGood = pick(firmware);
        d.site = pick(sites);
        if (!d.site.isEmpty())
            d.siteTimeZone = d.site.endsWith(QLatin1Char('A')) ? QStringLiteral("Europe/Berlin")
                                                               : QStringLiteral("Asia/Tokyo");
        d.state = pick(states);
        d.online = gen.bounded(2) == 1;
        d.health = pick(health);
        d.connection = pick(connections);
        if (gen.bounded(3) > 0)
            d.lastSeen =
                QDateTime::fromMSecsSinceEpoch(1700000000000 + gen.bounded(1000) * 1000, Qt::UTC);
        if (gen.bounded(3) > 0)
            d.firstSeen =
                QDateTime::fromMSecsSinceEpoch(1600000000000 + gen.bounded(10) * 1000, Qt::UTC);
        d.mac =
            gen.bounded(4) ? QStringLiteral("00:00:00:00:00:%1").arg(gen.bounded(99)) : QString();
        d.ip = QStringLiteral("10.0.%1.%2").arg(gen.bounded(3)).arg(gen.bounded(300));
        d.hostname = pick(names).toLower();
        for (const QString &t : tagPool)
            if (gen.bounded(2))
                d.tags << t;
        for (const QString &g : groupPool)
            if (gen.bounded(2))
                d.groups << g;
        if (gen.bounded(2))
            d.config = {{QStringLiteral("k"), QString::number(gen.bounded(3))}};
        d.notes = pick(names);
        auto saved = repo.upsert(d);
        QVERIFY2(saved.ok(), qUtf8Printable(saved.message()));
        // Drift findings are the drift scanner's: written as it writes them.
        if (gen.bounded(3) == 0)
            QVERIFY(ws.db()
                        .execute(QStringLiteral("INSERT INTO device_drift (device_id, kind, "
                                                "sentence, detected_ms) VALUES (?, ?, 'x', 1)"),
                                 {saved->id, gen.bounded(2) ? QStringLiteral("fell_back")
                                                            : QStringLiteral("drift")})
                        .ok());
    }
    QVERIFY(tx.commit().ok());
}

QStringList uidsOf(const DeviceRows &rows)
{
    QStringList out;
    for (const auto &row : rows)
        out << row.at(DeviceColumns::Uid).toString();
    return out;
}

qint64 idOf(const QVector<QVariant> &row)
{
    return row.at(DeviceColumns::Count).toLongLong();
}

// SQLite's order for the values a page holds: NULL, then numbers, then text by UTF-8 bytes
// (BINARY collation).
int compareSql(const QVariant &a, const QVariant &b)
{
    auto rank = [](const QVariant &v) {
        if (!v.isValid())
            return 0;
        return v.typeId() == QMetaType::LongLong || v.typeId() == QMetaType::Double ? 1 : 2;
    };
    if (rank(a) != rank(b))
        return rank(a) < rank(b) ? -1 : 1;
    if (rank(a) == 0)
        return 0;
    if (rank(a) == 1)
        return a.toDouble() < b.toDouble() ? -1 : a.toDouble() > b.toDouble() ? 1 : 0;
    const QByteArray x = a.toString().toUtf8();
    const QByteArray y = b.toString().toUtf8();
    return x < y ? -1 : x > y ? 1 : 0;
}

struct Plan
{
    QStringList details;
    bool has(const QString &fragment) const
    {
        for (const QString &d : details)
            if (d.contains(fragment))
                return true;
        return false;
    }
    // A "SCAN d ..." step reads every device (through the table or a whole index).
    bool scansDevices() const
    {
        for (const QString &d : details)
            if (d == QLatin1String("SCAN d") || d.startsWith(QLatin1String("SCAN d ")))
                return true;
        return false;
    }
    QString text() const { return details.join(QStringLiteral(" | ")); }
};

Plan explain(SqliteDatabase &db, const DeviceQuery::Statement &st)
{
    Plan plan;
    auto s = db.prepare(QStringLiteral("EXPLAIN QUERY PLAN ") + st.sql);
    if (!s) {
        plan.details << s.message();
        return plan;
    }
    s->bindAll(st.binds);
    while (s->next())
        plan.details << s->text(3);
    return plan;
}

DeviceFilter models(std::initializer_list<const char *> names)
{
    DeviceFilter f;
    for (const char *n : names)
        f.models << QString::fromLatin1(n);
    return f;
}

} // namespace

class TestDeviceQuery : public QObject
{
    Q_OBJECT

private slots:
    void filter_data();
    void filter();
    void ftsSyntaxNeverBreaksTheQuery_data();
    void ftsSyntaxNeverBreaksTheQuery();
    void rowsCarryEveryColumn();
    void sortByEveryColumn_data();
    void sortByEveryColumn();
    void pagingCoversEveryRowOnce_data();
    void pagingCoversEveryRowOnce();
    void pageBounds();
    void idsLimit();
    void facetValues();
    void columns();
    void modelFacetUsesAnIndex_data();
    void modelFacetUsesAnIndex();
    void facetsAvoidFullScans_data();
    void facetsAvoidFullScans();
    void textSearchUsesTheFtsTable_data();
    void textSearchUsesTheFtsTable();
    void sortIndexClaimsHold_data();
    void sortIndexClaimsHold();
    void oneFacetValuePagesFromItsIndex_data();
    void oneFacetValuePagesFromItsIndex();
    void manyTextMatchesWalkTheSortIndex_data();
    void manyTextMatchesWalkTheSortIndex();
};

void TestDeviceQuery::filter_data()
{
    QTest::addColumn<DeviceFilter>("filter");
    QTest::addColumn<QStringList>("expected");
    auto uids = [](const QString &list) {
        return list.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    };
    auto row = [&](const char *name, const DeviceFilter &f, const char *expected) {
        QTest::newRow(name) << f << uids(QString::fromLatin1(expected));
    };
    DeviceFilter f;
    row("no filter", f, "d01 d02 d03 d04 d05 d06 d07 d08");
    row("model", models({"GW-4000"}), "d01 d02 d03 d08");
    row("models: any of", models({"GW-4000", "TS-10"}), "d01 d02 d03 d04 d07 d08");
    row("unknown model", models({"XX-1"}), "");
    f = {};
    f.firmware = {QStringLiteral("2.5.0")};
    row("firmware", f, "d03 d08");
    f.firmware = {QStringLiteral("2.4.1"), QStringLiteral("1.0.0")};
    row("firmware: any of", f, "d01 d02 d04");
    f = {};
    f.sites = {QStringLiteral("Plant A")};
    row("site", f, "d01 d02 d07");
    f.sites = {QStringLiteral("Plant B"), QStringLiteral("Plant C")};
    row("sites: any of", f, "d03 d04 d05 d06");
    f = {};
    f.groups = {QStringLiteral("Pilot")};
    row("group", f, "d01 d02 d05");
    f.groups = {QStringLiteral("Pilot"), QStringLiteral("Wave 2")};
    row("groups: any of", f, "d01 d02 d04 d05 d08");
    f = {};
    f.states = {QStringLiteral("active")};
    row("state", f, "d01 d02 d04 d08");
    f.states = {QStringLiteral("quarantined"), QStringLiteral("retired")};
    row("states: any of", f, "d05 d06");
    f = {};
    f.tags = {QStringLiteral("critical")};
    row("tag", f, "d01 d04");
    f.tags = {QStringLiteral("line-1"), QStringLiteral("line-2")};
    row("tags: any of", f, "d01 d02 d03 d08");
    f = {};
    f.online = true;
    row("online", f, "d01 d03 d04 d07 d08");
    f.online = false;
    row("offline", f, "d02 d05 d06");
    f = models({"GW-4000"});
    f.sites = {QStringLiteral("Plant A")};
    row("model and site", f, "d01 d02");
    f = models({"GW-4000"});
    f.online = true;
    row("model and online", f, "d01 d03 d08");
    f = {};
    f.tags = {QStringLiteral("line-1"), QStringLiteral("line-2")};
    f.groups = {QStringLiteral("Pilot")};
    row("tags and group", f, "d01 d02");
    f = models({"GW-4000"});
    f.states = {QStringLiteral("maintenance")};
    f.online = false;
    row("model, state and offline: nobody", f, "");
    f = models({"GW-4000", "TS-10"});
    f.firmware = {QStringLiteral("2.4.1")};
    f.sites = {QStringLiteral("Plant A")};
    f.groups = {QStringLiteral("Pilot")};
    f.states = {QStringLiteral("active")};
    f.tags = {QStringLiteral("critical")};
    f.online = true;
    row("every facet", f, "d01");

    auto text = [](const char *t) {
        DeviceFilter d;
        d.text = QString::fromUtf8(t);
        return d;
    };
    row("text: name word", text("press"), "d01 d02");
    row("text: name prefix", text("Pre"), "d01 d02");
    row("text: two words", text("press 2"), "d01 d02"); // d01's IP has a word starting "2"
    row("text: phrase", text("press line-2"), "d02");
    row("text: serial prefix", text("NW-000"), "d01 d02 d03 d08");
    row("text: full serial", text("CT-0007"), "d07");
    row("text: ip", text("10.20.0.5"), "d01 d03");
    row("text: ip prefix", text("192.168.4"), "d05 d06");
    row("text: ip, other order", text("10.20.5"), "d02");
    row("text: mac", text("aa:bb:cc:00:00:02"), "d02");
    row("text: mac prefix", text("AA:BB:CC"), "d01 d02");
    row("text: hostname", text("plant-a"), "d01 d02");
    row("text: hostname word", text("plant"), "d01 d02 d03");
    row("text: vendor", text("contoso"), "d04 d07");
    row("text: uid", text("d05"), "d05");
    row("text: notes", text("hydraulic"), "d03");
    row("text: diacritics folded", text("muller"), "d07");
    row("text: diacritics typed", text("Müller"), "d07");
    row("text: nothing", text("zebra"), "");
    f = text("plant");
    f.models = {QStringLiteral("GW-4000")};
    f.online = true;
    row("text and facets", f, "d01 d03");
}

void TestDeviceQuery::filter()
{
    QFETCH(DeviceFilter, filter);
    QFETCH(QStringList, expected);
    TestWorkspace ws;
    load(ws, facetFixture());
    if (QTest::currentTestFailed())
        return;
    const DeviceQuery query(filter, DeviceColumns::Uid, false);
    auto count = query.count(ws.db());
    QVERIFY2(count.ok(), qUtf8Printable(count.message()));
    QCOMPARE(count.value(), qint64(expected.size()));
    auto page = query.page(ws.db(), 0, 100);
    QVERIFY2(page.ok(), qUtf8Printable(page.message()));
    QCOMPARE(uidsOf(page.value()), expected);
    auto ids = query.ids(ws.db());
    QVERIFY(ids.ok());
    QCOMPARE(ids->size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i)
        QCOMPARE(ids->at(i), idOf(page->at(i)));
    const DeviceQuery reversed(filter, DeviceColumns::Uid, true);
    QStringList backwards(expected.crbegin(), expected.crend());
    QCOMPARE(uidsOf(reversed.page(ws.db(), 0, 100).value()), backwards);
}

void TestDeviceQuery::ftsSyntaxNeverBreaksTheQuery_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");
    const QStringList all =
        QStringLiteral("d01 d02 d03 d04 d05 d06 d07 d08").split(QLatin1Char(' '));
    const QStringList press = {QStringLiteral("d01"), QStringLiteral("d02")};
    QTest::newRow("double quote") << QStringLiteral("\"") << all;
    QTest::newRow("two double quotes") << QStringLiteral("\"\"") << all;
    QTest::newRow("star") << QStringLiteral("*") << all;
    QTest::newRow("OR") << QStringLiteral("OR") << QStringList{QStringLiteral("d05")};
    QTest::newRow("or") << QStringLiteral("or") << QStringList{QStringLiteral("d05")};
    QTest::newRow("NEAR(") << QStringLiteral("NEAR(") << QStringList{QStringLiteral("d06")};
    QTest::newRow("NEAR(a b)") << QStringLiteral("NEAR(press line)") << QStringList();
    QTest::newRow("AND") << QStringLiteral("AND") << QStringList();
    QTest::newRow("NOT press") << QStringLiteral("NOT press") << QStringList();
    QTest::newRow("press OR paint") << QStringLiteral("press OR paint") << QStringList();
    QTest::newRow("open quote") << QStringLiteral("\"press") << press;
    QTest::newRow("quoted") << QStringLiteral("\"press\"") << press;
    QTest::newRow("quote inside") << QStringLiteral("press\"line") << press;
    QTest::newRow("parentheses") << QStringLiteral("(press)") << press;
    QTest::newRow("unbalanced parenthesis") << QStringLiteral("press)") << press;
    QTest::newRow("trailing star") << QStringLiteral("press*") << press;
    QTest::newRow("leading minus") << QStringLiteral("-press") << press;
    QTest::newRow("caret") << QStringLiteral("^press") << press;
    QTest::newRow("plus") << QStringLiteral("press + line") << press;
    QTest::newRow("column filter") << QStringLiteral("name:press") << QStringList();
    QTest::newRow("column set") << QStringLiteral("{name hostname}: press") << QStringList();
    QTest::newRow("colon") << QStringLiteral(":") << all;
    QTest::newRow("sql") << QStringLiteral("'; DROP TABLE devices; --") << QStringList();
    QTest::newRow("backslash") << QStringLiteral("\\press\\") << press;
    QTest::newRow("emoji") << QStringLiteral("🚀") << all;
}

void TestDeviceQuery::ftsSyntaxNeverBreaksTheQuery()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    TestWorkspace ws;
    load(ws, facetFixture());
    if (QTest::currentTestFailed())
        return;
    DeviceFilter f;
    f.text = text;
    const DeviceQuery query(f, DeviceColumns::Uid, false);
    auto count = query.count(ws.db());
    QVERIFY2(count.ok(), qUtf8Printable(count.message()));
    auto page = query.page(ws.db(), 0, 100);
    QVERIFY2(page.ok(), qUtf8Printable(page.message()));
    QCOMPARE(uidsOf(page.value()), expected);
    QCOMPARE(count.value(), qint64(expected.size()));
    QVERIFY(query.ids(ws.db()).ok());
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM devices")).toInt(), 8);
}

void TestDeviceQuery::rowsCarryEveryColumn()
{
    TestWorkspace ws;
    load(ws, facetFixture());
    if (QTest::currentTestFailed())
        return;
    DeviceFilter f;
    f.text = QStringLiteral("d01");
    auto page = DeviceQuery(f, DeviceColumns::Name, false).page(ws.db(), 0, 10);
    QVERIFY(page.ok());
    QCOMPARE(page->size(), 1);
    const auto &row = page->first();
    QCOMPARE(row.size(), DeviceColumns::Count + 1);
    QCOMPARE(row.at(DeviceColumns::Uid).toString(), QStringLiteral("d01"));
    QCOMPARE(row.at(DeviceColumns::Name).toString(), QStringLiteral("Press line 1"));
    QCOMPARE(row.at(DeviceColumns::Model).toString(), QStringLiteral("GW-4000"));
    QCOMPARE(row.at(DeviceColumns::Site).toString(), QStringLiteral("Plant A"));
    QCOMPARE(row.at(DeviceColumns::TimeZone).toString(), QStringLiteral("UTC"));
    QCOMPARE(row.at(DeviceColumns::State).toString(), QStringLiteral("active"));
    QCOMPARE(row.at(DeviceColumns::Online).toLongLong(), 1);
    QCOMPARE(row.at(DeviceColumns::Ip).toString(), QStringLiteral("10.20.0.5"));
    QCOMPARE(row.at(DeviceColumns::Mac).toString(), QStringLiteral("aa:bb:cc:00:00:01"));
    QCOMPARE(row.at(DeviceColumns::Tags).toString(), QStringLiteral("critical, line-1"));
    QCOMPARE(row.at(DeviceColumns::Groups).toString(), QStringLiteral("Pilot"));
    QVERIFY(!row.at(DeviceColumns::LastSeen).isValid());
    QCOMPARE(idOf(row), *DeviceRepository(ws.db()).idForUid(QStringLiteral("d01")).value());
}

void TestDeviceQuery::sortByEveryColumn_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("descending");
    for (int c = 0; c < DeviceColumns::Count; ++c)
        for (bool desc : {false, true})
            QTest::addRow("%s %s", qPrintable(DeviceColumns::key(c)), desc ? "desc" : "asc")
                << c << desc;
}

void TestDeviceQuery::sortByEveryColumn()
{
    QFETCH(int, column);
    QFETCH(bool, descending);
    TestWorkspace ws;
    loadSortFixture(ws, 60);
    if (QTest::currentTestFailed())
        return;
    const int total = scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM devices")).toInt();
    const DeviceQuery query({}, column, descending);
    auto page = query.page(ws.db(), 0, 1000);
    QVERIFY2(page.ok(), qUtf8Printable(page.message()));
    const DeviceRows &rows = page.value();
    QCOMPARE(rows.size(), total);
    // The keys the column sorts by: facet columns sort by name within a value.
    QList<int> keys{column};
    if (column == DeviceColumns::Model || column == DeviceColumns::Firmware ||
        column == DeviceColumns::State || column == DeviceColumns::Online)
        keys << DeviceColumns::Name;
    QSet<qint64> seen;
    int distinct = 1;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        seen.insert(idOf(rows.at(i)));
        if (i == 0)
            continue;
        const auto &a = rows.at(i - 1);
        const auto &b = rows.at(i);
        int cmp = 0;
        for (int k : keys)
            if ((cmp = compareSql(a.at(k), b.at(k))) != 0)
                break;
        if (compareSql(a.at(column), b.at(column)) != 0)
            ++distinct;
        if (cmp == 0)
            cmp = idOf(a) < idOf(b) ? -1 : 1; // ties: by row id, in the same direction
        QVERIFY2(descending ? cmp > 0 : cmp < 0,
                 qPrintable(QStringLiteral("rows %1 and %2: %3 / %4")
                                .arg(i - 1)
                                .arg(i)
                                .arg(a.at(column).toString(), b.at(column).toString())));
    }
    QCOMPARE(seen.size(), total);
    QVERIFY2(distinct > 1, "the fixture must give every column more than one value");
}

void TestDeviceQuery::pagingCoversEveryRowOnce_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("descending");
    QTest::addColumn<int>("pageSize");
    QTest::addColumn<bool>("filtered");
    for (int size : {1, 7, 10, 64, 500}) {
        QTest::addRow("name asc, %d", size) << int(DeviceColumns::Name) << false << size << false;
        QTest::addRow("model desc, %d", size) << int(DeviceColumns::Model) << true << size << false;
        QTest::addRow("last seen asc, %d", size)
            << int(DeviceColumns::LastSeen) << false << size << false;
        QTest::addRow("tags desc, %d", size) << int(DeviceColumns::Tags) << true << size << false;
        QTest::addRow("site asc, online only, %d", size)
            << int(DeviceColumns::Site) << false << size << true;
    }
}

void TestDeviceQuery::pagingCoversEveryRowOnce()
{
    QFETCH(int, column);
    QFETCH(bool, descending);
    QFETCH(int, pageSize);
    QFETCH(bool, filtered);
    TestWorkspace ws;
    loadSortFixture(ws, 64);
    if (QTest::currentTestFailed())
        return;
    DeviceFilter f;
    if (filtered)
        f.online = true;
    const DeviceQuery query(f, column, descending);
    const qint64 total = query.count(ws.db()).value();
    QVERIFY(total > 10);
    const QList<qint64> all = query.ids(ws.db()).value();
    QCOMPARE(all.size(), total);
    QList<qint64> paged;
    for (qint64 offset = 0;; offset += pageSize) {
        auto page = query.page(ws.db(), offset, pageSize);
        QVERIFY2(page.ok(), qUtf8Printable(page.message()));
        QVERIFY(page->size() <= pageSize);
        for (const auto &row : page.value())
            paged << idOf(row);
        if (page->size() < pageSize)
            break;
    }
    QCOMPARE(paged, all);
    QCOMPARE(QSet<qint64>(paged.cbegin(), paged.cend()).size(), total);
}

void TestDeviceQuery::pageBounds()
{
    TestWorkspace ws;
    load(ws, facetFixture());
    if (QTest::currentTestFailed())
        return;
    const DeviceQuery query({}, DeviceColumns::Uid, false);
    QCOMPARE(query.page(ws.db(), 8, 10)->size(), 0);
    QCOMPARE(query.page(ws.db(), 100, 10)->size(), 0);
    QCOMPARE(query.page(ws.db(), 0, 0)->size(), 0);
    QCOMPARE(uidsOf(query.page(ws.db(), 6, 10).value()),
             QStringList({QStringLiteral("d07"), QStringLiteral("d08")}));
    // "Everything" as a limit does not allocate for that many rows up front.
    QCOMPARE(query.page(ws.db(), 0, std::numeric_limits<int>::max())->size(), 8);
    QCOMPARE(query.page(ws.db(), 0, -1)->size(), 8);
}

void TestDeviceQuery::idsLimit()
{
    TestWorkspace ws;
    load(ws, facetFixture());
    if (QTest::currentTestFailed())
        return;
    const DeviceQuery query(models({"GW-4000"}), DeviceColumns::Name, true);
    QCOMPARE(query.ids(ws.db())->size(), 4);
    QCOMPARE(query.ids(ws.db(), 2)->size(), 2);
    QCOMPARE(query.ids(ws.db(), 2).value(), query.ids(ws.db()).value().mid(0, 2));
    QCOMPARE(query.filter(), models({"GW-4000"}));
    QCOMPARE(query.sortColumn(), int(DeviceColumns::Name));
    QVERIFY(query.descending());
}

void TestDeviceQuery::facetValues()
{
    TestWorkspace ws;
    load(ws, facetFixture());
    if (QTest::currentTestFailed())
        return;
    using Values = QList<QPair<QString, qint64>>;
    auto values = [&](const char *facet) {
        auto v = DeviceQuery::facetValues(ws.db(), QString::fromLatin1(facet));
        return v.ok() ? v.value() : Values{{v.message(), -1}};
    };
    QCOMPARE(values("model"), Values({{QStringLiteral("CAM-2"), 1},
                                      {QStringLiteral("GW-4000"), 4},
                                      {QStringLiteral("TS-10"), 2},
                                      {QStringLiteral("WX-7"), 1}}));
    QCOMPARE(values("fw_version").size(), 6);
    QCOMPARE(values("state"), Values({{QStringLiteral("active"), 4},
                                      {QStringLiteral("maintenance"), 1},
                                      {QStringLiteral("quarantined"), 1},
                                      {QStringLiteral("registered"), 1},
                                      {QStringLiteral("retired"), 1}}));
    QCOMPARE(values("site"), Values({{QStringLiteral("Plant A"), 3},
                                     {QStringLiteral("Plant B"), 2},
                                     {QStringLiteral("Plant C"), 2}}));
    QCOMPARE(values("group"),
             Values({{QStringLiteral("Pilot"), 3}, {QStringLiteral("Wave 2"), 3}}));
    QCOMPARE(values("tag"), Values({{QStringLiteral("critical"), 2},
                                    {QStringLiteral("dock"), 1},
                                    {QStringLiteral("line-1"), 2},
                                    {QStringLiteral("line-2"), 2}}));
    auto unknown = DeviceQuery::facetValues(ws.db(), QStringLiteral("colour"));
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().kind, Error::Kind::Invalid);
    // The filter of a facet value selects exactly that many devices.
    DeviceFilter f;
    f.groups = {QStringLiteral("Wave 2")};
    QCOMPARE(DeviceQuery(f, 0, false).count(ws.db()).value(), 3);
}

void TestDeviceQuery::columns()
{
    QSet<QString> keys;
    for (int c = 0; c < DeviceColumns::Count; ++c) {
        const QString key = DeviceColumns::key(c);
        QVERIFY(!key.isEmpty());
        QVERIFY(!DeviceColumns::title(c).isEmpty());
        QCOMPARE(DeviceColumns::fromKey(key), c);
        keys.insert(key);
    }
    QCOMPARE(keys.size(), int(DeviceColumns::Count));
    QCOMPARE(DeviceColumns::keys().size(), int(DeviceColumns::Count));
    QCOMPARE(DeviceColumns::fromKey(QStringLiteral("nope")), -1);
    QCOMPARE(DeviceColumns::key(-1), QString());
    QCOMPARE(DeviceColumns::key(DeviceColumns::Count), QString());
    QVERIFY(!DeviceColumns::visibleByDefault(DeviceColumns::Count));
    QVERIFY(DeviceColumns::visibleByDefault(DeviceColumns::Name));
    QVERIFY(DeviceColumns::isTimestamp(DeviceColumns::LastSeen));
    QVERIFY(!DeviceColumns::isTimestamp(DeviceColumns::Name));
    // An unknown sort column sorts by name.
    QCOMPARE(DeviceColumns::orderBy(99, false), DeviceColumns::orderBy(DeviceColumns::Name, false));
    QCOMPARE(DeviceColumns::orderBy(DeviceColumns::Name, true),
             QStringLiteral("d.name DESC, d.id DESC"));
    QCOMPARE(DeviceColumns::orderBy(DeviceColumns::Model, true),
             QStringLiteral("d.model DESC, d.name DESC, d.id DESC"));
    QVERIFY(DeviceColumns::selectList().endsWith(QLatin1String(", d.id")));
}

void TestDeviceQuery::modelFacetUsesAnIndex_data()
{
    QTest::addColumn<DeviceFilter>("filter");
    QTest::addColumn<int>("sort");
    QTest::newRow("one model, by name") << models({"GW-4000"}) << int(DeviceColumns::Name);
    QTest::newRow("two models, by last seen")
        << models({"GW-4000", "TS-10"}) << int(DeviceColumns::LastSeen);
    QTest::newRow("one model, by tags") << models({"TS-10"}) << int(DeviceColumns::Tags);
}

void TestDeviceQuery::modelFacetUsesAnIndex()
{
    QFETCH(DeviceFilter, filter);
    QFETCH(int, sort);
    TestWorkspace ws;
    load(ws, facetFixture());
    if (QTest::currentTestFailed())
        return;
    const DeviceQuery query(filter, sort, false);
    for (const auto &st :
         {query.countStatement(), query.pageStatement(0, 50), query.idsStatement()}) {
        const Plan plan = explain(ws.db(), st);
        QVERIFY2(plan.has(QStringLiteral("INDEX devices_model_name (model=?)")),
                 qUtf8Printable(plan.text()));
        QVERIFY2(!plan.scansDevices(), qUtf8Printable(plan.text()));
    }
}

void TestDeviceQuery::facetsAvoidFullScans_data()
{
    QTest::addColumn<DeviceFilter>("filter");
    QTest::addColumn<QString>("index");
    DeviceFilter f;
    f.firmware = {QStringLiteral("2.4.1")};
    QTest::newRow("firmware") << f << QStringLiteral("INDEX devices_fw_name (fw_version=?)");
    f = {};
    f.states = {QStringLiteral("active"), QStringLiteral("retired")};
    QTest::newRow("states") << f << QStringLiteral("INDEX devices_state_name (state=?)");
    f = {};
    f.sites = {QStringLiteral("Plant A")};
    QTest::newRow("site") << f << QStringLiteral("INDEX devices_site_name (site_id=?)");
    f = {};
    f.tags = {QStringLiteral("critical")};
    QTest::newRow("tag") << f << QStringLiteral("INDEX device_tags_tag (tag=?)");
    f = {};
    f.groups = {QStringLiteral("Pilot")};
    QTest::newRow("group") << f << QStringLiteral("SEARCH gm USING PRIMARY KEY (group_id=?)");
}

void TestDeviceQuery::facetsAvoidFullScans()
{
    QFETCH(DeviceFilter, filter);
    QFETCH(QString, index);
    TestWorkspace ws;
    load(ws, facetFixture());
    if (QTest::currentTestFailed())
        return;
    const DeviceQuery query(filter, DeviceColumns::Name, false);
    for (const auto &st : {query.countStatement(), query.pageStatement(0, 50)}) {
        const Plan plan = explain(ws.db(), st);
        QVERIFY2(plan.has(index), qUtf8Printable(plan.text()));
        QVERIFY2(!plan.scansDevices(), qUtf8Printable(plan.text()));
    }
}

void TestDeviceQuery::textSearchUsesTheFtsTable_data()
{
    QTest::addColumn<DeviceFilter>("filter");
    QTest::addColumn<int>("sort");
    DeviceFilter f;
    f.text = QStringLiteral("press");
    QTest::newRow("word, by name") << f << int(DeviceColumns::Name);
    f.text = QStringLiteral("10.20.0");
    QTest::newRow("ip, by last seen") << f << int(DeviceColumns::LastSeen);
    f.text = QStringLiteral("NW-00 press");
    f.online = true;
    QTest::newRow("words and online, by uid") << f << int(DeviceColumns::Uid);
}

void TestDeviceQuery::textSearchUsesTheFtsTable()
{
    QFETCH(DeviceFilter, filter);
    QFETCH(int, sort);
    TestWorkspace ws;
    load(ws, facetFixture());
    if (QTest::currentTestFailed())
        return;
    const DeviceQuery query(filter, sort, false);
    for (const auto &st :
         {query.countStatement(), query.pageStatement(0, 50), query.idsStatement()}) {
        const Plan plan = explain(ws.db(), st);
        QVERIFY2(plan.has(QStringLiteral("SCAN device_search VIRTUAL TABLE INDEX")),
                 qUtf8Printable(plan.text()));
        // Devices are looked up by the row ids the search returns (through the table, or an
        // index that also holds the row id), unless the count needs no look-up at all.
        if (st.sql.contains(QLatin1String("FROM devices")))
            QVERIFY2(plan.has(QStringLiteral("SEARCH d USING INTEGER PRIMARY KEY (rowid=?)")) ||
                         plan.has(QStringLiteral("AND rowid=?)")) ||
                         plan.has(QStringLiteral("SEARCH d USING COVERING INDEX")) ||
                         plan.has(QStringLiteral("SEARCH d USING INDEX")),
                     qUtf8Printable(plan.text()));
        QVERIFY2(!plan.scansDevices(), qUtf8Printable(plan.text()));
    }
}

void TestDeviceQuery::sortIndexClaimsHold_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("descending");
    for (int c = 0; c < DeviceColumns::Count; ++c)
        if (DeviceColumns::hasSortIndex(c))
            for (bool desc : {false, true})
                QTest::addRow("%s %s", qPrintable(DeviceColumns::key(c)), desc ? "desc" : "asc")
                    << c << desc;
}

void TestDeviceQuery::sortIndexClaimsHold()
{
    // hasSortIndex() promises the first page of an unfiltered table without sorting every row.
    QFETCH(int, column);
    QFETCH(bool, descending);
    TestWorkspace ws;
    const Plan plan = explain(ws.db(), DeviceQuery({}, column, descending).idsStatement(50));
    QVERIFY2(!plan.has(QStringLiteral("TEMP B-TREE")), qUtf8Printable(plan.text()));
}

void TestDeviceQuery::oneFacetValuePagesFromItsIndex_data()
{
    QTest::addColumn<DeviceFilter>("filter");
    DeviceFilter f = models({"GW-4000"});
    QTest::newRow("model") << f;
    f = {};
    f.firmware = {QStringLiteral("2.4.1")};
    QTest::newRow("firmware") << f;
    f = {};
    f.states = {QStringLiteral("active")};
    QTest::newRow("state") << f;
    f = {};
    f.online = false;
    QTest::newRow("offline") << f;
}

void TestDeviceQuery::oneFacetValuePagesFromItsIndex()
{
    // The default order (by name) of one facet value comes straight from its (facet, name)
    // index: the first page never sorts every matching device.
    QFETCH(DeviceFilter, filter);
    TestWorkspace ws;
    load(ws, facetFixture());
    if (QTest::currentTestFailed())
        return;
    const Plan plan =
        explain(ws.db(), DeviceQuery(filter, DeviceColumns::Name, false).idsStatement(50));
    QVERIFY2(!plan.has(QStringLiteral("TEMP B-TREE")), qUtf8Printable(plan.text()));
    QVERIFY2(!plan.scansDevices(), qUtf8Printable(plan.text()));
}

void TestDeviceQuery::manyTextMatchesWalkTheSortIndex_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("descending");
    for (int c = 0; c < DeviceColumns::Count; ++c)
        if (DeviceColumns::hasSortIndex(c))
            for (bool desc : {false, true})
                QTest::addRow("%s %s", qPrintable(DeviceColumns::key(c)), desc ? "desc" : "asc")
                    << c << desc;
}

void TestDeviceQuery::manyTextMatchesWalkTheSortIndex()
{
    QFETCH(int, column);
    QFETCH(bool, descending);
    TestWorkspace ws;
    load(ws, facetFixture());
    if (QTest::currentTestFailed())
        return;
    DeviceFilter f;
    f.text = QStringLiteral("press");
    const DeviceQuery query(f, column, descending);
    const qint64 many = DeviceQuery::kWalkSortIndexFrom;
    const Plan walk = explain(ws.db(), query.pageStatement(0, 50, many));
    QVERIFY2(walk.has(QStringLiteral("INDEX ") + DeviceColumns::sortIndex(column)),
             qUtf8Printable(walk.text()));
    const Plan sorted = explain(ws.db(), query.pageStatement(0, 50, 10));
    QVERIFY2(!sorted.has(QStringLiteral("INDEX ") + DeviceColumns::sortIndex(column) + u' '),
             qUtf8Printable(sorted.text()));
    // Either way, the same rows in the same order.
    for (qint64 offset : {0, 1}) {
        auto a = query.page(ws.db(), offset, 5, many);
        auto b = query.page(ws.db(), offset, 5, 10);
        QVERIFY2(a.ok() && b.ok(), qUtf8Printable(a.message() + b.message()));
        QVERIFY(!b->isEmpty());
        QCOMPARE(a.value(), b.value());
    }
}

QTEST_GUILESS_MAIN(TestDeviceQuery)
#include "tst_devicequery.moc"
