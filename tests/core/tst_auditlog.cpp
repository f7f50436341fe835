#include "TestWorkspace.h"
#include "audit/AuditLog.h"
#include "audit/AuditVerifier.h"
#include "inventory/SavedFilters.h"

#include <QCryptographicHash>
#include <QFile>
#include <QHostInfo>
#include <QJsonDocument>
#include <QSysInfo>
#include <QTest>
#include <QTimeZone>

using namespace fleet;
using namespace fleet::test;

namespace {

QList<AuditEntry> allEntries(SqliteDatabase &db)
{
    QList<AuditEntry> out;
    auto s = db.prepare(QStringLiteral(
        "SELECT seq, ts_ms, os_user, operator, host, action, object_type, object_id, "
        "before_json, after_json, reason, prev_hash, hash FROM audit_log ORDER BY seq"));
    if (!s)
        return out;
    while (s->next()) {
        AuditEntry e;
        e.seq = s->int64(0);
        e.tsMs = s->int64(1);
        e.osUser = s->text(2);
        e.operatorName = s->text(3);
        e.host = s->text(4);
        e.action = s->text(5);
        e.objectType = s->text(6);
        e.objectId = s->text(7);
        e.beforeJson = s->text(8);
        e.afterJson = s->text(9);
        e.reason = s->text(10);
        e.prevHash = s->text(11);
        e.hash = s->text(12);
        out << e;
    }
    return out;
}

QJsonObject json(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

// Everything the inventory and the trail hold, as text: equal before and after means nothing
// changed.
QStringList fingerprint(SqliteDatabase &db)
{
    QStringList out;
    for (const char *table :
         {"devices", "sites", "device_tags", "device_groups", "group_members", "device_components",
          "device_config", "firmware_history", "audit_log", "saved_filters"}) {
        const QString t = QString::fromLatin1(table);
        auto s = db.prepare(QStringLiteral("SELECT * FROM %1 ORDER BY 1, 2").arg(t));
        if (!s)
            return {s.message()};
        while (s->next()) {
            QStringList cells;
            for (int c = 0; c < s->columnCount(); ++c)
                cells << s->value(c).toString();
            out << t + QLatin1Char(':') + cells.join(QLatin1Char('|'));
        }
    }
    return out;
}

} // namespace

class TestAuditLog : public QObject
{
    Q_OBJECT

private slots:
    void entryCarriesEverything();
    void canonicalFormIsPinned();
    void chainLinks();
    void riskyActionNeedsReason_data();
    void riskyActionNeedsReason();
    void actionAndObjectTypeRequired();
    void triggersRefuseChanges_data();
    void triggersRefuseChanges();
    void auditFailureMeansNoChange_data();
    void auditFailureMeansNoChange();
    void rolledBackChangeLeavesNoEntry();
    void auditedChangeLifecycle();
    void anchorFollowsCommits();
    void actorChangesApplyToLaterEntries();
    void actorFromEnvironment();
    void timestampsAreUtcMilliseconds();
};

void TestAuditLog::entryCarriesEverything()
{
    TestWorkspace ws;
    ws.clock().setNow(QDateTime(QDate(2026, 3, 2), QTime(10, 15, 30, 123), Qt::UTC));
    const auto ids = ws.addDevices(1);
    ws.clock().advanceMs(2500);
    auto changed = ws.session().inventory().setState(ids, QStringLiteral("quarantined"),
                                                     QStringLiteral("  suspicious traffic  "));
    QVERIFY2(changed.ok(), qUtf8Printable(changed.message()));
    const auto entries = allEntries(ws.db());
    QCOMPARE(entries.size(), 2);
    const AuditEntry &e = entries.at(1);
    QCOMPARE(e.seq, qint64(2));
    QCOMPARE(e.tsMs,
             QDateTime(QDate(2026, 3, 2), QTime(10, 15, 32, 623), Qt::UTC).toMSecsSinceEpoch());
    QCOMPARE(e.osUser, QStringLiteral("tester"));
    QCOMPARE(e.operatorName, QStringLiteral("Test Operator"));
    QCOMPARE(e.host, QStringLiteral("testhost"));
    QCOMPARE(e.action, QStringLiteral("device.set-state"));
    QCOMPARE(e.objectType, QStringLiteral("device"));
    QCOMPARE(e.objectId, QStringLiteral("dev-0001"));
    QCOMPARE(json(e.beforeJson),
             QJsonObject({{QStringLiteral("state"), QStringLiteral("active")}}));
    QCOMPARE(json(e.afterJson),
             QJsonObject({{QStringLiteral("state"), QStringLiteral("quarantined")}}));
    QCOMPARE(e.reason, QStringLiteral("suspicious traffic")); // trimmed
    QCOMPARE(e.hash, e.computeHash());
    QCOMPARE(e.hash.size(), 64);
}

void TestAuditLog::canonicalFormIsPinned()
{
    // Changing this form would make every stored trail fail verification: the hash covers
    // exactly these bytes.
    AuditEntry e;
    e.seq = 1;
    e.tsMs = 1772442000000;
    e.osUser = QStringLiteral("tester");
    e.operatorName = QStringLiteral("Test Operator");
    e.host = QStringLiteral("testhost");
    e.action = QStringLiteral("device.set-state");
    e.objectType = QStringLiteral("device");
    e.objectId = QStringLiteral("gw-1");
    e.beforeJson = QStringLiteral("{\"state\":\"active\"}");
    e.afterJson = QStringLiteral("{\"state\":\"retired\"}");
    e.reason = QStringLiteral("end of life, Grüße");
    e.prevHash = AuditEntry::genesisHash();
    const QByteArray expected =
        "{\"action\":\"device.set-state\",\"after\":\"{\\\"state\\\":\\\"retired\\\"}\","
        "\"before\":\"{\\\"state\\\":\\\"active\\\"}\",\"host\":\"testhost\","
        "\"object_id\":\"gw-1\",\"object_type\":\"device\",\"operator\":\"Test Operator\","
        "\"os_user\":\"tester\",\"reason\":\"end of life, Gr\xc3\xbc\xc3\x9f"
        "e\","
        "\"seq\":1,\"ts_ms\":1772442000000}";
    QCOMPARE(e.canonicalContent(), expected);
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(QByteArray(64, '0'));
    h.addData(expected);
    QCOMPARE(e.computeHash(), QString::fromLatin1(h.result().toHex()));
    QCOMPARE(AuditEntry::genesisHash(), QString(64, QLatin1Char('0')));
    // Every field is covered.
    AuditEntry changed = e;
    changed.host = QStringLiteral("otherhost");
    QVERIFY(changed.computeHash() != e.computeHash());
    changed = e;
    changed.seq = 2;
    QVERIFY(changed.computeHash() != e.computeHash());
    changed = e;
    changed.prevHash = QString(64, QLatin1Char('1'));
    QVERIFY(changed.computeHash() != e.computeHash());
}

void TestAuditLog::chainLinks()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(4);
    QVERIFY(ws.session().inventory().addTag(ids, QStringLiteral("line-1")).ok());
    QVERIFY(ws.session().inventory().createGroup(QStringLiteral("Pilot")).ok());
    const auto entries = allEntries(ws.db());
    QCOMPARE(entries.size(), 9);
    QString previous = AuditEntry::genesisHash();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const AuditEntry &e = entries.at(i);
        QCOMPARE(e.seq, qint64(i + 1));
        QCOMPARE(e.prevHash, previous);
        QCOMPARE(e.hash, e.computeHash());
        previous = e.hash;
    }
    QCOMPARE(entries.first().prevHash, QString(64, QLatin1Char('0')));
    auto v = AuditVerifier::verify(ws.db(), ws.session().workspace().auditHeadPath());
    QVERIFY(v.ok());
    QVERIFY(v->intact);
    QCOMPARE(v->headHash, entries.last().hash);
}

