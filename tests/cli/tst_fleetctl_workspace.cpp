// fleetctl workspace-level behaviour: backup, db check on healthy and damaged files, the help
// texts, usage errors and a missing workspace.

#include "FleetctlRunner.h"
#include "storage/Migrations.h"
#include "storage/SqliteDatabase.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using fleet::test::CliResult;
using fleet::test::FleetctlRunner;

namespace {

QByteArray sha256(const QString &file)
{
    return QCryptographicHash::hash(FleetctlRunner::readFile(file), QCryptographicHash::Sha256)
        .toHex();
}

// The files a workspace consists of or could leave beside it.
QStringList workspaceFiles(const QString &path)
{
    return {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm"),
            path + QStringLiteral("-journal"), path + QStringLiteral(".audit-head")};
}

} // namespace

class TestFleetctlWorkspace : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FleetctlRunner m_cli;
    int m_copies = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    // A fresh, self-contained copy of the demo workspace (no -wal beside it), to damage.
    QString freshCopy()
    {
        const QString copy = path(QStringLiteral("copy-%1.fleetdesk").arg(++m_copies));
        const CliResult r = m_cli.run({QStringLiteral("backup"), copy});
        if (r.exitCode != 0)
            qWarning("%s", r.describe().constData());
        return copy;
    }
    qint64 deviceCount(const FleetctlRunner &cli)
    {
        const CliResult r =
            cli.run({QStringLiteral("--json"), QStringLiteral("db"), QStringLiteral("info")});
        return r.json().value(QStringLiteral("devices")).toInteger(-1);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(QStringLiteral("/usr/bin/sqlite3")),
                 "these tests damage workspaces through the sqlite3 command-line tool");
        m_cli.setWorkspace(path(QStringLiteral("demo.fleetdesk")));
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("workspace"), QStringLiteral("init"),
                                        QStringLiteral("--demo"), QStringLiteral("--devices"),
                                        QStringLiteral("25")}),
                             0);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("group"), QStringLiteral("create"),
                                        QStringLiteral("backup-me")}),
                             0);
    }

    void backupIsAVerifiableCopy()
    {
        const QString copy = path(QStringLiteral("backup.fleetdesk"));
        const CliResult r = m_cli.run({QStringLiteral("backup"), copy});
        FLEETCTL_EXPECT_EXIT(r, 0);
        QVERIFY2(r.outText().startsWith(QStringLiteral("Backed up ")), r.describe().constData());
        QVERIFY(QFile::exists(copy));
        QVERIFY(QFile::exists(copy + QStringLiteral(".audit-head")));
        QVERIFY(!QFile::exists(copy + QStringLiteral(".partial")));

        FleetctlRunner backup(copy);
        const CliResult check =
            backup.run({QStringLiteral("db"), QStringLiteral("check"), QStringLiteral("--full")});
        FLEETCTL_EXPECT_EXIT(check, 0);
        QVERIFY2(check.outText().contains(QStringLiteral("Integrity:    ok (integrity_check)")),
                 check.describe().constData());
        QVERIFY2(check.outText().contains(QRegularExpression(QStringLiteral("Result: +OK\\n"))),
                 check.describe().constData());
        const CliResult verify = backup.run({QStringLiteral("audit"), QStringLiteral("verify")});
        FLEETCTL_EXPECT_EXIT(verify, 0);
        QVERIFY(verify.outText().startsWith(QStringLiteral("intact: ")));
        QVERIFY(!verify.outText().contains(QStringLiteral("no external head anchor")));
        QCOMPARE(verify.out, m_cli.run({QStringLiteral("audit"), QStringLiteral("verify")}).out);
        QCOMPARE(deviceCount(backup), 25);

        const CliResult json =
            backup.run({QStringLiteral("--json"), QStringLiteral("db"), QStringLiteral("check")});
        FLEETCTL_EXPECT_EXIT(json, 0);
        QCOMPARE(json.json().value(QStringLiteral("ok")).toBool(), true);
    }

    void backupWhileAnotherProcessWrites()
    {
        const CliResult list =
            m_cli.run({QStringLiteral("--json"), QStringLiteral("inventory"),
                       QStringLiteral("list"), QStringLiteral("--limit"), QStringLiteral("1"),
                       QStringLiteral("--columns"), QStringLiteral("uid")});
        FLEETCTL_EXPECT_EXIT(list, 0);
        const QString uid = list.json()
                                .value(QStringLiteral("devices"))
                                .toArray()
                                .first()
                                .toObject()
                                .value(QStringLiteral("uid"))
                                .toString();
        // Another process writing audited changes the whole time, as Fleetdesk would.
        QProcess writer;
        writer.setProgram(QStringLiteral("/bin/sh"));
        writer.setArguments(
            {QStringLiteral("-c"),
             QStringLiteral("for i in $(seq 1 40); do \"$0\" --workspace \"$1\" device tag \"$2\" "
                            "--add concurrent-$i >/dev/null || exit 1; done"),
             QStringLiteral(FLEETCTL_PATH), m_cli.workspace(), uid});
        writer.start();
        QVERIFY(writer.waitForStarted(10000));
        QStringList copies;
        while (writer.state() == QProcess::Running && copies.size() < 20) {
            const QString copy = path(QStringLiteral("live-%1.fleetdesk").arg(copies.size()));
            FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("backup"), copy}), 0);
            copies << copy;
        }
        QVERIFY(writer.waitForFinished(120000));
        QCOMPARE(writer.exitCode(), 0);
        QVERIFY(!copies.isEmpty());
        // Every copy is a consistent snapshot whose trail verifies against its own head.
        for (const QString &copy : copies) {
            const FleetctlRunner backup(copy);
            FLEETCTL_EXPECT_EXIT(backup.run({QStringLiteral("db"), QStringLiteral("check")}), 0);
        }
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("audit"), QStringLiteral("verify")}), 0);
    }

    void backupIntoAFolderAndOverExistingFiles()
    {
        const QString folder = path(QStringLiteral("backups"));
        QVERIFY(QDir().mkpath(folder));
        const CliResult r = m_cli.run({QStringLiteral("--json"), QStringLiteral("backup"), folder});
        FLEETCTL_EXPECT_EXIT(r, 0);
        const QString written = r.json().value(QStringLiteral("backup")).toString();
        QCOMPARE(QFileInfo(written).absolutePath(), QFileInfo(folder).absoluteFilePath());
        QVERIFY2(QRegularExpression(QStringLiteral("^demo-\\d{8}-\\d{6}\\.fleetdesk$"))
                     .match(QFileInfo(written).fileName())
                     .hasMatch(),
                 qPrintable(written));
        QVERIFY(QFile::exists(written));

        const QString existing = path(QStringLiteral("existing.fleetdesk"));
        QVERIFY(FleetctlRunner::writeFile(existing, "precious"));
        const CliResult refused = m_cli.run({QStringLiteral("backup"), existing});
        FLEETCTL_EXPECT_EXIT(refused, 1);
        QVERIFY(refused.errText().contains(QStringLiteral("--force")));
        QCOMPARE(FleetctlRunner::readFile(existing), QByteArray("precious"));
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("backup"), existing, QStringLiteral("--force")}), 0);
        QCOMPARE(deviceCount(FleetctlRunner(existing)), 25);

        const CliResult self =
            m_cli.run({QStringLiteral("backup"), m_cli.workspace(), QStringLiteral("--force")});
        FLEETCTL_EXPECT_EXIT(self, 6);
        QCOMPARE(deviceCount(m_cli), 25);
    }

    void dbCheckReportsUnusableFiles_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("message");
        QTest::newRow("truncated")
            << QStringLiteral("truncate") << QStringLiteral("is damaged and cannot be read");
        QTest::newRow("header overwritten")
            << QStringLiteral("header") << QStringLiteral("is not a Fleetdesk workspace");
        QTest::newRow("not a database")
            << QStringLiteral("text") << QStringLiteral("is not a Fleetdesk workspace");
        QTest::newRow("another application's database")
            << QStringLiteral("foreign") << QStringLiteral("is not a Fleetdesk workspace");
        QTest::newRow("newer schema") << QStringLiteral("newer")
                                      << QStringLiteral("was written by a newer Fleetdesk "
                                                        "(schema version 99");
    }

    void dbCheckReportsUnusableFiles()
    {
        QFETCH(QString, damage);
        QFETCH(QString, message);
        const QString file = freshCopy();
        QByteArray bytes = FleetctlRunner::readFile(file);
        QVERIFY(bytes.size() > 8192);
        if (damage == QLatin1String("truncate"))
            bytes.truncate(bytes.size() / 2);
        else if (damage == QLatin1String("header"))
            bytes.replace(0, 100, QByteArray(100, 'x'));
        else if (damage == QLatin1String("text"))
            bytes = "uid,name\nnot,a workspace\n";
        if (damage == QLatin1String("newer")) {
            QCOMPARE(FleetctlRunner::sqlite(file, QStringLiteral("PRAGMA user_version=99;")), 0);
        } else if (damage == QLatin1String("foreign")) {
            QVERIFY(QFile::remove(file));
            QCOMPARE(FleetctlRunner::sqlite(file, QStringLiteral("CREATE TABLE recipes (name "
                                                                 "TEXT);")),
                     0);
        } else {
            QVERIFY(FleetctlRunner::writeFile(file, bytes));
        }
        const QByteArray before = sha256(file);

        FleetctlRunner damaged(file);
        const CliResult check = damaged.run({QStringLiteral("db"), QStringLiteral("check")});
        FLEETCTL_EXPECT_EXIT(check, 4);
        QVERIFY2(check.outText().contains(QStringLiteral("Result:     UNUSABLE: %1").arg(file)),
                 check.describe().constData());
        QVERIFY2(check.outText().contains(message), check.describe().constData());
        QVERIFY2(
            check.outText().contains(QStringLiteral("it was not changed"), Qt::CaseInsensitive) ||
                check.outText().contains(QStringLiteral("Nothing was changed")),
            check.describe().constData());

        const CliResult json =
            damaged.run({QStringLiteral("--json"), QStringLiteral("db"), QStringLiteral("check")});
        FLEETCTL_EXPECT_EXIT(json, 4);
        QCOMPARE(json.json().value(QStringLiteral("usable")).toBool(), false);
        QVERIFY(json.json().value(QStringLiteral("problem")).toString().contains(message));

        // Other commands refuse it with the same message and the same exit code.
        const CliResult list = damaged.run({QStringLiteral("inventory"), QStringLiteral("list")});
        FLEETCTL_EXPECT_EXIT(list, 4);
        QVERIFY2(list.errText().contains(message), list.describe().constData());

        QCOMPARE(sha256(file), before);
    }

    void damagedButReadableWorkspaceOpensReadOnly()
    {
        const QString file = freshCopy();
        // Break one index page: the devices stay readable, the integrity check fails.
        QByteArray info;
        QCOMPARE(FleetctlRunner::sqlite(file,
                                        QStringLiteral("SELECT rootpage FROM sqlite_master WHERE "
                                                       "name = 'audit_log_action'; PRAGMA "
                                                       "page_size;"),
                                        &info),
                 0);
        const QList<QByteArray> numbers = info.trimmed().split('\n');
        QCOMPARE(numbers.size(), 2);
        const qint64 page = numbers[0].trimmed().toLongLong();
        const qint64 pageSize = numbers[1].trimmed().toLongLong();
        QVERIFY(page > 1 && pageSize >= 512);
        QByteArray bytes = FleetctlRunner::readFile(file);
        bytes.replace((page - 1) * pageSize, 16, QByteArray(16, '\0'));
        QVERIFY(FleetctlRunner::writeFile(file, bytes));
        const QByteArray before = sha256(file);
        FleetctlRunner damaged(file);

        const CliResult list = damaged.run(
            {QStringLiteral("--json"), QStringLiteral("inventory"), QStringLiteral("list")});
        FLEETCTL_EXPECT_EXIT(list, 0);
        QCOMPARE(list.json().value(QStringLiteral("total")).toInteger(), 25);
        QVERIFY2(list.errText().startsWith(QStringLiteral("warning: %1 failed its integrity "
                                                          "check")
                                               .arg(file)),
                 list.describe().constData());

        const QString exported = path(QStringLiteral("rescued.csv"));
        FLEETCTL_EXPECT_EXIT(
            damaged.run({QStringLiteral("inventory"), QStringLiteral("export"), exported}), 0);
        QCOMPARE(FleetctlRunner::readFile(exported).trimmed().split('\n').size(), 26);
        const QString rescued = path(QStringLiteral("rescued.fleetdesk"));
        FLEETCTL_EXPECT_EXIT(damaged.run({QStringLiteral("backup"), rescued}), 0);
        QVERIFY(QFile::exists(rescued));

        const CliResult write = damaged.run(
            {QStringLiteral("group"), QStringLiteral("create"), QStringLiteral("not-now")});
        FLEETCTL_EXPECT_EXIT(write, 4);
        QVERIFY2(write.errText().contains(QStringLiteral("read-only")),
                 write.describe().constData());

        const CliResult check = damaged.run({QStringLiteral("db"), QStringLiteral("check")});
        FLEETCTL_EXPECT_EXIT(check, 4);
        QVERIFY2(check.outText().contains(QStringLiteral("Integrity:    FAILED (quick_check)")),
                 check.describe().constData());
        QVERIFY2(check.outText().contains(QStringLiteral("DAMAGED")), check.describe().constData());

        QCOMPARE(sha256(file), before);
    }

    void olderSchemaIsUpgradedExplicitly()
    {
        // A workspace as an older Fleetdesk left it, made with the core's own migrations.
        const int latest = fleet::Migrations::latestVersion();
        QVERIFY(latest >= 2);
        const QString file = path(QStringLiteral("older.fleetdesk"));
        {
            auto db =
                fleet::SqliteDatabase::open(file, fleet::SqliteDatabase::Access::ReadWriteCreate);
            QVERIFY2(db.ok(), qPrintable(db.message()));
            const fleet::Status migrated = fleet::Migrations::migrate(*db.value(), latest - 1);
            QVERIFY2(migrated.ok(), qPrintable(migrated.message()));
        }
        const QByteArray before = sha256(file);
        FleetctlRunner older(file);

        const CliResult list = older.run({QStringLiteral("inventory"), QStringLiteral("list")});
        FLEETCTL_EXPECT_EXIT(list, 4);
        QVERIFY2(list.errText().contains(QStringLiteral("needs upgrading")),
                 list.describe().constData());
        QVERIFY2(list.errText().contains(QStringLiteral("Run 'fleetctl db upgrade'")),
                 list.describe().constData());
        QCOMPARE(sha256(file), before);

        // A backup before the upgrade copies it as it is.
        const QString copy = path(QStringLiteral("older-copy.fleetdesk"));
        FLEETCTL_EXPECT_EXIT(older.run({QStringLiteral("backup"), copy}), 0);
        QCOMPARE(sha256(file), before);
        QByteArray version;
        QCOMPARE(FleetctlRunner::sqlite(copy, QStringLiteral("PRAGMA user_version;"), &version), 0);
        QCOMPARE(version.trimmed().toInt(), latest - 1);

        const CliResult upgrade =
            older.run({QStringLiteral("--json"), QStringLiteral("db"), QStringLiteral("upgrade")});
        FLEETCTL_EXPECT_EXIT(upgrade, 0);
        QCOMPARE(upgrade.json().value(QStringLiteral("from_schema_version")).toInt(), latest - 1);
        QCOMPARE(upgrade.json().value(QStringLiteral("schema_version")).toInt(), latest);
        QCOMPARE(upgrade.json().value(QStringLiteral("upgraded")).toBool(), true);
        QVERIFY(QFile::exists(file + QStringLiteral(".v%1.bak").arg(latest - 1)));

        FLEETCTL_EXPECT_EXIT(older.run({QStringLiteral("inventory"), QStringLiteral("list")}), 0);
        FLEETCTL_EXPECT_EXIT(older.run({QStringLiteral("db"), QStringLiteral("check")}), 0);
        const CliResult again = older.run({QStringLiteral("db"), QStringLiteral("upgrade")});
        FLEETCTL_EXPECT_EXIT(again, 0);
        QVERIFY2(
            again.outText().contains(QStringLiteral("already at schema version %1").arg(latest)),
            again.describe().constData());
    }

    void helpOnEveryCommand_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QStringList>("mentions");
        const auto row = [](const char *command, QStringList mentions) {
            QTest::newRow(command) << QString::fromLatin1(command) << mentions;
        };
        row("workspace init", {QStringLiteral("--demo"), QStringLiteral("--devices N")});
        row("inventory list",
            {QStringLiteral("--model MODEL"), QStringLiteral("--firmware VERSION"),
             QStringLiteral("--site SITE"), QStringLiteral("--group GROUP"),
             QStringLiteral("--state STATE"), QStringLiteral("--tag TAG"),
             QStringLiteral("--online"), QStringLiteral("--offline"),
             QStringLiteral("--search TEXT"), QStringLiteral("--filter NAME"),
             QStringLiteral("--sort KEY"), QStringLiteral("--desc"), QStringLiteral("--limit N"),
             QStringLiteral("--offset N"), QStringLiteral("--columns KEYS")});
        row("inventory import",
            {QStringLiteral("FILE"), QStringLiteral("--format csv|json"),
             QStringLiteral("--map COLUMN=FIELD"), QStringLiteral("--dry-run"),
             QStringLiteral("--reason TEXT"), QStringLiteral("line N: message")});
        row("inventory export",
            {QStringLiteral("[FILE]"), QStringLiteral("--format csv|json"),
             QStringLiteral("--model MODEL"), QStringLiteral("--columns KEYS")});
        row("device show", {QStringLiteral("UID"), QStringLiteral("--history N")});
        row("device set-state", {QStringLiteral("UID..."), QStringLiteral("--state STATE"),
                                 QStringLiteral("--reason TEXT"), QStringLiteral("quarantined")});
        row("device tag", {QStringLiteral("UID..."), QStringLiteral("--add TAG"),
                           QStringLiteral("--remove TAG")});
        row("device group", {QStringLiteral("UID..."), QStringLiteral("--add GROUP"),
                             QStringLiteral("--remove GROUP")});
        row("device notes", {QStringLiteral("UID"), QStringLiteral("--set TEXT")});
        row("device attach-sbom", {QStringLiteral("UID FILE"), QStringLiteral("CycloneDX")});
        row("group list", {QStringLiteral("member")});
        row("group create", {QStringLiteral("NAME"), QStringLiteral("--description TEXT")});
        row("group delete", {QStringLiteral("NAME"), QStringLiteral("--reason TEXT")});
        row("filter list", {QStringLiteral("saved filters")});
        row("filter save", {QStringLiteral("NAME"), QStringLiteral("--model MODEL"),
                            QStringLiteral("--filter NAME")});
        row("filter delete", {QStringLiteral("NAME")});
        row("audit list", {QStringLiteral("--since TIME"), QStringLiteral("--until TIME"),
                           QStringLiteral("--actor TEXT"), QStringLiteral("--action PREFIX"),
                           QStringLiteral("--object-type TYPE"), QStringLiteral("--object ID"),
                           QStringLiteral("--limit N")});
        row("audit verify", {QStringLiteral("intact"), QStringLiteral("broken at entry N")});
        row("audit export", {QStringLiteral("FILE"), QStringLiteral("--format csv|json"),
                             QStringLiteral("--since TIME"), QStringLiteral("--actor TEXT")});
        row("backup", {QStringLiteral("DEST"), QStringLiteral("--force")});
        row("db check", {QStringLiteral("--full"), QStringLiteral("quick_check")});
        row("db info", {QStringLiteral("schema")});
        row("db upgrade", {QStringLiteral(".bak"), QStringLiteral("older Fleetdesk")});
        row("serve", {QStringLiteral("--broker URL"), QStringLiteral("--profile NAME"),
                      QStringLiteral("--password-file FILE"), QStringLiteral("--ca FILE"),
                      QStringLiteral("SIGTERM")});
        row("firmware import",
            {QStringLiteral("--manifest FILE"), QStringLiteral("--model MODEL")});
        row("firmware list", {QStringLiteral("newest version first")});
        row("firmware show", {QStringLiteral("ID")});
        row("firmware set", {QStringLiteral("--known-good")});
        row("firmware approve", {QStringLiteral("--passphrase-file FILE")});
        row("firmware revoke", {QStringLiteral("--reason TEXT")});
        row("firmware verify", {QStringLiteral("re-hashes")});
        row("firmware keygen", {QStringLiteral("0600"), QStringLiteral("--replace")});
        row("firmware check", {QStringLiteral("--device UID"), QStringLiteral("--rollback")});
        row("rollout plan", {QStringLiteral("RELEASE_ID"), QStringLiteral("--pilot-group NAME"),
                             QStringLiteral("--window WINDOW"), QStringLiteral("--rate N/min"),
                             QStringLiteral("Changes nothing")});
        row("rollout create", {QStringLiteral("NAME"), QStringLiteral("RELEASE_ID"),
                               QStringLiteral("--pilot-group NAME"),
                               QStringLiteral("--reason TEXT"), QStringLiteral("draft")});
        row("rollout list", {QStringLiteral("newest first")});
        row("rollout show", {QStringLiteral("NAME"), QStringLiteral("left out")});
        row("rollout submit", {QStringLiteral("four-eyes")});
        row("rollout approve", {QStringLiteral("creator cannot")});
        row("rollout deny", {QStringLiteral("back to draft")});
        row("rollout start", {QStringLiteral("--at TIME"), QStringLiteral("test pass")});
        row("rollout pause", {QStringLiteral("--reason TEXT")});
        row("rollout resume", {QStringLiteral("--passphrase-file FILE")});
        row("rollout cancel", {QStringLiteral("installing finish")});
        row("rollout force-next-wave", {QStringLiteral("next wave")});
        row("rollout override-windows", {QStringLiteral("--restore")});
        row("rollout retry", {QStringLiteral("--device UID"), QStringLiteral("retry budget")});
        row("rollout skip", {QStringLiteral("--device UID")});
        row("rollout rollback", {QStringLiteral("--all"), QStringLiteral("known-good")});
        row("rollout status", {QStringLiteral("--state STATE"), QStringLiteral("--events")});
        row("rollout test-pass", {QStringLiteral("--summary TEXT"), QStringLiteral("signed")});
        row("rollout export", {QStringLiteral("FILE"), QStringLiteral(".csv or .json")});
        row("device drift", {QStringLiteral("drift scanner")});
        row("device accept-version", {QStringLiteral("--reason TEXT")});
        row("device retarget", {QStringLiteral("--artifact-base-url URL")});
        row("firmware assign", {QStringLiteral("--filter NAME"), QStringLiteral("--skip-refused"),
                                QStringLiteral("DDI action")});
        row("device token", {QStringLiteral("TargetToken"), QStringLiteral("--revoke")});
        row("gateway token", {QStringLiteral("GatewayToken"), QStringLiteral("--reason TEXT")});
        row("gateway list", {QStringLiteral("fingerprint")});
        row("job send", {QStringLiteral("--device UID"), QStringLiteral("--kind KIND"),
                         QStringLiteral("fleetctl serve")});
        row("job list", {QStringLiteral("--state STATE"), QStringLiteral("--device UID")});
        row("job show", {QStringLiteral("JOB_ID")});
        row("job cancel", {QStringLiteral("--reason TEXT")});
        row("broker list", {QStringLiteral("--json")});
        row("broker add", {QStringLiteral("--url URL"), QStringLiteral("--username NAME"),
                           QStringLiteral("--inflight N"), QStringLiteral("--activate")});
        row("broker delete", {QStringLiteral("NAME")});
        row("broker activate", {QStringLiteral("NAME")});
        row("broker set-password", {QStringLiteral("--password-file FILE")});
        row("server certificate", {QStringLiteral("export-ca FILE"), QStringLiteral("--cert FILE"),
                                   QStringLiteral("--ip A"), QStringLiteral("0600")});
    }

    void helpOnEveryCommand()
    {
        QFETCH(QString, command);
        QFETCH(QStringList, mentions);
        const QStringList words = command.split(QLatin1Char(' '));
        for (const QStringList &arguments : {words + QStringList{QStringLiteral("--help")},
                                             words + QStringList{QStringLiteral("-h")},
                                             QStringList{QStringLiteral("--help")} + words,
                                             QStringList{QStringLiteral("help")} + words}) {
            const CliResult r = m_cli.runExactly(arguments);
            FLEETCTL_EXPECT_EXIT(r, 0);
            QVERIFY2(r.outText().startsWith(QStringLiteral("Usage: fleetctl %1").arg(command)),
                     r.describe().constData());
            for (const QString &mention : mentions)
                QVERIFY2(r.outText().simplified().contains(mention, Qt::CaseInsensitive),
                         qPrintable(mention + QStringLiteral(" missing in:\n") + r.outText()));
            QVERIFY2(r.err.isEmpty(), r.describe().constData());
        }
    }

    void topLevelHelpListsEveryCommandAndExitCode()
    {
        const CliResult r = m_cli.runExactly({QStringLiteral("--help")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        const QString help = r.outText();
        // Every command the help lists has a row in helpOnEveryCommand, and the other way round.
        const qsizetype start = help.indexOf(QStringLiteral("\nCommands:\n"));
        const qsizetype end = help.indexOf(QStringLiteral("\n\n"), start + 1);
        QVERIFY(start >= 0 && end > start);
        QSet<QString> listed;
        // A long name stands alone on its line, its summary on the next.
        static const QRegularExpression commandLine(
            QStringLiteral("^  ([a-z-]+(?: [a-z-]+)?)(?:  |$)"));
        for (const QString &line : help.mid(start, end - start).split(QLatin1Char('\n'))) {
            const auto match = commandLine.match(line);
            if (match.hasMatch())
                listed << match.captured(1);
        }
        const QSet<QString> tested{QStringLiteral("workspace init"),
                                   QStringLiteral("inventory list"),
                                   QStringLiteral("inventory import"),
                                   QStringLiteral("inventory export"),
                                   QStringLiteral("device show"),
                                   QStringLiteral("device set-state"),
                                   QStringLiteral("device tag"),
                                   QStringLiteral("device group"),
                                   QStringLiteral("device notes"),
                                   QStringLiteral("device attach-sbom"),
                                   QStringLiteral("group list"),
                                   QStringLiteral("group create"),
                                   QStringLiteral("group delete"),
                                   QStringLiteral("filter list"),
                                   QStringLiteral("filter save"),
                                   QStringLiteral("filter delete"),
                                   QStringLiteral("audit list"),
                                   QStringLiteral("audit verify"),
                                   QStringLiteral("audit export"),
                                   QStringLiteral("backup"),
                                   QStringLiteral("db check"),
                                   QStringLiteral("db info"),
                                   QStringLiteral("db upgrade"),
                                   QStringLiteral("serve"),
                                   QStringLiteral("firmware import"),
                                   QStringLiteral("firmware list"),
                                   QStringLiteral("firmware show"),
                                   QStringLiteral("firmware set"),
                                   QStringLiteral("firmware approve"),
                                   QStringLiteral("firmware revoke"),
                                   QStringLiteral("firmware verify"),
                                   QStringLiteral("firmware keygen"),
                                   QStringLiteral("firmware check"),
                                   QStringLiteral("job send"),
                                   QStringLiteral("firmware assign"),
                                   QStringLiteral("device token"),
                                   QStringLiteral("rollout plan"),
                                   QStringLiteral("rollout create"),
                                   QStringLiteral("rollout list"),
                                   QStringLiteral("rollout show"),
                                   QStringLiteral("rollout submit"),
                                   QStringLiteral("rollout approve"),
                                   QStringLiteral("rollout deny"),
                                   QStringLiteral("rollout start"),
                                   QStringLiteral("rollout pause"),
                                   QStringLiteral("rollout resume"),
                                   QStringLiteral("rollout cancel"),
                                   QStringLiteral("rollout force-next-wave"),
                                   QStringLiteral("rollout override-windows"),
                                   QStringLiteral("rollout retry"),
                                   QStringLiteral("rollout skip"),
                                   QStringLiteral("rollout rollback"),
                                   QStringLiteral("rollout status"),
                                   QStringLiteral("rollout test-pass"),
                                   QStringLiteral("rollout export"),
                                   QStringLiteral("device drift"),
                                   QStringLiteral("device accept-version"),
                                   QStringLiteral("device retarget"),
                                   QStringLiteral("gateway token"),
                                   QStringLiteral("gateway list"),
                                   QStringLiteral("job list"),
                                   QStringLiteral("job show"),
                                   QStringLiteral("job cancel"),
                                   QStringLiteral("broker list"),
                                   QStringLiteral("broker add"),
                                   QStringLiteral("broker delete"),
                                   QStringLiteral("broker activate"),
                                   QStringLiteral("broker set-password"),
                                   QStringLiteral("server certificate")};
        QCOMPARE(listed, tested);
        for (const QString &global :
             {QStringLiteral("--workspace PATH"), QStringLiteral("--json"),
              QStringLiteral("--operator NAME"), QStringLiteral("--version")})
            QVERIFY2(help.contains(global), qPrintable(global));
        for (int code = 0; code <= 6; ++code)
            QVERIFY2(help.contains(QRegularExpression(QStringLiteral("\\n  %1  \\w").arg(code))),
                     qPrintable(QString::number(code)));

        const CliResult group =
            m_cli.runExactly({QStringLiteral("audit"), QStringLiteral("--help")});
        FLEETCTL_EXPECT_EXIT(group, 0);
        for (const QString &sub :
             {QStringLiteral("list"), QStringLiteral("verify"), QStringLiteral("export")})
            QVERIFY(group.outText().contains(QStringLiteral("\n  %1  ").arg(sub)));

        const CliResult version = m_cli.runExactly({QStringLiteral("--version")});
        FLEETCTL_EXPECT_EXIT(version, 0);
        QVERIFY(version.outText().startsWith(QStringLiteral("fleetctl ")));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("no command") << QStringList() << QStringLiteral("Usage: fleetctl COMMAND");
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")}
                                         << QStringLiteral("Unknown command 'frobnicate'");
        QTest::newRow("missing subcommand")
            << QStringList{QStringLiteral("inventory")}
            << QStringLiteral("'fleetctl inventory' needs a subcommand: list, import, export");
        QTest::newRow("unknown subcommand")
            << QStringList{QStringLiteral("inventory"), QStringLiteral("frob")}
            << QStringLiteral("Unknown subcommand 'inventory frob'");
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("audit"), QStringLiteral("verify"),
                           QStringLiteral("--frob")}
            << QStringLiteral("Unknown option 'frob'");
        QTest::newRow("unknown global option")
            << QStringList{QStringLiteral("--frob")} << QStringLiteral("Unknown option 'frob'");
        QTest::newRow("missing argument")
            << QStringList{QStringLiteral("device"), QStringLiteral("show")}
            << QStringLiteral("Missing argument UID");
        QTest::newRow("missing destination")
            << QStringList{QStringLiteral("backup")} << QStringLiteral("Missing argument DEST");
        QTest::newRow("too many arguments")
            << QStringList{QStringLiteral("db"), QStringLiteral("check"), QStringLiteral("extra")}
            << QStringLiteral("Unexpected argument 'extra'");
        QTest::newRow("devices without demo")
            << QStringList{QStringLiteral("workspace"), QStringLiteral("init"),
                           QStringLiteral("--devices"), QStringLiteral("5")}
            << QStringLiteral("--devices only applies together with --demo");
        QTest::newRow("demo size out of range")
            << QStringList{QStringLiteral("workspace"), QStringLiteral("init"),
                           QStringLiteral("--demo"), QStringLiteral("--devices"),
                           QStringLiteral("0")}
            << QStringLiteral("--devices expects a whole number from 1");
    }

    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const QString nowhere = path(QStringLiteral("usage-errors.fleetdesk"));
        const CliResult r = FleetctlRunner(nowhere).run(arguments);
        FLEETCTL_EXPECT_EXIT(r, 2);
        QVERIFY2(r.errText().contains(message), r.describe().constData());
        QVERIFY2(r.out.isEmpty(), r.describe().constData());
        for (const QString &file : workspaceFiles(nowhere))
            QVERIFY2(!QFile::exists(file), qPrintable(file));
    }

    void missingWorkspace_data()
    {
        QTest::addColumn<QStringList>("arguments");
        const auto row = [](const char *name, QStringList arguments) {
            QTest::newRow(name) << arguments;
        };
        row("inventory list", {QStringLiteral("inventory"), QStringLiteral("list")});
        row("inventory export",
            {QStringLiteral("inventory"), QStringLiteral("export"), QStringLiteral("-")});
        row("inventory import",
            {QStringLiteral("inventory"), QStringLiteral("import"), QStringLiteral("--format"),
             QStringLiteral("csv"), QStringLiteral("/dev/null")});
        row("device show", {QStringLiteral("device"), QStringLiteral("show"), QStringLiteral("x")});
        row("device set-state",
            {QStringLiteral("device"), QStringLiteral("set-state"), QStringLiteral("x"),
             QStringLiteral("--state"), QStringLiteral("active")});
        row("group list", {QStringLiteral("group"), QStringLiteral("list")});
        row("filter save", {QStringLiteral("filter"), QStringLiteral("save"), QStringLiteral("f")});
        row("audit list", {QStringLiteral("audit"), QStringLiteral("list")});
        row("audit verify", {QStringLiteral("audit"), QStringLiteral("verify")});
        row("audit export",
            {QStringLiteral("audit"), QStringLiteral("export"), QStringLiteral("-")});
        row("backup", {QStringLiteral("backup"), QStringLiteral("never-written.fleetdesk")});
        row("db check", {QStringLiteral("db"), QStringLiteral("check")});
        row("db info", {QStringLiteral("db"), QStringLiteral("info")});
        row("db upgrade", {QStringLiteral("db"), QStringLiteral("upgrade")});
    }

    void missingWorkspace()
    {
        QFETCH(QStringList, arguments);
        const QString nowhere = path(QStringLiteral("missing/nowhere.fleetdesk"));
        const FleetctlRunner cli(nowhere);
        const CliResult r = cli.run(arguments);
        FLEETCTL_EXPECT_EXIT(r, 3);
        QVERIFY2(r.errText().startsWith(QStringLiteral("error: No workspace at %1\n").arg(nowhere)),
                 r.describe().constData());
        QVERIFY2(r.errText().contains(QStringLiteral("fleetctl workspace init")),
                 r.describe().constData());
        QVERIFY(!QFileInfo::exists(path(QStringLiteral("missing"))));
        QVERIFY(!QFileInfo::exists(
            QDir(cli.home()).filePath(QStringLiteral("never-written.fleetdesk"))));

        // The default workspace lives in the user's data folder; a fresh account has none.
        const CliResult byDefault = cli.runExactly(arguments);
        FLEETCTL_EXPECT_EXIT(byDefault, 3);
        const QString defaultPath =
            cli.home() + QStringLiteral("/data/fleetdesk/workspace.fleetdesk");
        QVERIFY2(byDefault.errText().contains(defaultPath), byDefault.describe().constData());
        QVERIFY(!QFileInfo::exists(defaultPath));
    }
};

QTEST_GUILESS_MAIN(TestFleetctlWorkspace)
#include "tst_fleetctl_workspace.moc"
