#include "TestWorkspace.h"
#include "audit/AuditQuery.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QTimeZone>

using namespace fleet;
using namespace fleet::test;

namespace {

QDateTime at(int hour, int minute = 0)
{
    return QDateTime(QDate(2026, 3, 2), QTime(hour, minute), Qt::UTC);
}

QList<qint64> seqs(const QList<AuditEntry> &entries)
{
    QList<qint64> out;
    for (const AuditEntry &e : entries)
        out << e.seq;
    return out;
}

// RFC 4180 records (quoted fields, doubled quotes, CRLF) as lists of cells.
QList<QStringList> parseCsv(const QString &text)
{
    QList<QStringList> rows;
    QStringList row;
    QString cell;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < text.size() &&
                text.at(i + 1) == QLatin1Char('"')) {
                cell += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            row << cell;
            cell.clear();
        } else if (c == QLatin1Char('\r') && i + 1 < text.size() &&
                   text.at(i + 1) == QLatin1Char('\n')) {
            row << cell;
            rows << row;
            row.clear();
            cell.clear();
            ++i;
        } else {
            cell += c;
        }
    }
    return rows;
}

} // namespace

class TestAuditQuery : public QObject
{
    Q_OBJECT

private:
    // Seven entries by four actors over three hours:
    //  1, 2  09:00 tester/Test Operator  device.create  dev-0001, dev-0002
    //  3     10:00 alice/Alice Admin     device.set-state dev-0001 (reason with , and ")
    //  4, 5  11:00 bob/Night Shift       device.add-tag dev-0001, dev-0002
    //  6     12:00 svc/system            group.create Pilot
    //  7     12:30 svc/system            filter.save Gateways
    void fill(TestWorkspace &ws)
    {
        ws.clock().setNow(at(9));
        const auto ids = ws.addDevices(2);
        ws.clock().setNow(at(10));
        ws.session().audit().setActor(
            {QStringLiteral("alice"), QStringLiteral("Alice Admin"), QStringLiteral("laptop-1")});
        QVERIFY(ws.session()
                    .inventory()
                    .setState({ids[0]}, QStringLiteral("maintenance"),
                              QStringLiteral("Line \"B\", stopped for service"))
                    .ok());
        ws.clock().setNow(at(11));
        ws.session().audit().setActor(
            {QStringLiteral("bob"), QStringLiteral("Night Shift"), QStringLiteral("laptop-2")});
        QVERIFY(ws.session().inventory().addTag(ids, QStringLiteral("line-1")).ok());
        ws.clock().setNow(at(12));
        ws.session().audit().setActor(
            {QStringLiteral("svc"), QStringLiteral("system"), QStringLiteral("server")});
        QVERIFY(ws.session()
                    .inventory()
                    .createGroup(QStringLiteral("Pilot"), QStringLiteral("first wave"))
                    .ok());
        ws.clock().setNow(at(12, 30));
        DeviceFilter f;
        f.models = {QStringLiteral("GW-4000")};
        QVERIFY(ws.session().savedFilters().save(QStringLiteral("Gateways"), f).ok());
        QCOMPARE(ws.auditCount(), 7);
    }

private slots:
    void filter_data();
    void filter();
    void whereClause();
    void orderAndPaging();
    void exportCsv();
    void exportJson();
    void exportJsonCanBeVerified();
    void exportFiltered_data();
    void exportFiltered();
};

