#include "TestWorkspace.h"
#include "inventory/DeviceRepository.h"
#include "storage/Migrations.h"
#include "storage/SqliteDatabase.h"

#include <QTemporaryDir>
#include <QTest>

using namespace fleet;
using namespace fleet::test;

class TestMigrations : public QObject
{
    Q_OBJECT

private:
    // A new database brought to `version` with Migrations::migrate.
    static std::unique_ptr<SqliteDatabase> databaseAt(const QString &path, int version)
    {
        auto db = SqliteDatabase::open(path, SqliteDatabase::Access::ReadWriteCreate);
        if (!db)
            qFatal("%s", qUtf8Printable(db.message()));
        if (Status s = db.value()->exec(QStringLiteral("PRAGMA foreign_keys=ON")); !s)
            qFatal("%s", qUtf8Printable(s.message()));
        if (Status s = Migrations::migrate(*db.value(), version); !s)
            qFatal("%s", qUtf8Printable(s.message()));
        return std::move(db.value());
    }

private slots:
    void versionsAndSql();
    void migrateToEachVersion_data();
    void migrateToEachVersion();
    void migrateIsIdempotent();
    void migrateNeverGoesDown();
    void refusesUnknownTarget();
    void failedMigrationChangesNothing();
    void upgradeFromEveryVersion_data();
    void upgradeFromEveryVersion();
    void seedDataOfLatestVersion();
    void schemaTriggersAndChecks();
    void earlyVersion2InsertTriggerIsDropped();
};

void TestMigrations::versionsAndSql()
{
    QVERIFY(Migrations::latestVersion() >= 3);
    QVERIFY(Migrations::sql(0).isEmpty());
    QVERIFY(Migrations::sql(-1).isEmpty());
    QVERIFY(Migrations::sql(Migrations::latestVersion() + 1).isEmpty());
    for (int v = 1; v <= Migrations::latestVersion(); ++v)
        QVERIFY2(Migrations::sql(v).contains(QLatin1String("CREATE")),
                 qPrintable(QString::number(v)));
    QVERIFY(Migrations::sql(1).contains(QLatin1String("CREATE TABLE audit_log")));
    QVERIFY(Migrations::sql(2).contains(QLatin1String("fts5")));
    QVERIFY(Migrations::sql(3).contains(QLatin1String("audit_log_no_replace")));
    QVERIFY(Migrations::sql(4).contains(QLatin1String("CREATE TABLE ingest_rejections")));
}

void TestMigrations::migrateToEachVersion_data()
{
    QTest::addColumn<int>("version");
    for (int v = 0; v <= Migrations::latestVersion(); ++v)
        QTest::addRow("v%d", v) << v;
}

