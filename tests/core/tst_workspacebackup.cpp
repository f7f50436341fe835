#include "TestWorkspace.h"
#include "audit/AuditHeadAnchor.h"
#include "audit/AuditLog.h"
#include "audit/AuditVerifier.h"
#include "inventory/DeviceRepository.h"
#include "storage/Migrations.h"
#include "storage/WorkspaceBackup.h"

#include <QAtomicInt>
#include <QDir>
#include <QFile>
#include <QSemaphore>
#include <QTest>
#include <QThread>

using namespace fleet;
using namespace fleet::test;

namespace {

// Appends `count` devices, each with its audit entry, in one transaction (fast setup).
void addDevicesInOneChange(TestWorkspace &ws, int count, const QString &prefix)
{
    AuditedChange tx(ws.db(), ws.session().audit());
    QVERIFY(tx.beginStatus().ok());
    DeviceRepository repo(ws.db());
    for (int i = 0; i < count; ++i) {
        Device d = TestWorkspace::makeDevice(QStringLiteral("%1-%2").arg(prefix).arg(i));
        d.notes = QStringLiteral("Installed in cabinet %1 next to the hydraulic press; "
                                 "checked quarterly by the maintenance crew.")
                      .arg(i);
        auto saved = repo.upsert(d);
        QVERIFY2(saved.ok(), qUtf8Printable(saved.message()));
        QVERIFY(
            tx.record(
                  {QStringLiteral("device.create"), QStringLiteral("device"), d.uid, {}, {}, {}})
                .ok());
    }
    QVERIFY(tx.commit().ok());
}

// What a copy must satisfy on its own: a sound file whose trail verifies against the head
// anchored beside it, and whose tables agree with each other (one snapshot, not a mix).
void verifyCopy(const QString &copy, qint64 minEntries)
{
    QVERIFY(QFile::exists(copy));
    QVERIFY(!QFile::exists(copy + QStringLiteral(".partial")));
    QVERIFY(!QFile::exists(copy + QStringLiteral("-wal")));
    auto db = openRaw(copy, SqliteDatabase::Access::ReadOnly);
    QVERIFY(db);
    QCOMPARE(column(*db, QStringLiteral("PRAGMA integrity_check")),
             QStringList{QStringLiteral("ok")});
    QCOMPARE(scalarOf(*db, QStringLiteral("PRAGMA journal_mode")).toString(),
             QStringLiteral("delete"));
    QCOMPARE(scalarOf(*db, QStringLiteral("PRAGMA user_version")).toInt(),
             Migrations::latestVersion());
    QCOMPARE(column(*db, QStringLiteral("PRAGMA foreign_key_check")), QStringList());
    auto v = AuditVerifier::verify(*db, AuditHeadAnchor::pathForWorkspace(copy));
    QVERIFY2(v.ok(), qUtf8Printable(v.message()));
    QVERIFY2(v->intact, qUtf8Printable(v->summary()));
    QVERIFY(v->anchored);
    QVERIFY2(v->entries >= minEntries, qUtf8Printable(v->summary()));
    // Each device came with exactly one device.create entry in the same transaction.
    QCOMPARE(scalarOf(*db, QStringLiteral("SELECT count(*) FROM devices")).toLongLong(),
             scalarOf(*db, QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                          "'device.create'"))
                 .toLongLong());
    QCOMPARE(scalarOf(*db, QStringLiteral("SELECT count(*) FROM devices d WHERE NOT EXISTS "
                                          "(SELECT 1 FROM audit_log a WHERE a.object_id = "
                                          "d.uid)"))
                 .toInt(),
             0);
    db.reset();
    // The search index matches the devices table (FTS5 checks through a write statement).
    auto rw = openRaw(copy, SqliteDatabase::Access::ReadWrite);
    QVERIFY(rw);
    QCOMPARE(column(*rw, QStringLiteral("INSERT INTO device_search(device_search, rank) "
                                        "VALUES ('integrity-check', 1)")),
             QStringList());
}