void TestAuditQuery::filter_data()
{
    QTest::addColumn<QDateTime>("from");
    QTest::addColumn<QDateTime>("to");
    QTest::addColumn<QString>("actor");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("objectType");
    QTest::addColumn<QString>("objectId");
    QTest::addColumn<QList<qint64>>("expected");
    const QDateTime none;
    using L = QList<qint64>;
    QTest::newRow("everything") << none << none << QString() << QString() << QString() << QString()
                                << L{1, 2, 3, 4, 5, 6, 7};
    QTest::newRow("from (inclusive)")
        << at(10) << none << QString() << QString() << QString() << QString() << L{3, 4, 5, 6, 7};
    QTest::newRow("to (exclusive)")
        << none << at(10) << QString() << QString() << QString() << QString() << L{1, 2};
    QTest::newRow("range") << at(10) << at(12) << QString() << QString() << QString() << QString()
                           << L{3, 4, 5};
    QTest::newRow("empty range") << at(10) << at(10) << QString() << QString() << QString()
                                 << QString() << L{};
    QTest::newRow("range in another zone")
        << QDateTime(QDate(2026, 3, 2), QTime(11, 0), QTimeZone(3600))
        << QDateTime(QDate(2026, 3, 2), QTime(12, 0), QTimeZone(3600)) << QString() << QString()
        << QString() << QString() << L{3};
    QTest::newRow("actor: os user, any case")
        << none << none << QStringLiteral("ALICE") << QString() << QString() << QString() << L{3};
    QTest::newRow("actor: operator substring") << none << none << QStringLiteral("shift")
                                               << QString() << QString() << QString() << L{4, 5};
    QTest::newRow("actor: os user substring")
        << none << none << QStringLiteral("test") << QString() << QString() << QString() << L{1, 2};
    QTest::newRow("actor: trimmed") << none << none << QStringLiteral("  system ") << QString()
                                    << QString() << QString() << L{6, 7};
    QTest::newRow("actor: nobody")
        << none << none << QStringLiteral("mallory") << QString() << QString() << QString() << L{};
    QTest::newRow("action prefix with dot")
        << none << none << QString() << QStringLiteral("device.") << QString() << QString()
        << L{1, 2, 3, 4, 5};
    QTest::newRow("action prefix") << none << none << QString() << QStringLiteral("device.add")
                                   << QString() << QString() << L{4, 5};
    QTest::newRow("action exact") << none << none << QString() << QStringLiteral("group.create")
                                  << QString() << QString() << L{6};
    QTest::newRow("action: only a prefix matches")
        << none << none << QString() << QStringLiteral("evice") << QString() << QString() << L{};
    QTest::newRow("action: no LIKE wildcards")
        << none << none << QString() << QStringLiteral("%") << QString() << QString() << L{};
    QTest::newRow("action: underscore is literal")
        << none << none << QString() << QStringLiteral("device_") << QString() << QString() << L{};
    QTest::newRow("object type") << none << none << QString() << QString()
                                 << QStringLiteral("device") << QString() << L{1, 2, 3, 4, 5};
    QTest::newRow("object id") << none << none << QString() << QString() << QString()
                               << QStringLiteral("dev-0001") << L{1, 3, 4};
    QTest::newRow("object") << none << none << QString() << QString() << QStringLiteral("device")
                            << QStringLiteral("dev-0002") << L{2, 5};
    QTest::newRow("object of another type")
        << none << none << QString() << QString() << QStringLiteral("group")
        << QStringLiteral("dev-0002") << L{};
    QTest::newRow("all facets") << at(11) << at(13) << QStringLiteral("bob")
                                << QStringLiteral("device.") << QStringLiteral("device")
                                << QStringLiteral("dev-0002") << L{5};
}

void TestAuditQuery::filter()
{
    QFETCH(QDateTime, from);
    QFETCH(QDateTime, to);
    QFETCH(QString, actor);
    QFETCH(QString, action);
    QFETCH(QString, objectType);
    QFETCH(QString, objectId);
    QFETCH(QList<qint64>, expected);
    TestWorkspace ws;
    fill(ws);
    if (QTest::currentTestFailed())
        return;
    AuditFilter f;
    f.from = from;
    f.to = to;
    f.actor = actor;
    f.action = action;
    f.objectType = objectType;
    f.objectId = objectId;
    auto count = AuditQuery::count(ws.db(), f);
    QVERIFY2(count.ok(), qUtf8Printable(count.message()));
    QCOMPARE(count.value(), qint64(expected.size()));
    auto oldestFirst = AuditQuery::list(ws.db(), f, 0, 100, false);
    QVERIFY(oldestFirst.ok());
    QCOMPARE(seqs(oldestFirst.value()), expected);
    auto newestFirst = AuditQuery::list(ws.db(), f, 0, 100, true);
    QVERIFY(newestFirst.ok());
    QList<qint64> reversed(expected.crbegin(), expected.crend());
    QCOMPARE(seqs(newestFirst.value()), reversed);
}

void TestAuditQuery::whereClause()
{
    QVariantList binds;
    QCOMPARE(AuditFilter().whereClause(&binds), QString());
    QVERIFY(binds.isEmpty());
    AuditFilter f;
    f.actor = QStringLiteral(" bob ");
    f.objectId = QStringLiteral("x");
    const QString where = f.whereClause(&binds);
    QVERIFY(where.startsWith(QLatin1String("WHERE ")));
    QCOMPARE(binds,
             QVariantList({QStringLiteral("bob"), QStringLiteral("bob"), QStringLiteral("x")}));
    QCOMPARE(where.count(QLatin1Char('?')), binds.size());
}

