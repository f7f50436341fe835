// fleetctl broker: broker profiles from the command line, through the same store as the window's
// dialog (audited, one active, no password in the workspace).
#include "FleetctlRunner.h"
#include "storage/SqliteDatabase.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace fleet;
using fleet::test::CliResult;
using fleet::test::FleetctlRunner;

class TestFleetctlBroker : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_cli.setWorkspace(m_dir->filePath(QStringLiteral("plant.fleetdesk")));
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("workspace"), QStringLiteral("init")}), 0);
    }

    void addListActivateDelete()
    {
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("broker"), QStringLiteral("add"), QStringLiteral("Plant A"),
                       QStringLiteral("--url"), QStringLiteral("mqtts://broker.plant-a.local"),
                       QStringLiteral("--username"), QStringLiteral("fleetdesk"),
                       QStringLiteral("--inflight"), QStringLiteral("64"),
                       QStringLiteral("--activate")}),
            0);
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("broker"), QStringLiteral("add"), QStringLiteral("Lab"),
                       QStringLiteral("--url"), QStringLiteral("mqtt://127.0.0.1:1884"),
                       QStringLiteral("--protocol"), QStringLiteral("3.1.1")}),
            0);

        CliResult listed =
            m_cli.run({QStringLiteral("broker"), QStringLiteral("list"), QStringLiteral("--json")});
        FLEETCTL_EXPECT_EXIT(listed, 0);
        const QJsonArray profiles = listed.json().value(QStringLiteral("profiles")).toArray();
        QCOMPARE(profiles.size(), 2);
        const QJsonObject plantA = profiles.at(1).toObject();
        QCOMPARE(plantA.value(QStringLiteral("name")).toString(), QStringLiteral("Plant A"));
        QCOMPARE(plantA.value(QStringLiteral("url")).toString(),
                 QStringLiteral("mqtts://broker.plant-a.local:8883"));
        QCOMPARE(plantA.value(QStringLiteral("inflightWindow")).toInt(), 64);
        QCOMPARE(plantA.value(QStringLiteral("active")).toBool(), true);
        QCOMPARE(profiles.at(0).toObject().value(QStringLiteral("protocol")).toString(),
                 QStringLiteral("3.1.1"));

        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("broker"), QStringLiteral("activate"),
                                        QStringLiteral("Lab")}),
                             0);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("broker"), QStringLiteral("delete"),
                                        QStringLiteral("Plant A")}),
                             0);
        listed =
            m_cli.run({QStringLiteral("broker"), QStringLiteral("list"), QStringLiteral("--json")});
        const QJsonArray left = listed.json().value(QStringLiteral("profiles")).toArray();
        QCOMPARE(left.size(), 1);
        QCOMPARE(left.at(0).toObject().value(QStringLiteral("active")).toBool(), true);

        auto db = SqliteDatabase::open(m_cli.workspace(), SqliteDatabase::Access::ReadOnly);
        QVERIFY(db.ok());
        auto audited = db.value()->scalar(QStringLiteral(
            "SELECT group_concat(action, ',') FROM (SELECT action FROM audit_log WHERE "
            "object_type = 'broker-profile' ORDER BY seq)"));
        QVERIFY(audited.ok());
        QCOMPARE(audited.value().toString(),
                 QStringLiteral("broker.profile.create,broker.profile.activate,"
                                "broker.profile.create,broker.profile.activate,"
                                "broker.profile.delete"));
    }

    void badInputIsExplained_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("no url") << QStringList{QStringLiteral("add"), QStringLiteral("A")} << 2
                                << QStringLiteral("--url");
        QTest::newRow("bad protocol")
            << QStringList{QStringLiteral("add"),        QStringLiteral("A"),
                           QStringLiteral("--url"),      QStringLiteral("mqtt://h"),
                           QStringLiteral("--protocol"), QStringLiteral("4")}
            << 2 << QStringLiteral("auto, 5 or 3.1.1");
        QTest::newRow("password in url")
            << QStringList{QStringLiteral("add"), QStringLiteral("A"), QStringLiteral("--url"),
                           QStringLiteral("mqtt://u:secret@h")}
            << 6 << QStringLiteral("password");
        QTest::newRow("unknown profile")
            << QStringList{QStringLiteral("activate"), QStringLiteral("Nope")} << 3
            << QStringLiteral("No broker profile is called 'Nope'");
        QTest::newRow("set-password without file")
            << QStringList{QStringLiteral("set-password"), QStringLiteral("A")} << 2
            << QStringLiteral("--password-file");
    }

    void badInputIsExplained()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const CliResult r = m_cli.run(QStringList{QStringLiteral("broker")} + arguments);
        FLEETCTL_EXPECT_EXIT(r, exitCode);
        QVERIFY2(r.errText().contains(message), r.describe().constData());
    }

private:
    FleetctlRunner m_cli;
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestFleetctlBroker)
#include "tst_fleetctl_broker.moc"