// Saves new devices through its own connection, each in its own audited transaction, until
// told to stop (or until `cap` devices, so a backup that never finishes cannot hang the test).
class Writer : public QThread
{
public:
    Writer(const Workspace &ws, int cap)
        : m_ws(ws)
        , m_cap(cap)
    {}
    QSemaphore started;
    QAtomicInt stop = 0;
    QAtomicInt written = 0;
    QString error;

protected:
    void run() override
    {
        auto db = m_ws.openConnection();
        if (!db) {
            error = db.message();
            started.release(1000);
            return;
        }
        ManualClock clock(QDateTime(QDate(2026, 4, 1), QTime(12, 0), Qt::UTC));
        AuditLog log(*db.value(), clock, TestWorkspace::testActor(), m_ws.auditHeadPath());
        InventoryService inventory(*db.value(), log);
        for (int i = 0; i < m_cap && !stop.loadAcquire(); ++i) {
            clock.advanceMs(10);
            auto saved =
                inventory.saveDevice(TestWorkspace::makeDevice(QStringLiteral("writer-%1").arg(i)));
            if (!saved) {
                error = saved.message();
                break;
            }
            written.fetchAndAddOrdered(1);
            if (i == 20)
                started.release(1000);
        }
        started.release(1000);
    }

private:
    const Workspace &m_ws;
    int m_cap;
};

} // namespace

class TestWorkspaceBackup : public QObject
{
    Q_OBJECT

private slots:
    void copiesQuietWorkspace();
    void copyWhileAnotherThreadWrites();
    void refusesToOverwriteTheWorkspace();
    void replacesAnExistingBackup();
    void noAnchorMeansNoCopiedAnchor();
    void unwritableDestination();
    void malformedHeadTravelsWithTheCopy();
    void backupOfTheBackupOpensAsWorkspace();
};

void TestWorkspaceBackup::copiesQuietWorkspace()
{
    TestWorkspace ws;
    ws.addDevices(25);
    QVERIFY(ws.session().inventory().addTag({1, 2, 3}, QStringLiteral("line-1")).ok());
    const QString copy = QDir(ws.dir()).filePath(QStringLiteral("copy.fleetdesk"));
    Status s = WorkspaceBackup::run(ws.db(), ws.path(), copy);
    QVERIFY2(s.ok(), qUtf8Printable(s.message()));
    verifyCopy(copy, ws.auditCount());
    if (QTest::currentTestFailed())
        return;
    auto db = openRaw(copy, SqliteDatabase::Access::ReadOnly);
    QCOMPARE(scalarOf(*db, QStringLiteral("SELECT count(*) FROM devices")).toInt(), 25);
    QCOMPARE(scalarOf(*db, QStringLiteral("SELECT count(*) FROM audit_log")).toLongLong(),
             ws.auditCount());
    QCOMPARE(normalizedSchema(*db), normalizedSchema(ws.db()));
    // The copied anchor is the source's.
    auto head = AuditHeadAnchor(AuditHeadAnchor::pathForWorkspace(copy)).read();
    QVERIFY(head.ok() && head.value());
    QCOMPARE(head.value()->count, ws.auditCount());
}