void TestAuditQuery::orderAndPaging()
{
    TestWorkspace ws;
    fill(ws);
    if (QTest::currentTestFailed())
        return;
    QList<qint64> all;
    for (qint64 offset = 0;; offset += 3) {
        auto page = AuditQuery::list(ws.db(), {}, offset, 3, true);
        QVERIFY(page.ok());
        QVERIFY(page.value().size() <= 3);
        if (page.value().isEmpty())
            break;
        all << seqs(page.value());
    }
    QCOMPARE(all, QList<qint64>({7, 6, 5, 4, 3, 2, 1}));
    auto entries = AuditQuery::list(ws.db(), {}, 2, 1, false);
    QVERIFY(entries.ok());
    QCOMPARE(entries.value().size(), 1);
    const AuditEntry &e = entries.value().first();
    QCOMPARE(e.seq, qint64(3));
    QCOMPARE(e.osUser, QStringLiteral("alice"));
    QCOMPARE(e.operatorName, QStringLiteral("Alice Admin"));
    QCOMPARE(e.host, QStringLiteral("laptop-1"));
    QCOMPARE(e.tsMs, at(10).toMSecsSinceEpoch());
    QCOMPARE(e.reason, QStringLiteral("Line \"B\", stopped for service"));
    QCOMPARE(e.hash, e.computeHash());
}

void TestAuditQuery::exportCsv()
{
    TestWorkspace ws;
    fill(ws);
    if (QTest::currentTestFailed())
        return;
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    auto n = AuditQuery::exportTo(ws.db(), {}, AuditQuery::Format::Csv, buffer);
    QVERIFY2(n.ok(), qUtf8Printable(n.message()));
    QCOMPARE(n.value(), qint64(7));
    const QString text = QString::fromUtf8(buffer.data());
    QVERIFY(text.startsWith(QLatin1String("seq,time_utc,os_user,operator,host,action,object_type,"
                                          "object_id,before,after,reason,prev_hash,hash\r\n")));
    QVERIFY(text.endsWith(QLatin1String("\r\n")));
    QVERIFY2(text.contains(QLatin1String(",\"{\"\"state\"\":\"\"active\"\"}\",")),
             qUtf8Printable(text));
    QVERIFY(text.contains(QLatin1String(",\"Line \"\"B\"\", stopped for service\",")));

    const QList<QStringList> rows = parseCsv(text);
    QCOMPARE(rows.size(), 8);
    for (const QStringList &row : rows)
        QCOMPARE(row.size(), 13);
    const auto stored = AuditQuery::list(ws.db(), {}, 0, 100, false).value();
    for (int i = 0; i < 7; ++i) {
        const QStringList &row = rows.at(i + 1);
        const AuditEntry &e = stored.at(i);
        QCOMPARE(row.at(0), QString::number(e.seq));
        QCOMPARE(row.at(1),
                 QDateTime::fromMSecsSinceEpoch(e.tsMs, Qt::UTC).toString(Qt::ISODateWithMs));
        QCOMPARE(row.at(2), e.osUser);
        QCOMPARE(row.at(3), e.operatorName);
        QCOMPARE(row.at(4), e.host);
        QCOMPARE(row.at(5), e.action);
        QCOMPARE(row.at(6), e.objectType);
        QCOMPARE(row.at(7), e.objectId);
        QCOMPARE(row.at(8), e.beforeJson);
        QCOMPARE(row.at(9), e.afterJson);
        QCOMPARE(row.at(10), e.reason);
        QCOMPARE(row.at(11), e.prevHash);
        QCOMPARE(row.at(12), e.hash);
    }
    QCOMPARE(rows.at(3).at(1), QStringLiteral("2026-03-02T10:00:00.000Z"));
    QCOMPARE(rows.at(3).at(9), QStringLiteral("{\"state\":\"maintenance\"}"));
}

