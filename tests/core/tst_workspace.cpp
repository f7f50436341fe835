#include "TestWorkspace.h"
#include "audit/AuditHeadAnchor.h"
#include "storage/Migrations.h"
#include "storage/Workspace.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace fleet;
using namespace fleet::test;

namespace {

constexpr int kPageSize = 4096;

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QByteArray randomBytes(qsizetype n, quint32 seed)
{
    QRandomGenerator gen(seed);
    QByteArray out(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i)
        out[i] = char(gen.bounded(256));
    return out;
}

// Overwrites page `page` (1-based) of the file with random bytes.
bool scramblePage(const QString &path, int page, quint32 seed)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadWrite) || f.size() < qint64(page) * kPageSize)
        return false;
    f.seek(qint64(page - 1) * kPageSize);
    return f.write(randomBytes(kPageSize, seed)) == kPageSize;
}

bool truncateToHalf(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadWrite) && f.resize(f.size() / 2);
}

} // namespace

class TestWorkspaceOpen : public QObject
{
    Q_OBJECT

private:
    // A closed workspace with devices and audit entries, as the app leaves it (no -wal).
    QString makeRealWorkspace(QTemporaryDir &dir)
    {
        TestWorkspace ws;
        ws.addDevices(40);
        (void)ws.session().inventory().setState({1, 2, 3}, QStringLiteral("maintenance"), {});
        ws.close();
        const QString copy = dir.filePath(QStringLiteral("real.fleetdesk"));
        if (!QFile::copy(ws.path(), copy))
            qFatal("cannot copy the workspace");
        QFile::copy(AuditHeadAnchor::pathForWorkspace(ws.path()),
                    AuditHeadAnchor::pathForWorkspace(copy));
        return copy;
    }
    // Every file in the folder that holds data, with its hash: proves an attempt wrote nothing
    // anywhere. SQLite's -shm (a shared-memory index) and an empty -wal (what a read-only
    // connection to a WAL file leaves behind) hold no data and are left out.
    static QMap<QString, QByteArray> folderState(const QString &dir)
    {
        QMap<QString, QByteArray> out;
        const QDir d(dir);
        for (const QFileInfo &fi : d.entryInfoList(QDir::Files | QDir::Hidden)) {
            if (fi.fileName().endsWith(QLatin1String("-shm")))
                continue;
            if (fi.fileName().endsWith(QLatin1String("-wal")) && fi.size() == 0)
                continue;
            out.insert(fi.fileName(), fileSha256(fi.filePath()));
        }
        return out;
    }

private slots:
    void pragmasOnOpen();
    void createsNewWorkspace();
    void createsMissingFolder();
    void missingWorkspace_data();
    void missingWorkspace();
    void reopenKeepsDataWithoutWarning();
    void paths();
    void upgradeFromEveryVersion_data();
    void upgradeFromEveryVersion();
    void upgradeWithoutBackupWhenAskedTo();
    void readOnlyRefusesOlderSchema();
    void readOnlyOpenWritesNothing();
    void damagedWorkspace_data();
    void damagedWorkspace();
    void damagedWorkspaceReadOnlyOption();
    void notSqlite_data();
    void notSqlite();
    void foreignSqliteDatabaseIsRefused();
    void emptyFileBecomesWorkspace();
    void newerSchemaIsRefused_data();
    void newerSchemaIsRefused();
    void checkReportsProblems();
    void deferredCheckOnGoodWorkspace();
    void deferredCheckOnDamagedWorkspace();
    void deferredCheckNotUsedForMigration();
    void openConnectionSharesTheFile();
};