void TestAuditLog::riskyActionNeedsReason_data()
{
    QTest::addColumn<bool>("risky");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("risky, no reason") << true << QString() << false;
    QTest::newRow("risky, blank reason") << true << QStringLiteral(" \t\n ") << false;
    QTest::newRow("risky, reason") << true << QStringLiteral("decommissioned plant") << true;
    QTest::newRow("not risky, no reason") << false << QString() << true;
}

void TestAuditLog::riskyActionNeedsReason()
{
    QFETCH(bool, risky);
    QFETCH(QString, reason);
    QFETCH(bool, accepted);
    TestWorkspace ws;
    AuditedChange tx(ws.db(), ws.session().audit());
    QVERIFY(tx.beginStatus().ok());
    Status s = tx.record({QStringLiteral("workspace.purge"),
                          QStringLiteral("workspace"),
                          QStringLiteral("main"),
                          {},
                          {},
                          reason},
                         risky);
    QCOMPARE(s.ok(), accepted);
    if (!accepted) {
        QCOMPARE(s.error().kind, Error::Kind::Invalid);
        QVERIFY2(s.message().contains(QLatin1String("reason")), qUtf8Printable(s.message()));
        QVERIFY(s.message().contains(QLatin1String("workspace.purge")));
    }
    QVERIFY(tx.commit().ok());
    QCOMPARE(ws.auditCount(), accepted ? 1 : 0);
}