void TestAuditQuery::exportJson()
{
    TestWorkspace ws;
    fill(ws);
    if (QTest::currentTestFailed())
        return;
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    auto n = AuditQuery::exportTo(ws.db(), {}, AuditQuery::Format::Json, buffer);
    QVERIFY(n.ok());
    QCOMPARE(n.value(), qint64(7));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(buffer.data(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qUtf8Printable(error.errorString()));
    QVERIFY(doc.isArray());
    const QJsonArray array = doc.array();
    QCOMPARE(array.size(), 7);
    const QJsonObject third = array.at(2).toObject();
    QCOMPARE(third.value(QStringLiteral("seq")).toInteger(), 3);
    QCOMPARE(third.value(QStringLiteral("time_utc")).toString(),
             QStringLiteral("2026-03-02T10:00:00.000Z"));
    QCOMPARE(third.value(QStringLiteral("ts_ms")).toInteger(), at(10).toMSecsSinceEpoch());
    QCOMPARE(third.value(QStringLiteral("os_user")).toString(), QStringLiteral("alice"));
    QCOMPARE(third.value(QStringLiteral("operator")).toString(), QStringLiteral("Alice Admin"));
    QCOMPARE(third.value(QStringLiteral("host")).toString(), QStringLiteral("laptop-1"));
    QCOMPARE(third.value(QStringLiteral("action")).toString(), QStringLiteral("device.set-state"));
    QCOMPARE(third.value(QStringLiteral("object_type")).toString(), QStringLiteral("device"));
    QCOMPARE(third.value(QStringLiteral("object_id")).toString(), QStringLiteral("dev-0001"));
    QCOMPARE(third.value(QStringLiteral("before")).toObject(),
             QJsonObject({{QStringLiteral("state"), QStringLiteral("active")}}));
    QCOMPARE(third.value(QStringLiteral("after")).toObject(),
             QJsonObject({{QStringLiteral("state"), QStringLiteral("maintenance")}}));
    QCOMPARE(third.value(QStringLiteral("reason")).toString(),
             QStringLiteral("Line \"B\", stopped for service"));
    QCOMPARE(third.value(QStringLiteral("prev_hash")).toString(),
             array.at(1).toObject().value(QStringLiteral("hash")).toString());
    QCOMPARE(array.at(0).toObject().value(QStringLiteral("prev_hash")).toString(),
             AuditEntry::genesisHash());
    QCOMPARE(array.at(0).toObject().value(QStringLiteral("before")).toObject(), QJsonObject());
}

void TestAuditQuery::exportJsonCanBeVerified()
{
    // "Hashes included so the export can be checked": recompute the chain from the export.
    TestWorkspace ws;
    fill(ws);
    if (QTest::currentTestFailed())
        return;
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QVERIFY(AuditQuery::exportTo(ws.db(), {}, AuditQuery::Format::Json, buffer).ok());
    const QJsonArray array = QJsonDocument::fromJson(buffer.data()).array();
    QString previous = AuditEntry::genesisHash();
    auto compact = [](const QJsonObject &o) {
        return o.isEmpty() ? QString()
                           : QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    };
    for (const QJsonValue &value : array) {
        const QJsonObject o = value.toObject();
        AuditEntry e;
        e.seq = o.value(QStringLiteral("seq")).toInteger();
        e.tsMs = o.value(QStringLiteral("ts_ms")).toInteger();
        e.osUser = o.value(QStringLiteral("os_user")).toString();
        e.operatorName = o.value(QStringLiteral("operator")).toString();
        e.host = o.value(QStringLiteral("host")).toString();
        e.action = o.value(QStringLiteral("action")).toString();
        e.objectType = o.value(QStringLiteral("object_type")).toString();
        e.objectId = o.value(QStringLiteral("object_id")).toString();
        e.beforeJson = compact(o.value(QStringLiteral("before")).toObject());
        e.afterJson = compact(o.value(QStringLiteral("after")).toObject());
        e.reason = o.value(QStringLiteral("reason")).toString();
        e.prevHash = o.value(QStringLiteral("prev_hash")).toString();
        QCOMPARE(e.prevHash, previous);
        QCOMPARE(e.computeHash(), o.value(QStringLiteral("hash")).toString());
        previous = e.computeHash();
    }
}

void TestAuditQuery::exportFiltered_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<int>("expected");
    QTest::newRow("two") << QStringLiteral("device.add-tag") << 2;
    QTest::newRow("none") << QStringLiteral("nothing.") << 0;
}

void TestAuditQuery::exportFiltered()
{
    QFETCH(QString, action);
    QFETCH(int, expected);
    TestWorkspace ws;
    fill(ws);
    if (QTest::currentTestFailed())
        return;
    AuditFilter f;
    f.action = action;
    QBuffer json;
    json.open(QIODevice::WriteOnly);
    auto n = AuditQuery::exportTo(ws.db(), f, AuditQuery::Format::Json, json);
    QVERIFY(n.ok());
    QCOMPARE(n.value(), qint64(expected));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.data(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(doc.array().size(), expected);
    for (const QJsonValue &v : doc.array())
        QCOMPARE(v.toObject().value(QStringLiteral("action")).toString(), action);
    QBuffer csv;
    csv.open(QIODevice::WriteOnly);
    QCOMPARE(AuditQuery::exportTo(ws.db(), f, AuditQuery::Format::Csv, csv).value(),
             qint64(expected));
    QCOMPARE(parseCsv(QString::fromUtf8(csv.data())).size(), expected + 1);
}

QTEST_GUILESS_MAIN(TestAuditQuery)
#include "tst_auditquery.moc"