void TestWorkspaceOpen::pragmasOnOpen()
{
    TestWorkspace ws;
    auto check = [](SqliteDatabase &db) {
        QCOMPARE(scalarOf(db, QStringLiteral("PRAGMA journal_mode")).toString(),
                 QStringLiteral("wal"));
        QCOMPARE(scalarOf(db, QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
        QCOMPARE(scalarOf(db, QStringLiteral("PRAGMA synchronous")).toInt(), 2); // FULL
        QCOMPARE(scalarOf(db, QStringLiteral("PRAGMA user_version")).toInt(),
                 Migrations::latestVersion());
    };
    check(ws.db());
    if (QTest::currentTestFailed())
        return;
    auto other = ws.session().workspace().openConnection();
    QVERIFY2(other.ok(), qUtf8Printable(other.message()));
    check(*other.value());
    if (QTest::currentTestFailed())
        return;
    // Foreign keys are really enforced, not only reported.
    Status s = ws.db().exec(QStringLiteral("INSERT INTO device_tags VALUES (12345, 'orphan')"));
    QVERIFY(!s.ok());
    QVERIFY2(s.message().contains(QLatin1String("FOREIGN KEY")), qUtf8Printable(s.message()));
}

void TestWorkspaceOpen::createsNewWorkspace()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("new.fleetdesk"));
    auto ws = Workspace::open(path);
    QVERIFY2(ws.ok(), qUtf8Printable(ws.message()));
    QVERIFY(ws.value()->wasCreated());
    QVERIFY(!ws.value()->isReadOnly());
    QVERIFY(ws.value()->warning().isEmpty());
    QCOMPARE(ws.value()->path(), QFileInfo(path).absoluteFilePath());
    QVERIFY(QFile::exists(path));
    QCOMPARE(Workspace::check(ws.value()->db(), true).value(), QStringList());
}

void TestWorkspaceOpen::createsMissingFolder()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("a/b/c/new.fleetdesk"));
    auto ws = Workspace::open(path);
    QVERIFY2(ws.ok(), qUtf8Printable(ws.message()));
    QVERIFY(QFile::exists(path));
}

void TestWorkspaceOpen::missingWorkspace_data()
{
    QTest::addColumn<bool>("create");
    QTest::addColumn<bool>("readOnly");
    QTest::newRow("create off") << false << false;
    QTest::newRow("read-only") << true << true;
    QTest::newRow("read-only, create off") << false << true;
}

void TestWorkspaceOpen::missingWorkspace()
{
    QFETCH(bool, create);
    QFETCH(bool, readOnly);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("missing.fleetdesk"));
    Workspace::OpenOptions options;
    options.create = create;
    options.readOnly = readOnly;
    auto ws = Workspace::open(path, options);
    QVERIFY(!ws.ok());
    QCOMPARE(ws.error().kind, Error::Kind::NotFound);
    QVERIFY2(ws.message().contains(path), qUtf8Printable(ws.message()));
    QVERIFY(!QFile::exists(path));
}

void TestWorkspaceOpen::reopenKeepsDataWithoutWarning()
{
    TestWorkspace ws;
    ws.addDevices(3);
    ws.reopen();
    QVERIFY(!ws.session().workspace().wasCreated());
    QVERIFY(ws.session().workspace().warning().isEmpty());
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM devices")).toInt(), 3);
    const QStringList files = QDir(ws.dir()).entryList(QDir::Files);
    for (const QString &f : files)
        QVERIFY2(!f.contains(QLatin1String(".bak")), qUtf8Printable(f));
}

void TestWorkspaceOpen::paths()
{
    TestWorkspace ws;
    QCOMPARE(ws.session().workspace().auditHeadPath(), ws.path() + QStringLiteral(".audit-head"));
    QVERIFY(Workspace::defaultPath().endsWith(QLatin1String("/workspace.fleetdesk")));
}

void TestWorkspaceOpen::upgradeFromEveryVersion_data()
{
    QTest::addColumn<int>("from");
    for (int v = 0; v < Migrations::latestVersion(); ++v)
        QTest::addRow("from v%d", v) << v;
}