void TestAuditLog::actionAndObjectTypeRequired()
{
    TestWorkspace ws;
    SqliteTransaction tx(ws.db());
    auto noAction = ws.session().audit().append(
        {{}, QStringLiteral("device"), QStringLiteral("x"), {}, {}, {}});
    QVERIFY(!noAction.ok());
    QCOMPARE(noAction.error().kind, Error::Kind::Invalid);
    auto noType = ws.session().audit().append(
        {QStringLiteral("device.touch"), {}, QStringLiteral("x"), {}, {}, {}});
    QVERIFY(!noType.ok());
    QVERIFY(tx.commit().ok());
    QCOMPARE(ws.auditCount(), 0);
}

void TestAuditLog::triggersRefuseChanges_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("expected");
    const QString changed = QStringLiteral("cannot be changed");
    const QString deleted = QStringLiteral("cannot be deleted");
    QTest::newRow("update reason")
        << QStringLiteral("UPDATE audit_log SET reason = 'nothing' WHERE seq = 2") << changed;
    QTest::newRow("update all") << QStringLiteral("UPDATE audit_log SET operator = 'x'") << changed;
    QTest::newRow("renumber") << QStringLiteral("UPDATE audit_log SET seq = seq + 100") << changed;
    QTest::newRow("delete one") << QStringLiteral("DELETE FROM audit_log WHERE seq = 2") << deleted;
    QTest::newRow("delete all") << QStringLiteral("DELETE FROM audit_log") << deleted;
    QTest::newRow("upsert") << QStringLiteral(
                                   "INSERT INTO audit_log SELECT * FROM audit_log WHERE seq = 1 "
                                   "ON CONFLICT(seq) DO UPDATE SET reason = 'x'")
                            << QStringLiteral("append-only");
    // REPLACE deletes the old row without firing DELETE triggers.
    QTest::newRow("insert or replace")
        << QStringLiteral("INSERT OR REPLACE INTO audit_log SELECT seq, ts_ms, os_user, "
                          "'someone else', host, action, object_type, object_id, before_json, "
                          "after_json, reason, prev_hash, hash FROM audit_log WHERE seq = 2")
        << QStringLiteral("cannot be replaced");
    QTest::newRow("replace into")
        << QStringLiteral("REPLACE INTO audit_log (seq, ts_ms, os_user, operator, host, action, "
                          "object_type, object_id, prev_hash, hash) VALUES (1, 0, 'a', 'b', "
                          "'c', 'd', 'e', 'f', 'g', 'h')")
        << QStringLiteral("cannot be replaced");
}