void TestWorkspaceBackup::copyWhileAnotherThreadWrites()
{
    TestWorkspace ws;
    // Large enough that the copy takes many backup steps.
    addDevicesInOneChange(ws, 6000, QStringLiteral("base"));
    if (QTest::currentTestFailed())
        return;
    // Several times the 256 pages WorkspaceBackup copies per step.
    QVERIFY(scalarOf(ws.db(), QStringLiteral("PRAGMA page_count")).toInt() > 4 * 256);
    const qint64 entriesBefore = ws.auditCount();

    // A copy that restarts whenever the writer commits only finishes when the writer stops.
    const int cap = 1500;
    Writer writer(ws.session().workspace(), cap);
    writer.start();
    writer.started.acquire();
    QVERIFY2(writer.error.isEmpty(), qUtf8Printable(writer.error));
    const int writtenBeforeBackup = writer.written.loadAcquire();

    const QString copy = QDir(ws.dir()).filePath(QStringLiteral("live-copy.fleetdesk"));
    Status s = WorkspaceBackup::run(ws.db(), ws.path(), copy);
    const int writtenAfterBackup = writer.written.loadAcquire();
    writer.stop.storeRelease(1);
    writer.wait();
    qInfo("writer: %d before the backup, %d when it finished, %d in all", writtenBeforeBackup,
          writtenAfterBackup, writer.written.loadAcquire());
    QVERIFY2(s.ok(), qUtf8Printable(s.message()));
    QVERIFY2(writer.error.isEmpty(), qUtf8Printable(writer.error));
    // The copy finished while the writer was still going, not because it ran out of work.
    QVERIFY(writtenAfterBackup < cap);

    verifyCopy(copy, entriesBefore + writtenBeforeBackup);
    if (QTest::currentTestFailed())
        return;
    auto db = openRaw(copy, SqliteDatabase::Access::ReadOnly);
    const qint64 copied =
        scalarOf(*db, QStringLiteral("SELECT count(*) FROM devices")).toLongLong();
    QVERIFY(copied >= 6000 + writtenBeforeBackup);
    QVERIFY(copied <= 6000 + writtenAfterBackup);
    // The live workspace kept every write, and its own trail still verifies.
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM devices")).toLongLong(),
             6000 + writer.written.loadAcquire());
    auto v = AuditVerifier::verify(ws.db(), ws.session().workspace().auditHeadPath());
    QVERIFY(v.ok());
    QVERIFY2(v->intact, qUtf8Printable(v->summary()));
}