void TestWorkspaceOpen::upgradeFromEveryVersion()
{
    QFETCH(int, from);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.fleetdesk"));
    {
        auto db = openRaw(path, SqliteDatabase::Access::ReadWriteCreate);
        QVERIFY(db);
        QVERIFY(db->exec(QStringLiteral("PRAGMA foreign_keys=ON")).ok());
        QVERIFY(Migrations::migrate(*db, from).ok());
        seedVersionData(*db, from, path);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(Migrations::currentVersion(*db).value(), from);
    }
    const QByteArray oldHash = fileSha256(path);

    auto ws = Workspace::open(path);
    QVERIFY2(ws.ok(), qUtf8Printable(ws.message()));
    SqliteDatabase &db = ws.value()->db();
    QVERIFY(!ws.value()->isReadOnly());
    QCOMPARE(Migrations::currentVersion(db).value(), Migrations::latestVersion());
    verifyVersionData(db, from, path);
    if (QTest::currentTestFailed())
        return;

    QTemporaryDir freshDir;
    auto fresh = Workspace::open(freshDir.filePath(QStringLiteral("fresh.fleetdesk")));
    QVERIFY(fresh.ok());
    QCOMPARE(normalizedSchema(db), normalizedSchema(fresh.value()->db()));
    QCOMPARE(scalarOf(db, QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));

    const QString backup = QStringLiteral("%1.v%2.bak").arg(path).arg(from);
    if (from == 0) {
        // Nothing to keep from an empty schema.
        QVERIFY(!QFile::exists(backup));
        QVERIFY(ws.value()->warning().isEmpty());
        return;
    }
    QVERIFY2(QFile::exists(backup), qUtf8Printable(backup));
    QVERIFY2(ws.value()->warning().contains(backup), qUtf8Printable(ws.value()->warning()));
    QVERIFY(ws.value()->warning().contains(QLatin1String("upgraded")));
    // The backup is the file as it was: same schema version, same data, verifiable trail.
    QCOMPARE(fileSha256(backup).isEmpty(), false);
    auto bak = openRaw(backup, SqliteDatabase::Access::ReadOnly);
    QVERIFY(bak);
    QCOMPARE(Migrations::currentVersion(*bak).value(), from);
    QCOMPARE(column(*bak, QStringLiteral("PRAGMA integrity_check")),
             QStringList{QStringLiteral("ok")});
    verifyVersionData(*bak, from, backup);
    QVERIFY(oldHash != fileSha256(path)); // the workspace itself was upgraded
}

void TestWorkspaceOpen::upgradeWithoutBackupWhenAskedTo()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.fleetdesk"));
    {
        auto db = openRaw(path, SqliteDatabase::Access::ReadWriteCreate);
        QVERIFY(db);
        QVERIFY(Migrations::migrate(*db, 1).ok());
    }
    Workspace::OpenOptions options;
    options.backupBeforeMigrate = false;
    auto ws = Workspace::open(path, options);
    QVERIFY2(ws.ok(), qUtf8Printable(ws.message()));
    QCOMPARE(Migrations::currentVersion(ws.value()->db()).value(), Migrations::latestVersion());
    QVERIFY(!QFile::exists(path + QStringLiteral(".v1.bak")));
}

void TestWorkspaceOpen::readOnlyRefusesOlderSchema()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.fleetdesk"));
    {
        auto db = openRaw(path, SqliteDatabase::Access::ReadWriteCreate);
        QVERIFY(db);
        QVERIFY(Migrations::migrate(*db, 1).ok());
    }
    const auto before = folderState(dir.path());
    Workspace::OpenOptions options;
    options.readOnly = true;
    auto ws = Workspace::open(path, options);
    QVERIFY(!ws.ok());
    QCOMPARE(ws.error().kind, Error::Kind::Incompatible);
    QVERIFY2(ws.message().contains(QLatin1String("upgrading")), qUtf8Printable(ws.message()));
    QCOMPARE(folderState(dir.path()), before);
}

void TestWorkspaceOpen::readOnlyOpenWritesNothing()
{
    QTemporaryDir dir;
    const QString path = makeRealWorkspace(dir);
    const QByteArray before = fileSha256(path);
    {
        Workspace::OpenOptions options;
        options.readOnly = true;
        auto ws = Workspace::open(path, options);
        QVERIFY2(ws.ok(), qUtf8Printable(ws.message()));
        QVERIFY(ws.value()->isReadOnly());
        QVERIFY(ws.value()->warning().isEmpty());
        QCOMPARE(scalarOf(ws.value()->db(), QStringLiteral("SELECT count(*) FROM devices")).toInt(),
                 40);
        Status s = ws.value()->db().exec(QStringLiteral("DELETE FROM devices"));
        QVERIFY(!s.ok());
        auto conn = ws.value()->openConnection();
        QVERIFY(conn.ok());
        QVERIFY(conn.value()->isReadOnly());
        QVERIFY(!conn.value()->exec(QStringLiteral("DELETE FROM devices")).ok());
    }
    QCOMPARE(fileSha256(path), before);
}

void TestWorkspaceOpen::damagedWorkspace_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<bool>("readableAfterwards");
    // Page 3 of a workspace is the sites name index: the devices stay readable.
    QTest::newRow("random bytes over page 3") << QStringLiteral("page3") << true;
    // count(*) could be answered from an index; the table itself is unreadable.
    QTest::newRow("random bytes over the devices table root") << QStringLiteral("page4") << false;
    QTest::newRow("truncated to half") << QStringLiteral("truncate") << false;
}