void TestMigrations::migrateToEachVersion()
{
    QFETCH(int, version);
    QTemporaryDir dir;
    auto db = databaseAt(dir.filePath(QStringLiteral("m.db")), version);
    auto current = Migrations::currentVersion(*db);
    QVERIFY(current.ok());
    QCOMPARE(current.value(), version);
    const QStringList tables = column(
        *db, QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
    QCOMPARE(tables.contains(QStringLiteral("devices")), version >= 1);
    QCOMPARE(tables.contains(QStringLiteral("audit_log")), version >= 1);
    QCOMPARE(tables.contains(QStringLiteral("saved_filters")), version >= 2);
    QCOMPARE(tables.contains(QStringLiteral("device_search")), version >= 2);
    QCOMPARE(tables.contains(QStringLiteral("device_reported_extra")), version >= 4);
    QCOMPARE(tables.contains(QStringLiteral("ingest_rejections")), version >= 4);
    const QStringList triggers = column(
        *db, QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"));
    QCOMPARE(triggers.contains(QStringLiteral("audit_log_no_update")), version >= 1);
    QCOMPARE(triggers.contains(QStringLiteral("audit_log_no_delete")), version >= 1);
    QCOMPARE(triggers.contains(QStringLiteral("audit_log_no_replace")), version >= 3);
}

void TestMigrations::migrateIsIdempotent()
{
    QTemporaryDir dir;
    auto db = databaseAt(dir.filePath(QStringLiteral("m.db")), Migrations::latestVersion());
    const QStringList before = normalizedSchema(*db);
    QVERIFY(Migrations::migrate(*db).ok());
    QVERIFY(Migrations::migrate(*db).ok());
    QCOMPARE(normalizedSchema(*db), before);
    QCOMPARE(Migrations::currentVersion(*db).value(), Migrations::latestVersion());
}

void TestMigrations::migrateNeverGoesDown()
{
    QTemporaryDir dir;
    auto db = databaseAt(dir.filePath(QStringLiteral("m.db")), Migrations::latestVersion());
    const QStringList before = normalizedSchema(*db);
    QVERIFY(Migrations::migrate(*db, 1).ok());
    QCOMPARE(Migrations::currentVersion(*db).value(), Migrations::latestVersion());
    QCOMPARE(normalizedSchema(*db), before);
}

void TestMigrations::refusesUnknownTarget()
{
    QTemporaryDir dir;
    auto db = databaseAt(dir.filePath(QStringLiteral("m.db")), 1);
    Status s = Migrations::migrate(*db, Migrations::latestVersion() + 3);
    QVERIFY(!s.ok());
    QCOMPARE(s.error().kind, Error::Kind::Invalid);
    // Nothing was applied: not even the migrations this build does know.
    QCOMPARE(Migrations::currentVersion(*db).value(), 1);
}

void TestMigrations::failedMigrationChangesNothing()
{
    QTemporaryDir dir;
    auto opened = SqliteDatabase::open(dir.filePath(QStringLiteral("m.db")),
                                       SqliteDatabase::Access::ReadWriteCreate);
    QVERIFY(opened.ok());
    SqliteDatabase &db = *opened.value();
    // A table in the way of migration 1, which creates `device_groups` after several others.
    QVERIFY(db.exec(QStringLiteral("CREATE TABLE device_groups (x)")).ok());
    Status s = Migrations::migrate(db);
    QVERIFY(!s.ok());
    QVERIFY2(s.message().contains(QLatin1String("version 1")), qUtf8Printable(s.message()));
    QVERIFY2(s.message().contains(QLatin1String("device_groups")), qUtf8Printable(s.message()));
    QCOMPARE(Migrations::currentVersion(db).value(), 0);
    // Migration 1 ran in one transaction: the tables it created before failing are gone.
    QCOMPARE(column(db, QStringLiteral("SELECT name FROM sqlite_master")),
             QStringList{QStringLiteral("device_groups")});
    // The connection is not left inside a transaction.
    QVERIFY(db.exec(QStringLiteral("BEGIN; ROLLBACK;")).ok());
}

void TestMigrations::upgradeFromEveryVersion_data()
{
    QTest::addColumn<int>("from");
    for (int v = 0; v < Migrations::latestVersion(); ++v)
        QTest::addRow("from v%d", v) << v;
}

void TestMigrations::upgradeFromEveryVersion()
{
    QFETCH(int, from);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.fleetdesk"));
    auto db = databaseAt(path, from);
    seedVersionData(*db, from, path);
    if (QTest::currentTestFailed())
        return;

    QVERIFY(Migrations::migrate(*db).ok());
    QCOMPARE(Migrations::currentVersion(*db).value(), Migrations::latestVersion());

    auto fresh =
        databaseAt(dir.filePath(QStringLiteral("fresh.fleetdesk")), Migrations::latestVersion());
    QCOMPARE(normalizedSchema(*db), normalizedSchema(*fresh));
    verifyVersionData(*db, from, path);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(column(*db, QStringLiteral("PRAGMA foreign_key_check")), QStringList());
    QCOMPARE(column(*db, QStringLiteral("PRAGMA integrity_check")),
             QStringList{QStringLiteral("ok")});
    if (from >= 1) {
        // Devices written before the search index existed are found by it.
        QCOMPARE(column(*db,
                        QStringLiteral("SELECT rowid FROM device_search WHERE "
                                       "device_search MATCH ? ORDER BY rowid"),
                        {QStringLiteral("muller")}),
                 QStringList{QStringLiteral("1")});
        QCOMPARE(column(*db,
                        QStringLiteral("SELECT rowid FROM device_search WHERE "
                                       "device_search MATCH ? ORDER BY rowid"),
                        {QStringLiteral("\"sn\"*")}),
                 QStringList({QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3")}));
        QCOMPARE(column(*db, QStringLiteral("INSERT INTO device_search(device_search, rank) "
                                            "VALUES ('integrity-check', 1)")),
                 QStringList());
    }
}

// upgradeFromEveryVersion only seeds versions older than the latest; the latest version's seed
// data is checked here, so it is known to fit its schema before the next migration needs it.
void TestMigrations::seedDataOfLatestVersion()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("latest.fleetdesk"));
    auto db = databaseAt(path, Migrations::latestVersion());
    seedVersionData(*db, Migrations::latestVersion(), path);
    if (QTest::currentTestFailed())
        return;
    verifyVersionData(*db, Migrations::latestVersion(), path);
}

void TestMigrations::schemaTriggersAndChecks()
{
    QTemporaryDir dir;
    auto db = databaseAt(dir.filePath(QStringLiteral("m.db")), Migrations::latestVersion());
    // CHECK constraints guard the enumerations.
    for (const char *sql :
         {"INSERT INTO devices (uid, name, state) VALUES ('a', 'a', 'lost')",
          "INSERT INTO devices (uid, name, health) VALUES ('a', 'a', 'fine')",
          "INSERT INTO devices (uid, name, connection) VALUES ('a', 'a', 'zigbee')",
          "INSERT INTO devices (uid, name, online) VALUES ('a', 'a', 2)"}) {
        Status s = db->exec(QString::fromLatin1(sql));
        QVERIFY2(!s.ok(), sql);
        QVERIFY2(s.message().contains(QLatin1String("CHECK constraint failed")),
                 qUtf8Printable(s.message()));
    }
    // Devices are created through the repository, which also indexes them for search.
    DeviceRepository repo(*db);
    Device d;
    d.uid = QStringLiteral("a");
    d.name = QStringLiteral("Press");
    auto saved = repo.upsert(d);
    QVERIFY2(saved.ok(), qUtf8Printable(saved.message()));
    QVERIFY(!db->exec(QStringLiteral("INSERT INTO devices (uid, name) VALUES ('a', 'b')")).ok());
    // Foreign keys (on for this connection) keep tags attached to devices.
    QVERIFY(!db->exec(QStringLiteral("INSERT INTO device_tags VALUES (999, 'x')")).ok());
    auto search = [&](const char *match) {
        return column(*db,
                      QStringLiteral("SELECT rowid FROM device_search WHERE device_search MATCH ?"),
                      {QString::fromLatin1(match)});
    };
    const QStringList first{QString::number(saved->id)};
    QCOMPARE(search("press"), first);
    // Triggers keep the index in step with updates of searched columns and with deletes.
    QVERIFY(db->exec(QStringLiteral("UPDATE devices SET name = 'renamed' WHERE uid = 'a'")).ok());
    QCOMPARE(search("press"), QStringList());
    QCOMPARE(search("renamed"), first);
    QVERIFY(db->exec(QStringLiteral("UPDATE devices SET last_seen = 5 WHERE uid = 'a'")).ok());
    QCOMPARE(search("renamed"), first);
    QVERIFY(db->exec(QStringLiteral("DELETE FROM devices WHERE uid = 'a'")).ok());
    QCOMPARE(search("renamed"), QStringList());
    QCOMPARE(column(*db, QStringLiteral("INSERT INTO device_search(device_search, rank) "
                                        "VALUES ('integrity-check', 1)")),
             QStringList());
}

void TestMigrations::earlyVersion2InsertTriggerIsDropped()
{
    // Early builds of schema 2 indexed new devices with a trigger; DeviceRepository now does it
    // itself. Upgrading such a file must not leave both in place.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("early.fleetdesk"));
    auto db = databaseAt(path, 2);
    QVERIFY(db->exec(QStringLiteral(
                         "CREATE TRIGGER devices_search_insert AFTER INSERT ON devices BEGIN "
                         "INSERT INTO device_search(rowid, uid, name, serial, vendor, model, "
                         "hostname, ip, mac, notes) VALUES (new.id, new.uid, new.name, "
                         "new.serial, new.vendor, new.model, new.hostname, new.ip, new.mac, "
                         "new.notes); END;"))
                .ok());
    QVERIFY(Migrations::migrate(*db).ok());
    auto fresh =
        databaseAt(dir.filePath(QStringLiteral("fresh.fleetdesk")), Migrations::latestVersion());
    QCOMPARE(normalizedSchema(*db), normalizedSchema(*fresh));
    Device d;
    d.uid = QStringLiteral("gw-1");
    d.name = QStringLiteral("Press");
    QVERIFY(DeviceRepository(*db).upsert(d).ok());
    QCOMPARE(column(*db, QStringLiteral("INSERT INTO device_search(device_search, rank) "
                                        "VALUES ('integrity-check', 1)")),
             QStringList());
    QCOMPARE(column(*db, QStringLiteral("SELECT rowid FROM device_search WHERE device_search "
                                        "MATCH 'press'")),
             QStringList{QStringLiteral("1")});
}

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