void TestAuditLog::triggersRefuseChanges()
{
    QFETCH(QString, sql);
    QFETCH(QString, expected);
    TestWorkspace ws;
    ws.addDevices(3);
    const QStringList before = fingerprint(ws.db());
    Status s = ws.db().exec(sql);
    QVERIFY(!s.ok());
    QVERIFY2(s.message().contains(expected), qUtf8Printable(s.message()));
    QVERIFY(s.message().contains(QLatin1String("append-only")));
    QCOMPARE(fingerprint(ws.db()), before);
    // Appending stays possible (three updates and one new device).
    ws.addDevices(4);
    QCOMPARE(ws.auditCount(), 7);
    auto v = AuditVerifier::verify(ws.db(), ws.session().workspace().auditHeadPath());
    QVERIFY(v.ok());
    QVERIFY2(v->intact, qUtf8Printable(v->summary()));
}

void TestAuditLog::auditFailureMeansNoChange_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QString>("failure");
    const QStringList operations = {
        QStringLiteral("setState"),          QStringLiteral("addTag"),
        QStringLiteral("removeTag"),         QStringLiteral("addToGroup"),
        QStringLiteral("removeFromGroup"),   QStringLiteral("setNotes"),
        QStringLiteral("attachSbom"),        QStringLiteral("saveDevice create"),
        QStringLiteral("saveDevice update"), QStringLiteral("createGroup"),
        QStringLiteral("deleteGroup"),       QStringLiteral("saveFilter"),
        QStringLiteral("removeFilter")};
    const QStringList failures = {QStringLiteral("temp trigger abort"),
                                  QStringLiteral("trigger rollback"),
                                  QStringLiteral("trigger fail")};
    for (const QString &op : operations)
        for (const QString &f : failures)
            QTest::newRow(qPrintable(op + QStringLiteral(", ") + f)) << op << f;
}