void TestWorkspaceOpen::damagedWorkspace()
{
    QFETCH(QString, damage);
    QFETCH(bool, readableAfterwards);
    QTemporaryDir dir;
    const QString path = makeRealWorkspace(dir);
    {
        auto raw = openRaw(path, SqliteDatabase::Access::ReadOnly);
        QVERIFY(raw);
        QCOMPARE(scalarOf(*raw, QStringLiteral("SELECT rootpage FROM sqlite_master WHERE name = "
                                               "'sqlite_autoindex_sites_1'"))
                     .toInt(),
                 3);
        QCOMPARE(scalarOf(*raw, QStringLiteral("SELECT rootpage FROM sqlite_master WHERE name = "
                                               "'devices'"))
                     .toInt(),
                 4);
    }
    if (damage == QLatin1String("page3"))
        QVERIFY(scramblePage(path, 3, 1234));
    else if (damage == QLatin1String("page4"))
        QVERIFY(scramblePage(path, 4, 99));
    else
        QVERIFY(truncateToHalf(path));
    const auto before = folderState(dir.path());
    const QByteArray hash = fileSha256(path);

    {
        ManualClock clock(QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC));
        auto session = WorkspaceSession::open(path, {}, clock, TestWorkspace::testActor());
        if (readableAfterwards) {
            QVERIFY2(session.ok(), qUtf8Printable(session.message()));
            Workspace &ws = session.value()->workspace();
            QVERIFY(ws.isReadOnly());
            QVERIFY(ws.db().isReadOnly());
            QVERIFY2(ws.warning().contains(QLatin1String("integrity check")),
                     qUtf8Printable(ws.warning()));
            QVERIFY2(ws.warning().contains(QLatin1String("read-only")),
                     qUtf8Printable(ws.warning()));
            QVERIFY(ws.warning().contains(path));
            QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM devices")).toInt(), 40);
            // Nothing can be written, through the services or around them.
            auto changed =
                session.value()->inventory().setState({5}, QStringLiteral("maintenance"), {});
            QVERIFY(!changed.ok());
            QVERIFY(!ws.db().exec(QStringLiteral("DELETE FROM devices")).ok());
            QVERIFY(!ws.db().exec(QStringLiteral("REINDEX")).ok());
        } else {
            QVERIFY(!session.ok());
            QCOMPARE(session.error().kind, Error::Kind::Damaged);
            QVERIFY2(session.message().contains(QLatin1String("damaged")),
                     qUtf8Printable(session.message()));
            QVERIFY(session.message().contains(path));
            QVERIFY2(session.message().contains(QLatin1String("Nothing was changed")),
                     qUtf8Printable(session.message()));
        }
    }
    // Never repaired, migrated, backed up or touched in any way.
    QCOMPARE(fileSha256(path), hash);
    QCOMPARE(folderState(dir.path()), before);
}

void TestWorkspaceOpen::damagedWorkspaceReadOnlyOption()
{
    QTemporaryDir dir;
    const QString path = makeRealWorkspace(dir);
    QVERIFY(scramblePage(path, 3, 7));
    const auto before = folderState(dir.path());
    {
        Workspace::OpenOptions options;
        options.readOnly = true;
        auto ws = Workspace::open(path, options);
        QVERIFY2(ws.ok(), qUtf8Printable(ws.message()));
        QVERIFY(ws.value()->isReadOnly());
        QVERIFY(!ws.value()->warning().isEmpty());
    }
    QCOMPARE(folderState(dir.path()), before);
}

void TestWorkspaceOpen::notSqlite_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("text") << QByteArray("uid,name\r\ngw-1,Press line\r\n");
    QTest::newRow("random bytes") << randomBytes(3 * kPageSize, 42);
    QTest::newRow("zeros") << QByteArray(2 * kPageSize, '\0');
    QTest::newRow("json") << QByteArray("{\"devices\": []}\n");
}

void TestWorkspaceOpen::notSqlite()
{
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("inventory.fleetdesk"));
    QVERIFY(writeFile(path, content));
    const auto before = folderState(dir.path());
    for (bool readOnly : {false, true}) {
        Workspace::OpenOptions options;
        options.readOnly = readOnly;
        auto ws = Workspace::open(path, options);
        QVERIFY(!ws.ok());
        QCOMPARE(ws.error().kind, Error::Kind::Incompatible);
        QVERIFY2(ws.message().contains(QLatin1String("not a Fleetdesk workspace")),
                 qUtf8Printable(ws.message()));
        QVERIFY2(ws.message().contains(QLatin1String("not an SQLite database")),
                 qUtf8Printable(ws.message()));
        QVERIFY(ws.message().contains(path));
        QCOMPARE(folderState(dir.path()), before);
    }
}

