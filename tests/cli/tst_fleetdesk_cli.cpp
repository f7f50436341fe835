// The fleetdesk binary as a user starts it: without a display, with --help, and rendering a
// screenshot of a new demo workspace or refusing a workspace it cannot open.

#include "storage/Migrations.h"
#include "storage/SqliteDatabase.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestFleetdeskCli : public QObject
{
    Q_OBJECT

private slots:
    void withoutADisplayItExplainsXvfb();
    void helpNeedsNoDisplay();
    void screenshotOfANewDemoWorkspace();
    void screenshotRefusesANewerWorkspace();

private:
    struct Run
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    Run run(const QStringList &args, bool display);
    QTemporaryDir m_home;
};

TestFleetdeskCli::Run TestFleetdeskCli::run(const QStringList &args, bool display)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    if (display)
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("HOME"), m_home.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(FLEETDESK_PATH), args);
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

void TestFleetdeskCli::withoutADisplayItExplainsXvfb()
{
    const Run r = run({}, false);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("xvfb-run -a fleetdesk")), qPrintable(r.err));
    // Nothing was created: the check comes before the workspace is opened.
    QVERIFY(!QFile::exists(m_home.filePath(QStringLiteral("data/fleetdesk/workspace.fleetdesk"))));
}

void TestFleetdeskCli::helpNeedsNoDisplay()
{
    const Run r = run({QStringLiteral("--help")}, false);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("--screenshot")), qPrintable(r.out + r.err));
    QVERIFY(r.out.contains(QStringLiteral("--workspace")));
}

void TestFleetdeskCli::screenshotOfANewDemoWorkspace()
{
    QTemporaryDir dir;
    const QString ws = dir.filePath(QStringLiteral("demo.fleetdesk"));
    const QString png = dir.filePath(QStringLiteral("main.png"));
    const Run r =
        run({QStringLiteral("--workspace"), ws, QStringLiteral("--screenshot"), png}, true);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QFile f(png);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QVERIFY(bytes.startsWith("\x89PNG\r\n\x1a\n"));
    QVERIFY2(bytes.size() > 20000, "a rendered window, not an empty image");
    // The demo fleet was created on first run.
    auto db = fleet::SqliteDatabase::open(ws, fleet::SqliteDatabase::Access::ReadOnly);
    QVERIFY(db.ok());
    auto devices = db.value()->scalar(QStringLiteral("SELECT count(*) FROM devices"));
    QVERIFY(devices.ok());
    QVERIFY(devices.value().toInt() >= 500);
}

void TestFleetdeskCli::screenshotRefusesANewerWorkspace()
{
    QTemporaryDir dir;
    const QString ws = dir.filePath(QStringLiteral("newer.fleetdesk"));
    {
        auto db = fleet::SqliteDatabase::open(ws, fleet::SqliteDatabase::Access::ReadWriteCreate);
        QVERIFY(db.ok());
        QVERIFY(fleet::Migrations::migrate(*db.value()).ok());
        QVERIFY(db.value()
                    ->exec(QStringLiteral("PRAGMA user_version = %1")
                               .arg(fleet::Migrations::latestVersion() + 1))
                    .ok());
    }
    const Run r = run({QStringLiteral("--workspace"), ws, QStringLiteral("--screenshot"),
                       dir.filePath(QStringLiteral("x.png"))},
                      true);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("newer Fleetdesk")), qPrintable(r.err));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x.png"))));
}

QTEST_GUILESS_MAIN(TestFleetdeskCli)
#include "tst_fleetdesk_cli.moc"
