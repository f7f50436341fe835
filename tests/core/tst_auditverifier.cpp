#include "TestWorkspace.h"
#include "audit/AuditEntry.h"
#include "audit/AuditHeadAnchor.h"
#include "audit/AuditVerifier.h"

#include <QFile>
#include <QProcess>
#include <QTest>

using namespace fleet;
using namespace fleet::test;

namespace {

const QString kSqliteCli = QStringLiteral("/usr/bin/sqlite3");

// What an attacker with the sqlite3 shell does first.
const QString kDropTriggers = QStringLiteral("DROP TRIGGER IF EXISTS audit_log_no_update; "
                                             "DROP TRIGGER IF EXISTS audit_log_no_delete; "
                                             "DROP TRIGGER IF EXISTS audit_log_no_replace;");

AuditEntry entryAt(SqliteDatabase &db, qint64 seq)
{
    AuditEntry e;
    auto s = db.prepare(QStringLiteral(
        "SELECT seq, ts_ms, os_user, operator, host, action, object_type, object_id, "
        "before_json, after_json, reason, prev_hash, hash FROM audit_log WHERE seq = ?"));
    if (!s)
        return e;
    s->bind(1, seq);
    if (!s->next())
        return e;
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
    return e;
}

Status storeEntry(SqliteDatabase &db, const AuditEntry &e)
{
    return db.execute(QStringLiteral("UPDATE audit_log SET ts_ms = ?, os_user = ?, operator = ?, "
                                     "host = ?, action = ?, object_type = ?, object_id = ?, "
                                     "before_json = ?, after_json = ?, reason = ?, prev_hash = "
                                     "?, hash = ? WHERE seq = ?"),
                      {e.tsMs, e.osUser, e.operatorName, e.host, e.action, e.objectType, e.objectId,
                       e.beforeJson, e.afterJson, e.reason, e.prevHash, e.hash, e.seq});
}

// Rewrites entries from..to as a careful attacker would: new content, hashes recomputed so
// each rewritten entry links to the one before it.
Status rewriteAndRehash(SqliteDatabase &db, qint64 from, qint64 to)
{
    QString previous = entryAt(db, from - 1).hash;
    if (from == 1)
        previous = AuditEntry::genesisHash();
    for (qint64 seq = from; seq <= to; ++seq) {
        AuditEntry e = entryAt(db, seq);
        if (seq == from)
            e.reason = QStringLiteral("routine maintenance");
        e.prevHash = previous;
        e.hash = e.computeHash();
        if (Status s = storeEntry(db, e); !s)
            return s;
        previous = e.hash;
    }
    return {};
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

CliResult runSqliteCli(const QString &database, const QString &sql)
{
    QProcess p;
    p.start(kSqliteCli, {QStringLiteral("-bail"), database, sql});
    CliResult r;
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("sqlite3 did not finish");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class TestAuditVerifier : public QObject
{
    Q_OBJECT

private:
    // Eight entries: five devices created, three tagged.
    static void fill(TestWorkspace &ws)
    {
        const auto ids = ws.addDevices(5);
        ws.clock().advanceMs(60000);
        QVERIFY(ws.session().inventory().addTag(ids.mid(0, 3), QStringLiteral("line-1")).ok());
        QCOMPARE(ws.auditCount(), 8);
    }
    static AuditVerification verify(TestWorkspace &ws)
    {
        auto v = AuditVerifier::verify(ws.db(), ws.session().workspace().auditHeadPath());
        if (!v)
            qFatal("verify: %s", qUtf8Printable(v.message()));
        return v.value();
    }

private slots:
    void intactTrail();
    void emptyTrail();
    void withoutAnchor();
    void tampering_data();
    void tampering();
    void anchorComparison_data();
    void anchorComparison();
    void malformedHead_data();
    void malformedHead();
    void allRowsDeleted();
    void clockSteppedBackIsAWarning();
    void tamperWithTheSqliteShell();
    void sqliteShellCannotChangeEntriesWithTriggersInPlace();
    void unreadableTrailIsAnError();
};

void TestAuditVerifier::intactTrail()
{
    TestWorkspace ws;
    fill(ws);
    const AuditVerification v = verify(ws);
    QVERIFY(v.intact);
    QCOMPARE(v.entries, qint64(8));
    QCOMPARE(v.firstBrokenSeq, qint64(0));
    QVERIFY(v.problem.isEmpty());
    QVERIFY(v.anchored);
    QVERIFY(v.warnings.isEmpty());
    QCOMPARE(v.headHash, entryAt(ws.db(), 8).hash);
    QVERIFY2(v.summary().startsWith(QLatin1String("intact: 8 entries")),
             qUtf8Printable(v.summary()));
    QVERIFY(v.summary().contains(v.headHash));
    QVERIFY(!v.summary().contains(QLatin1String("anchor")));
}

void TestAuditVerifier::emptyTrail()
{
    TestWorkspace ws;
    const AuditVerification v = verify(ws);
    QVERIFY(v.intact);
    QCOMPARE(v.entries, qint64(0));
    QCOMPARE(v.headHash, AuditEntry::genesisHash());
    QVERIFY(!v.anchored);
}

void TestAuditVerifier::withoutAnchor()
{
    TestWorkspace ws;
    fill(ws);
    QVERIFY(QFile::remove(ws.session().workspace().auditHeadPath()));
    const AuditVerification v = verify(ws);
    QVERIFY(v.intact);
    QVERIFY(!v.anchored);
    QVERIFY2(v.summary().contains(QLatin1String("cut-off tail cannot be ruled out")),
             qUtf8Printable(v.summary()));
}

void TestAuditVerifier::tampering_data()
{
    QTest::addColumn<QString>("sql");    // run after the triggers were dropped
    QTest::addColumn<int>("rehashFrom"); // > 0: then rewrite and rehash entries from..to
    QTest::addColumn<int>("rehashTo");
    QTest::addColumn<int>("firstBroken");
    QTest::addColumn<QString>("problem");
    const QString altered = QStringLiteral("does not match its hash");
    const QString unlinked = QStringLiteral("does not link to the entry before it");
    QTest::newRow("one byte of a payload")
        << QStringLiteral("UPDATE audit_log SET after_json = replace(after_json, 'line-1', "
                          "'line-2') WHERE seq = 7")
        << 0 << 0 << 7 << altered;
    QTest::newRow("one byte of a before snapshot")
        << QStringLiteral("UPDATE audit_log SET after_json = substr(after_json, 1, 9) || 'X' || "
                          "substr(after_json, 11) WHERE seq = 3")
        << 0 << 0 << 3 << altered;
    QTest::newRow("reason") << QStringLiteral("UPDATE audit_log SET reason = 'approved' WHERE "
                                              "seq = 4")
                            << 0 << 0 << 4 << altered;
    QTest::newRow("timestamp, one ms")
        << QStringLiteral("UPDATE audit_log SET ts_ms = ts_ms + 1 WHERE seq = 2") << 0 << 0 << 2
        << altered;
    QTest::newRow("operator") << QStringLiteral("UPDATE audit_log SET operator = 'Someone Else' "
                                                "WHERE seq = 5")
                              << 0 << 0 << 5 << altered;
    QTest::newRow("os user") << QStringLiteral("UPDATE audit_log SET os_user = 'root' WHERE seq "
                                               "= 1")
                             << 0 << 0 << 1 << altered;
    QTest::newRow("host") << QStringLiteral("UPDATE audit_log SET host = 'elsewhere' WHERE seq = "
                                            "8")
                          << 0 << 0 << 8 << altered;
    QTest::newRow("action") << QStringLiteral("UPDATE audit_log SET action = 'device.view' WHERE "
                                              "seq = 6")
                            << 0 << 0 << 6 << altered;
    QTest::newRow("object") << QStringLiteral("UPDATE audit_log SET object_id = 'dev-0099' WHERE "
                                              "seq = 6")
                            << 0 << 0 << 6 << altered;
    QTest::newRow("delete a middle row") << QStringLiteral("DELETE FROM audit_log WHERE seq = 4")
                                         << 0 << 0 << 4 << QStringLiteral("entry 4 is missing");
    QTest::newRow("delete the first row") << QStringLiteral("DELETE FROM audit_log WHERE seq = 1")
                                          << 0 << 0 << 1 << QStringLiteral("entry 1 is missing");
    QTest::newRow("swap two rows' content")
        << QStringLiteral(
               "CREATE TEMP TABLE a AS SELECT * FROM audit_log WHERE seq = 2; "
               "CREATE TEMP TABLE b AS SELECT * FROM audit_log WHERE seq = 6; "
               "UPDATE audit_log SET (ts_ms, os_user, operator, host, action, object_type, "
               "object_id, before_json, after_json, reason, prev_hash, hash) = (SELECT ts_ms, "
               "os_user, operator, host, action, object_type, object_id, before_json, "
               "after_json, reason, prev_hash, hash FROM b) WHERE seq = 2; "
               "UPDATE audit_log SET (ts_ms, os_user, operator, host, action, object_type, "
               "object_id, before_json, after_json, reason, prev_hash, hash) = (SELECT ts_ms, "
               "os_user, operator, host, action, object_type, object_id, before_json, "
               "after_json, reason, prev_hash, hash FROM a) WHERE seq = 6;")
        << 0 << 0 << 2 << unlinked;
    QTest::newRow("swap two rows' numbers")
        << QStringLiteral("UPDATE audit_log SET seq = 100 WHERE seq = 3; "
                          "UPDATE audit_log SET seq = 3 WHERE seq = 4; "
                          "UPDATE audit_log SET seq = 4 WHERE seq = 100;")
        << 0 << 0 << 3 << unlinked;
    QTest::newRow("renumber the last row")
        << QStringLiteral("UPDATE audit_log SET seq = 9 WHERE seq = 8") << 0 << 0 << 8
        << QStringLiteral("entry 8 is missing");
    QTest::newRow("rewrite and rehash a middle row") << QString() << 3 << 3 << 4 << unlinked;
    QTest::newRow("rewrite and rehash the first row") << QString() << 1 << 1 << 2 << unlinked;
    QTest::newRow("rewrite and rehash the last row")
        << QString() << 8 << 8 << 8 << QStringLiteral("differs from the anchored head");
    QTest::newRow("rewrite and rehash the whole tail")
        << QString() << 5 << 8 << 8 << QStringLiteral("differs from the anchored head");
    QTest::newRow("cut off the last row")
        << QStringLiteral("DELETE FROM audit_log WHERE seq = 8") << 0 << 0 << 8
        << QStringLiteral("1 entries were cut off");
    QTest::newRow("cut off the last 3 rows")
        << QStringLiteral("DELETE FROM audit_log WHERE seq > 5") << 0 << 0 << 6
        << QStringLiteral("3 entries were cut off");
    // The forged entry links correctly; the trail is still two entries short of its head.
    QTest::newRow("cut off the last 3 rows, then append a forged one")
        << QStringLiteral("DELETE FROM audit_log WHERE seq > 5") << 6 << 0 << 7
        << QStringLiteral("2 entries were cut off");
}

void TestAuditVerifier::tampering()
{
    QFETCH(QString, sql);
    QFETCH(int, rehashFrom);
    QFETCH(int, rehashTo);
    QFETCH(int, firstBroken);
    QFETCH(QString, problem);
    TestWorkspace ws;
    fill(ws);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(verify(ws).intact);
    QVERIFY(ws.db().exec(kDropTriggers).ok());
    if (!sql.isEmpty())
        QVERIFY2(ws.db().exec(sql).ok(), qUtf8Printable(ws.db().lastErrorMessage()));
    if (rehashFrom > 0 && rehashTo > 0) {
        QVERIFY(rewriteAndRehash(ws.db(), rehashFrom, rehashTo).ok());
    } else if (rehashFrom > 0) {
        // Append a forged entry that links correctly to the shortened trail.
        AuditEntry forged = entryAt(ws.db(), rehashFrom - 1);
        forged.seq = rehashFrom;
        forged.prevHash = forged.hash;
        forged.action = QStringLiteral("device.view");
        forged.hash = forged.computeHash();
        QVERIFY(
            ws.db()
                .execute(QStringLiteral("INSERT INTO audit_log (seq, ts_ms, os_user, operator, "
                                        "host, action, object_type, object_id, prev_hash, "
                                        "hash, before_json, after_json, reason) VALUES (?, ?, "
                                        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                         {forged.seq, forged.tsMs, forged.osUser, forged.operatorName, forged.host,
                          forged.action, forged.objectType, forged.objectId, forged.prevHash,
                          forged.hash, forged.beforeJson, forged.afterJson, forged.reason})
                .ok());
    }
    const AuditVerification v = verify(ws);
    QVERIFY2(!v.intact, qUtf8Printable(v.summary()));
    QCOMPARE(v.firstBrokenSeq, qint64(firstBroken));
    QVERIFY2(v.problem.contains(problem), qUtf8Printable(v.problem));
    QVERIFY2(v.summary().startsWith(QStringLiteral("broken at entry %1: ").arg(firstBroken)),
             qUtf8Printable(v.summary()));
}

void TestAuditVerifier::anchorComparison_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("rightHash");
    QTest::addColumn<bool>("intact");
    QTest::addColumn<int>("firstBroken");
    QTest::newRow("at the head") << 8 << true << true << 0;
    QTest::newRow("behind the head") << 5 << true << true << 0;
    QTest::newRow("zero") << 0 << false << true << 0;
    QTest::newRow("behind, other hash") << 5 << false << false << 5;
    QTest::newRow("at the head, other hash") << 8 << false << false << 8;
    QTest::newRow("ahead of the trail") << 10 << true << false << 9;
}

void TestAuditVerifier::anchorComparison()
{
    QFETCH(int, count);
    QFETCH(bool, rightHash);
    QFETCH(bool, intact);
    QFETCH(int, firstBroken);
    TestWorkspace ws;
    fill(ws);
    const QString hash =
        rightHash && count <= 8 ? entryAt(ws.db(), count).hash : QString(64, QLatin1Char('e'));
    QVERIFY(
        writeFile(ws.session().workspace().auditHeadPath(),
                  QStringLiteral("{\"count\":%1,\"hash\":\"%2\"}").arg(count).arg(hash).toUtf8()));
    const AuditVerification v = verify(ws);
    QCOMPARE(v.intact, intact);
    QCOMPARE(v.firstBrokenSeq, qint64(firstBroken));
    QVERIFY(v.anchored || !intact);
}

void TestAuditVerifier::malformedHead_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("garbage") << QByteArray("garbage");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("count only") << QByteArray("{\"count\": 8}");
    QTest::newRow("bad hash") << QByteArray("{\"count\": 8, \"hash\": \"deadbeef\"}");
    QTest::newRow("negative") << QByteArray("{\"count\": -8, \"hash\": \"" + QByteArray(64, 'a') +
                                            "\"}");
}

void TestAuditVerifier::malformedHead()
{
    QFETCH(QByteArray, content);
    TestWorkspace ws;
    fill(ws);
    QVERIFY(writeFile(ws.session().workspace().auditHeadPath(), content));
    const AuditVerification v = verify(ws);
    QVERIFY(!v.intact);
    QVERIFY2(v.problem.contains(QLatin1String("malformed")), qUtf8Printable(v.problem));
    QVERIFY(v.problem.contains(ws.session().workspace().auditHeadPath()));
    QVERIFY(v.summary().startsWith(QLatin1String("broken at entry")));
}

void TestAuditVerifier::allRowsDeleted()
{
    TestWorkspace ws;
    fill(ws);
    QVERIFY(ws.db().exec(kDropTriggers + QStringLiteral("DELETE FROM audit_log;")).ok());
    const AuditVerification v = verify(ws);
    QVERIFY(!v.intact);
    QCOMPARE(v.firstBrokenSeq, qint64(1));
    QVERIFY2(v.problem.contains(QLatin1String("8 entries were cut off")),
             qUtf8Printable(v.problem));
}

void TestAuditVerifier::clockSteppedBackIsAWarning()
{
    TestWorkspace ws;
    ws.addDevices(2);
    ws.clock().advanceMs(-3600 * 1000); // NTP stepped the clock back an hour
    ws.addDevices(3);                   // two updates and one creation, all "earlier"
    const AuditVerification v = verify(ws);
    QVERIFY2(v.intact, qUtf8Printable(v.summary()));
    QCOMPARE(v.entries, qint64(5));
    QCOMPARE(v.warnings.size(), 1);
    QVERIFY2(v.warnings.first().contains(QLatin1String("entry 3 is timestamped before entry 2")),
             qUtf8Printable(v.warnings.first()));
    QVERIFY(v.warnings.first().contains(QLatin1String("stepped back")));
}

void TestAuditVerifier::tamperWithTheSqliteShell()
{
    QVERIFY2(QFile::exists(kSqliteCli), "the sqlite3 shell is needed (Debian package sqlite3)");
    TestWorkspace ws;
    fill(ws);
    ws.close();
    const CliResult r = runSqliteCli(
        ws.path(),
        kDropTriggers + QStringLiteral("UPDATE audit_log SET reason = 'nothing to see here' "
                                       "WHERE seq = 6; SELECT count(*) FROM audit_log;"));
    QVERIFY2(r.exitCode == 0, qUtf8Printable(r.err));
    QCOMPARE(r.out.trimmed(), QStringLiteral("8"));
    ws.reopen();
    const AuditVerification v = verify(ws);
    QVERIFY(!v.intact);
    QCOMPARE(v.firstBrokenSeq, qint64(6));

    // Deleting the tail with the shell is caught by the head kept outside the database.
    ws.close();
    const CliResult cut = runSqliteCli(ws.path(), QStringLiteral("DELETE FROM audit_log WHERE "
                                                                 "seq >= 6;"));
    QVERIFY2(cut.exitCode == 0, qUtf8Printable(cut.err));
    ws.reopen();
    const AuditVerification v2 = verify(ws);
    QVERIFY(!v2.intact);
    QCOMPARE(v2.firstBrokenSeq, qint64(6));
    QVERIFY2(v2.problem.contains(QLatin1String("3 entries were cut off")),
             qUtf8Printable(v2.problem));
}

void TestAuditVerifier::sqliteShellCannotChangeEntriesWithTriggersInPlace()
{
    QVERIFY2(QFile::exists(kSqliteCli), "the sqlite3 shell is needed (Debian package sqlite3)");
    TestWorkspace ws;
    fill(ws);
    ws.close();
    for (const QString &sql :
         {QStringLiteral("UPDATE audit_log SET reason = 'x' WHERE seq = 2;"),
          QStringLiteral("DELETE FROM audit_log WHERE seq = 8;"),
          QStringLiteral("INSERT OR REPLACE INTO audit_log SELECT * FROM audit_log WHERE seq = "
                         "3;")}) {
        const CliResult r = runSqliteCli(ws.path(), sql);
        QVERIFY2(r.exitCode != 0, qUtf8Printable(sql));
        QVERIFY2(r.err.contains(QLatin1String("append-only")), qUtf8Printable(r.err));
    }
    ws.reopen();
    const AuditVerification v = verify(ws);
    QVERIFY2(v.intact, qUtf8Printable(v.summary()));
    QCOMPARE(v.entries, qint64(8));
}

void TestAuditVerifier::unreadableTrailIsAnError()
{
    TestWorkspace ws;
    fill(ws);
    QVERIFY(ws.db().exec(QStringLiteral("DROP TABLE audit_log")).ok());
    auto v = AuditVerifier::verify(ws.db(), ws.session().workspace().auditHeadPath());
    QVERIFY(!v.ok());
    QVERIFY2(v.message().contains(QLatin1String("audit_log")), qUtf8Printable(v.message()));
}

QTEST_GUILESS_MAIN(TestAuditVerifier)
#include "tst_auditverifier.moc"