void TestWorkspaceOpen::foreignSqliteDatabaseIsRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("crm.db"));
    {
        auto db = openRaw(path, SqliteDatabase::Access::ReadWriteCreate);
        QVERIFY(db);
        QVERIFY(db->exec(QStringLiteral("CREATE TABLE customers (id INTEGER PRIMARY KEY, name "
                                        "TEXT); INSERT INTO customers (name) VALUES ('Acme')"))
                    .ok());
    }
    const auto before = folderState(dir.path());
    auto ws = Workspace::open(path);
    QVERIFY(!ws.ok());
    QCOMPARE(ws.error().kind, Error::Kind::Incompatible);
    QVERIFY2(ws.message().contains(QLatin1String("not a Fleetdesk workspace")),
             qUtf8Printable(ws.message()));
    QCOMPARE(folderState(dir.path()), before);
}

void TestWorkspaceOpen::emptyFileBecomesWorkspace()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("empty.fleetdesk"));
    QVERIFY(writeFile(path, {}));
    auto ws = Workspace::open(path);
    QVERIFY2(ws.ok(), qUtf8Printable(ws.message()));
    QCOMPARE(Migrations::currentVersion(ws.value()->db()).value(), Migrations::latestVersion());
    QVERIFY(!QFile::exists(path + QStringLiteral(".v0.bak")));
}

void TestWorkspaceOpen::newerSchemaIsRefused_data()
{
    QTest::addColumn<bool>("readOnly");
    QTest::newRow("read-write") << false;
    QTest::newRow("read-only") << true;
}

void TestWorkspaceOpen::newerSchemaIsRefused()
{
    QFETCH(bool, readOnly);
    QTemporaryDir dir;
    const QString path = makeRealWorkspace(dir);
    const int newer = Migrations::latestVersion() + 5;
    {
        // As a newer Fleetdesk would leave it; written with the plain sqlite3 API.
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READWRITE, nullptr),
                 SQLITE_OK);
        const QByteArray sql = QStringLiteral("PRAGMA user_version = %1").arg(newer).toUtf8();
        QCOMPARE(sqlite3_exec(db, sql.constData(), nullptr, nullptr, nullptr), SQLITE_OK);
        QCOMPARE(sqlite3_close(db), SQLITE_OK);
    }
    const auto before = folderState(dir.path());
    Workspace::OpenOptions options;
    options.readOnly = readOnly;
    auto ws = Workspace::open(path, options);
    QVERIFY(!ws.ok());
    QCOMPARE(ws.error().kind, Error::Kind::Incompatible);
    QVERIFY2(ws.message().contains(QLatin1String("newer")), qUtf8Printable(ws.message()));
    QVERIFY2(ws.message().contains(QString::number(newer)), qUtf8Printable(ws.message()));
    QCOMPARE(folderState(dir.path()), before);
    {
        auto raw = openRaw(path, SqliteDatabase::Access::ReadOnly);
        QVERIFY(raw);
        QCOMPARE(scalarOf(*raw, QStringLiteral("PRAGMA user_version")).toInt(), newer);
    }
}

void TestWorkspaceOpen::checkReportsProblems()
{
    QTemporaryDir dir;
    const QString path = makeRealWorkspace(dir);
    {
        auto raw = openRaw(path, SqliteDatabase::Access::ReadOnly);
        QVERIFY(raw);
        QCOMPARE(Workspace::check(*raw, false).value(), QStringList());
        QCOMPARE(Workspace::check(*raw, true).value(), QStringList());
    }
    QVERIFY(scramblePage(path, 3, 5));
    auto raw = openRaw(path, SqliteDatabase::Access::ReadOnly);
    QVERIFY(raw);
    auto quick = Workspace::check(*raw, false);
    QVERIFY(quick.ok());
    QVERIFY2(quick.value()
                 .join(QLatin1Char('\n'))
                 .contains(QLatin1String("page 3"), Qt::CaseInsensitive),
             qUtf8Printable(quick.value().join(QLatin1Char('\n'))));
    // The full check may stop at the first unreadable page: it still reports a problem.
    auto full = Workspace::check(*raw, true);
    QVERIFY(full.ok());
    QVERIFY(!full.value().isEmpty());
}