void TestAuditLog::auditFailureMeansNoChange()
{
    QFETCH(QString, operation);
    QFETCH(QString, failure);
    TestWorkspace ws;
    const auto ids = ws.addDevices(3);
    InventoryService &inv = ws.session().inventory();
    QVERIFY(inv.addTag({ids[0]}, QStringLiteral("old")).ok());
    QVERIFY(inv.addToGroup({ids[0]}, QStringLiteral("Pilot")).ok());
    QVERIFY(inv.createGroup(QStringLiteral("Empty")).ok());
    DeviceFilter filter;
    filter.models = {QStringLiteral("GW-4000")};
    QVERIFY(ws.session().savedFilters().save(QStringLiteral("Gateways"), filter).ok());
    const QStringList before = fingerprint(ws.db());
    const QByteArray headBefore = fileSha256(ws.session().workspace().auditHeadPath());
    QVERIFY(!headBefore.isEmpty());

    // Raw SQL, as a full disk or a broken file would make the INSERT fail.
    QString trigger;
    if (failure == QLatin1String("temp trigger abort"))
        trigger = QStringLiteral("CREATE TEMP TRIGGER fail_audit BEFORE INSERT ON main.audit_log "
                                 "BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    else if (failure == QLatin1String("trigger rollback"))
        trigger = QStringLiteral("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log "
                                 "BEGIN SELECT RAISE(ROLLBACK, 'disk full'); END");
    else
        trigger = QStringLiteral("CREATE TRIGGER fail_audit AFTER INSERT ON audit_log "
                                 "BEGIN SELECT RAISE(FAIL, 'disk full'); END");
    QVERIFY(ws.db().exec(trigger).ok());
    const QStringList withTrigger = fingerprint(ws.db());

    Status s;
    Device updated = TestWorkspace::makeDevice(QStringLiteral("dev-0002"));
    updated.name = QStringLiteral("Renamed");
    if (operation == QLatin1String("setState"))
        s = inv.setState(ids, QStringLiteral("maintenance"), {}).status();
    else if (operation == QLatin1String("addTag"))
        s = inv.addTag(ids, QStringLiteral("new")).status();
    else if (operation == QLatin1String("removeTag"))
        s = inv.removeTag(ids, QStringLiteral("old")).status();
    else if (operation == QLatin1String("addToGroup"))
        s = inv.addToGroup(ids, QStringLiteral("Wave 2")).status();
    else if (operation == QLatin1String("removeFromGroup"))
        s = inv.removeFromGroup(ids, QStringLiteral("Pilot")).status();
    else if (operation == QLatin1String("setNotes"))
        s = inv.setNotes(ids[1], QStringLiteral("new notes"));
    else if (operation == QLatin1String("attachSbom"))
        s = inv.attachSbom(ids[1], {{QStringLiteral("openssl"), QStringLiteral("3.0.11"), {}, {}}},
                           QStringLiteral("sbom.json"));
    else if (operation == QLatin1String("saveDevice create"))
        s = inv.saveDevice(TestWorkspace::makeDevice(QStringLiteral("new-device"))).status();
    else if (operation == QLatin1String("saveDevice update"))
        s = inv.saveDevice(updated).status();
    else if (operation == QLatin1String("createGroup"))
        s = inv.createGroup(QStringLiteral("Wave 3"));
    else if (operation == QLatin1String("deleteGroup"))
        s = inv.deleteGroup(QStringLiteral("Pilot"), QStringLiteral("pilot over"));
    else if (operation == QLatin1String("saveFilter"))
        s = ws.session().savedFilters().save(QStringLiteral("Other"), filter);
    else if (operation == QLatin1String("removeFilter"))
        s = ws.session().savedFilters().remove(QStringLiteral("Gateways"));
    else
        QFAIL("unknown operation");

    QVERIFY2(!s.ok(), "the change went through although its audit entry could not be written");
    QVERIFY2(s.message().contains(QLatin1String("disk full")), qUtf8Printable(s.message()));
    QCOMPARE(fingerprint(ws.db()), withTrigger);
    QCOMPARE(fileSha256(ws.session().workspace().auditHeadPath()), headBefore);

    // Once entries can be written again, the same change goes through and is recorded.
    QVERIFY(ws.db().exec(QStringLiteral("DROP TRIGGER fail_audit")).ok());
    QCOMPARE(fingerprint(ws.db()), before);
    auto v = AuditVerifier::verify(ws.db(), ws.session().workspace().auditHeadPath());
    QVERIFY(v.ok());
    QVERIFY2(v->intact, qUtf8Printable(v->summary()));
}

void TestAuditLog::rolledBackChangeLeavesNoEntry()
{
    TestWorkspace ws;
    ws.addDevices(1);
    const QByteArray head = fileSha256(ws.session().workspace().auditHeadPath());
    {
        AuditedChange tx(ws.db(), ws.session().audit());
        QVERIFY(tx.beginStatus().ok());
        QVERIFY(ws.db().exec(QStringLiteral("UPDATE devices SET notes = 'x'")).ok());
        QVERIFY(tx.record({QStringLiteral("device.set-notes"),
                           QStringLiteral("device"),
                           QStringLiteral("dev-0001"),
                           {},
                           {},
                           {}})
                    .ok());
        // Destroyed without commit.
    }
    QCOMPARE(ws.auditCount(), 1);
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT notes FROM devices")).toString(), QString());
    QCOMPARE(fileSha256(ws.session().workspace().auditHeadPath()), head);
}

void TestAuditLog::auditedChangeLifecycle()
{
    TestWorkspace ws;
    {
        AuditedChange tx(ws.db(), ws.session().audit());
        QVERIFY(tx.beginStatus().ok());
        {
            AuditedChange nested(ws.db(), ws.session().audit());
            QVERIFY(!nested.beginStatus().ok());
            QVERIFY(
                !nested.record({QStringLiteral("a.b"), QStringLiteral("c"), {}, {}, {}, {}}).ok());
            QVERIFY(!nested.commit().ok());
        }
        QVERIFY(tx.record({QStringLiteral("a.b"), QStringLiteral("c"), {}, {}, {}, {}}).ok());
        QVERIFY(tx.commit().ok());
        Status late = tx.record({QStringLiteral("a.b"), QStringLiteral("c"), {}, {}, {}, {}});
        QVERIFY(!late.ok());
        QVERIFY(!tx.commit().ok());
    }
    QCOMPARE(ws.auditCount(), 1);
}

void TestAuditLog::anchorFollowsCommits()
{
    TestWorkspace ws;
    const QString headPath = ws.session().workspace().auditHeadPath();
    QVERIFY(!QFile::exists(headPath));
    ws.addDevices(3);
    auto head = AuditHeadAnchor(headPath).read();
    QVERIFY(head.ok() && head.value());
    QCOMPARE(head.value()->count, qint64(3));
    QCOMPARE(
        head.value()->hash,
        scalarOf(ws.db(), QStringLiteral("SELECT hash FROM audit_log WHERE seq = 3")).toString());
    // A bulk change is one transaction: the anchor moves once, to its last entry.
    QVERIFY(ws.session().inventory().addTag({1, 2, 3}, QStringLiteral("t")).ok());
    head = AuditHeadAnchor(headPath).read();
    QCOMPARE(head.value()->count, qint64(6));
}

void TestAuditLog::actorChangesApplyToLaterEntries()
{
    TestWorkspace ws;
    ws.addDevices(1);
    ws.session().audit().setActor(
        Actor{QStringLiteral("svc"), QStringLiteral("system"), QStringLiteral("edge-7")});
    QCOMPARE(ws.session().audit().actor().host, QStringLiteral("edge-7"));
    QVERIFY(ws.session().inventory().addTag({1}, QStringLiteral("x")).ok());
    const auto entries = allEntries(ws.db());
    QCOMPARE(entries.at(0).operatorName, QStringLiteral("Test Operator"));
    QCOMPARE(entries.at(1).osUser, QStringLiteral("svc"));
    QCOMPARE(entries.at(1).operatorName, QStringLiteral("system"));
    QCOMPARE(entries.at(1).host, QStringLiteral("edge-7"));
}

void TestAuditLog::actorFromEnvironment()
{
    const Actor a = Actor::current(QStringLiteral("  Jane Doe "));
    QVERIFY(!a.osUser.isEmpty());
    QCOMPARE(a.operatorName, QStringLiteral("Jane Doe"));
    QCOMPARE(a.host, QSysInfo::machineHostName());
    QCOMPARE(Actor::current().operatorName, a.osUser);
    QCOMPARE(Actor::current(QStringLiteral("   ")).operatorName, a.osUser);
    QCOMPARE(Actor::system().operatorName, QStringLiteral("system"));
    QCOMPARE(Actor::system().osUser, a.osUser);
    if (!qEnvironmentVariableIsEmpty("USER"))
        QCOMPARE(a.osUser, qEnvironmentVariable("USER"));
}

void TestAuditLog::timestampsAreUtcMilliseconds()
{
    TestWorkspace ws;
    // The clock is given in another zone: the stored time is the same instant, in UTC ms.
    const QDateTime local(QDate(2026, 7, 1), QTime(14, 30, 0, 5), QTimeZone("Europe/Berlin"));
    ws.clock().setNow(local);
    ws.addDevices(1);
    const qint64 ts = scalarOf(ws.db(), QStringLiteral("SELECT ts_ms FROM audit_log")).toLongLong();
    QCOMPARE(ts, local.toMSecsSinceEpoch());
    QCOMPARE(QDateTime::fromMSecsSinceEpoch(ts, Qt::UTC),
             QDateTime(QDate(2026, 7, 1), QTime(12, 30, 0, 5), Qt::UTC));
}

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