void TestWorkspaceBackup::refusesToOverwriteTheWorkspace()
{
    TestWorkspace ws;
    ws.addDevices(2);
    QVERIFY(ws.db().exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")).ok());
    const QByteArray before = fileSha256(ws.path());
    const QString sameFile = QDir(ws.dir()).filePath(QStringLiteral("./test.fleetdesk"));
    Status s = WorkspaceBackup::run(ws.db(), ws.path(), sameFile);
    QVERIFY(!s.ok());
    QCOMPARE(s.error().kind, Error::Kind::Invalid);
    ws.close();
    QCOMPARE(fileSha256(ws.path()), before);
}

void TestWorkspaceBackup::replacesAnExistingBackup()
{
    TestWorkspace ws;
    ws.addDevices(1);
    const QString copy = QDir(ws.dir()).filePath(QStringLiteral("copy.fleetdesk"));
    {
        QFile stale(copy);
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write("an old backup that is not even SQLite");
    }
    {
        QFile staleHead(AuditHeadAnchor::pathForWorkspace(copy));
        QVERIFY(staleHead.open(QIODevice::WriteOnly));
        staleHead.write("{\"count\": 999, \"hash\": \"x\"}");
    }
    QVERIFY(WorkspaceBackup::run(ws.db(), ws.path(), copy).ok());
    ws.addDevices(2);
    QVERIFY(WorkspaceBackup::run(ws.db(), ws.path(), copy).ok());
    verifyCopy(copy, 2);
    if (QTest::currentTestFailed())
        return;
    auto db = openRaw(copy, SqliteDatabase::Access::ReadOnly);
    QCOMPARE(scalarOf(*db, QStringLiteral("SELECT count(*) FROM devices")).toInt(), 2);
    QCOMPARE(QDir(ws.dir()).entryList({QStringLiteral("*.partial")}), QStringList());
}

void TestWorkspaceBackup::noAnchorMeansNoCopiedAnchor()
{
    TestWorkspace ws;
    ws.addDevices(3);
    QVERIFY(QFile::remove(ws.session().workspace().auditHeadPath()));
    const QString copy = QDir(ws.dir()).filePath(QStringLiteral("copy.fleetdesk"));
    {
        QFile staleHead(AuditHeadAnchor::pathForWorkspace(copy));
        QVERIFY(staleHead.open(QIODevice::WriteOnly));
        staleHead.write("{\"count\":1,\"hash\":\"0000000000000000000000000000000000000000000000000"
                        "000000000000000\"}");
    }
    QVERIFY(WorkspaceBackup::run(ws.db(), ws.path(), copy).ok());
    // A stale head of an earlier copy must not be taken for this copy's.
    QVERIFY(!QFile::exists(AuditHeadAnchor::pathForWorkspace(copy)));
    auto db = openRaw(copy, SqliteDatabase::Access::ReadOnly);
    auto v = AuditVerifier::verify(*db, AuditHeadAnchor::pathForWorkspace(copy));
    QVERIFY(v.ok());
    QVERIFY(v->intact);
    QVERIFY(!v->anchored);
    QCOMPARE(v->entries, qint64(3));
}

void TestWorkspaceBackup::unwritableDestination()
{
    TestWorkspace ws;
    ws.addDevices(1);
    const QString copy = QDir(ws.dir()).filePath(QStringLiteral("no/such/folder/copy.fleetdesk"));
    Status s = WorkspaceBackup::run(ws.db(), ws.path(), copy);
    QVERIFY(!s.ok());
    QVERIFY(!QFile::exists(copy));
    QVERIFY(!QFile::exists(copy + QStringLiteral(".partial")));
}

void TestWorkspaceBackup::malformedHeadTravelsWithTheCopy()
{
    TestWorkspace ws;
    ws.addDevices(3);
    {
        QFile head(ws.session().workspace().auditHeadPath());
        QVERIFY(head.open(QIODevice::WriteOnly | QIODevice::Truncate));
        head.write("{\"count\": 1}");
    }
    const QString copy = QDir(ws.dir()).filePath(QStringLiteral("copy.fleetdesk"));
    Status s = WorkspaceBackup::run(ws.db(), ws.path(), copy);
    QVERIFY2(s.ok(), qUtf8Printable(s.message()));
    QCOMPARE(fileSha256(AuditHeadAnchor::pathForWorkspace(copy)),
             fileSha256(ws.session().workspace().auditHeadPath()));
    auto db = openRaw(copy, SqliteDatabase::Access::ReadOnly);
    auto v = AuditVerifier::verify(*db, AuditHeadAnchor::pathForWorkspace(copy));
    QVERIFY(v.ok());
    QVERIFY(!v->intact);
    QVERIFY2(v->problem.contains(QLatin1String("malformed")), qUtf8Printable(v->problem));
}

void TestWorkspaceBackup::backupOfTheBackupOpensAsWorkspace()
{
    TestWorkspace ws;
    ws.addDevices(4);
    const QString copy = QDir(ws.dir()).filePath(QStringLiteral("copy.fleetdesk"));
    QVERIFY(WorkspaceBackup::run(ws.db(), ws.path(), copy).ok());
    ManualClock clock(QDateTime(QDate(2026, 5, 1), QTime(0, 0), Qt::UTC));
    auto restored = WorkspaceSession::open(copy, {}, clock, TestWorkspace::testActor());
    QVERIFY2(restored.ok(), qUtf8Printable(restored.message()));
    QVERIFY(!restored.value()->workspace().isReadOnly());
    QVERIFY(restored.value()->workspace().warning().isEmpty());
    auto changed = restored.value()->inventory().setState({1}, QStringLiteral("maintenance"), {});
    QVERIFY2(changed.ok(), qUtf8Printable(changed.message()));
    auto v = AuditVerifier::verify(restored.value()->db(),
                                   restored.value()->workspace().auditHeadPath());
    QVERIFY(v.ok());
    QVERIFY2(v->intact, qUtf8Printable(v->summary()));
    QCOMPARE(v->entries, qint64(5));
}

QTEST_GUILESS_MAIN(TestWorkspaceBackup)
#include "tst_workspacebackup.moc"