void TestWorkspaceOpen::deferredCheckOnGoodWorkspace()
{
    QTemporaryDir dir;
    const QString path = makeRealWorkspace(dir);
    Workspace::OpenOptions options;
    options.deferIntegrityCheck = true;
    auto ws = Workspace::open(path, options);
    QVERIFY2(ws.ok(), qUtf8Printable(ws.message()));
    QVERIFY(ws.value()->isIntegrityCheckPending());
    QVERIFY(ws.value()->isReadOnly());
    // Until the check has passed nothing is written, by this connection or a worker's.
    QVERIFY(!ws.value()->db().exec(QStringLiteral("DELETE FROM device_tags")).ok());
    auto worker = ws.value()->openConnection();
    QVERIFY(worker.ok());
    QVERIFY(worker.value()->isReadOnly());
    auto problems = Workspace::check(*worker.value(), false);
    QVERIFY(problems.ok());
    QCOMPARE(problems.value(), QStringList());
    ws.value()->completeIntegrityCheck(problems.value());
    QVERIFY(!ws.value()->isIntegrityCheckPending());
    QVERIFY(!ws.value()->isReadOnly());
    QVERIFY(ws.value()->warning().isEmpty());
    QVERIFY(ws.value()
                ->db()
                .exec(QStringLiteral("INSERT INTO device_groups (name) VALUES "
                                     "('after check')"))
                .ok());
}

void TestWorkspaceOpen::deferredCheckOnDamagedWorkspace()
{
    QTemporaryDir dir;
    const QString path = makeRealWorkspace(dir);
    QVERIFY(scramblePage(path, 3, 1234));
    const auto before = folderState(dir.path());
    {
        Workspace::OpenOptions options;
        options.deferIntegrityCheck = true;
        auto ws = Workspace::open(path, options);
        QVERIFY2(ws.ok(), qUtf8Printable(ws.message()));
        QVERIFY(ws.value()->isIntegrityCheckPending());
        auto worker = ws.value()->openConnection();
        QVERIFY(worker.ok());
        auto problems = Workspace::check(*worker.value(), false);
        QVERIFY(problems.ok());
        QVERIFY(!problems.value().isEmpty());
        ws.value()->completeIntegrityCheck(problems.value());
        QVERIFY(!ws.value()->isIntegrityCheckPending());
        QVERIFY(ws.value()->isReadOnly());
        QVERIFY2(ws.value()->warning().contains(QLatin1String("integrity check")),
                 qUtf8Printable(ws.value()->warning()));
        QVERIFY(!ws.value()->db().exec(QStringLiteral("DELETE FROM devices")).ok());
        auto later = ws.value()->openConnection();
        QVERIFY(later.ok());
        QVERIFY(later.value()->isReadOnly());
    }
    QCOMPARE(folderState(dir.path()), before);
}

void TestWorkspaceOpen::deferredCheckNotUsedForMigration()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.fleetdesk"));
    {
        auto db = openRaw(path, SqliteDatabase::Access::ReadWriteCreate);
        QVERIFY(db);
        QVERIFY(Migrations::migrate(*db, 1).ok());
    }
    Workspace::OpenOptions options;
    options.deferIntegrityCheck = true;
    auto ws = Workspace::open(path, options);
    QVERIFY2(ws.ok(), qUtf8Printable(ws.message()));
    QVERIFY(!ws.value()->isIntegrityCheckPending());
    QVERIFY(!ws.value()->isReadOnly());
    QCOMPARE(Migrations::currentVersion(ws.value()->db()).value(), Migrations::latestVersion());
}

void TestWorkspaceOpen::openConnectionSharesTheFile()
{
    TestWorkspace ws;
    auto conn = ws.session().workspace().openConnection();
    QVERIFY2(conn.ok(), qUtf8Printable(conn.message()));
    QVERIFY(!conn.value()->isReadOnly());
    QCOMPARE(conn.value()->path(), ws.session().workspace().path());
    ws.addDevices(2);
    QCOMPARE(scalarOf(*conn.value(), QStringLiteral("SELECT count(*) FROM devices")).toInt(), 2);
    QVERIFY(
        conn.value()->exec(QStringLiteral("INSERT INTO device_groups (name) VALUES ('g')")).ok());
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM device_groups")).toInt(), 1);
}

QTEST_GUILESS_MAIN(TestWorkspaceOpen)
#include "tst_workspace.moc"
