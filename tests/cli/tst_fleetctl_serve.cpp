// fleetctl serve: the headless MQTT ingest against a real mosquitto, stopped with SIGTERM, and
// its refusal to start when the broker cannot be reached.

#include "FleetctlRunner.h"
#include "MosquittoBroker.h"
#include "mqtt/MqttClient.h"
#include "storage/SqliteDatabase.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>

using namespace fleet;
using fleet::test::CliResult;
using fleet::test::FleetctlRunner;
using fleet::test::MosquittoBroker;

namespace {

QString topicOf(const QString &uid, const char *channel)
{
    return QStringLiteral("fleet/v1/devices/%1/%2").arg(uid, QLatin1String(channel));
}

QString uidOf(int index)
{
    return QStringLiteral("serve-%1").arg(index, 3, 10, QLatin1Char('0'));
}

QByteArray toJson(QJsonObject o, qint64 seq)
{
    o.insert(QStringLiteral("v"), 1);
    o.insert(QStringLiteral("seq"), seq);
    o.insert(QStringLiteral("ts"), QStringLiteral("2026-03-02T08:00:01.250Z"));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray presencePayload(qint64 seq)
{
    return toJson({{QStringLiteral("state"), QStringLiteral("online")}}, seq);
}

QByteArray inventoryPayload(qint64 seq, const QString &fw)
{
    return toJson({{QStringLiteral("model"), QStringLiteral("NW-EG4100")},
                   {QStringLiteral("hw_revision"), QStringLiteral("C1")},
                   {QStringLiteral("firmware"), QJsonObject{{QStringLiteral("version"), fw}}}},
                  seq);
}

QByteArray heartbeatPayload(qint64 seq, const QString &check)
{
    return toJson({{QStringLiteral("uptime_s"), 901},
                   {QStringLiteral("checks"),
                    QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("disk")},
                                           {QStringLiteral("status"), check}}}}},
                  seq);
}

} // namespace

class TestFleetctlServe : public QObject
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

    void cleanup()
    {
        if (m_serve && m_serve->state() != QProcess::NotRunning) {
            m_serve->kill();
            m_serve->waitForFinished(5000);
        }
        m_serve.reset();
        m_broker.reset();
        m_dir.reset();
    }

    void ingestsUntilSigtermAndFlushes()
    {
        m_broker = std::make_unique<MosquittoBroker>();
        QVERIFY2(m_broker->start(), qPrintable(m_broker->errorString()));
        const QString clientId = QStringLiteral("fleetctl-serve-test");
        startServe({QStringLiteral("--broker"),
                    QStringLiteral("mqtt://127.0.0.1:%1").arg(m_broker->port()),
                    QStringLiteral("--client-id"), clientId});
        // serve has subscribed (to presence, inventory and heartbeat) before devices publish,
        // or the broker would not forward anything to it.
        QTRY_VERIFY2_WITH_TIMEOUT(subscriptionsOf(clientId) >= 3, qPrintable(diagnostics()), 15000);

        MqttBrokerProfile profile;
        profile.host = QStringLiteral("127.0.0.1");
        profile.port = m_broker->port();
        MqttClient devices(profile);
        QVERIFY(devices.connectToBroker().ok());
        QTRY_COMPARE_WITH_TIMEOUT(devices.state(), MqttClient::State::Connected, 10000);

        constexpr int deviceCount = 50;
        for (int d = 0; d < deviceCount; ++d) {
            QVERIFY(devices.publish(topicOf(uidOf(d), "presence"), presencePayload(1), 1).ok());
            QVERIFY(devices
                        .publish(topicOf(uidOf(d), "inventory"),
                                 inventoryPayload(2, QStringLiteral("4.4.1")), 1)
                        .ok());
            QVERIFY(devices
                        .publish(topicOf(uidOf(d), "heartbeat"),
                                 heartbeatPayload(3, QStringLiteral("ok")), 1)
                        .ok());
        }
        QTRY_VERIFY2_WITH_TIMEOUT(scalar(QStringLiteral("SELECT count(*) FROM devices")) ==
                                      deviceCount,
                                  qPrintable(diagnostics()), 30000);

        // The last reports: new firmware for 10 devices, a failing check for 10 others. All
        // QoS 1, so every one reaches serve.
        QSignalSpy published(&devices, &MqttClient::published);
        for (int d = 0; d < 10; ++d) {
            QVERIFY(devices
                        .publish(topicOf(uidOf(d), "inventory"),
                                 inventoryPayload(4, QStringLiteral("4.4.2")), 1)
                        .ok());
            QVERIFY(devices
                        .publish(topicOf(uidOf(10 + d), "heartbeat"),
                                 heartbeatPayload(4, QStringLiteral("fail")), 1)
                        .ok());
        }
        QTRY_COMPARE_WITH_TIMEOUT(published.size(), 20, 10000);
        // The broker has sent them to serve; whether serve has read or written them yet is
        // what the stop must not depend on.
        QTRY_VERIFY2_WITH_TIMEOUT(publishesSentTo(clientId) >= 3 * deviceCount + 20,
                                  qPrintable(diagnostics()), 10000);
        ::kill(static_cast<pid_t>(m_serve->processId()), SIGTERM);

        QVERIFY2(m_serve->waitForFinished(30000), qPrintable(diagnostics()));
        QCOMPARE(m_serve->exitStatus(), QProcess::NormalExit);
        QVERIFY2(m_serve->exitCode() == 0, qPrintable(diagnostics()));
        const QString err = QString::fromUtf8(m_serve->readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("connected to mqtt://127.0.0.1")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("SIGTERM received")), qPrintable(err));

        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM devices")), qint64(deviceCount));
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM devices WHERE fw_version = "
                                       "'4.4.2'")),
                 qint64(10));
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM devices WHERE health = "
                                       "'failing'")),
                 qint64(10));
        QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM devices WHERE online = 1")),
                 qint64(deviceCount));
        // Disconnected on purpose: the broker saw a DISCONNECT, not a dropped socket.
        QTRY_VERIFY2_WITH_TIMEOUT(
            m_broker->log().contains(QStringLiteral("Client %1 disconnected.").arg(clientId)),
            qPrintable(m_broker->log().right(2000)), 10000);
    }

    void servesAStoredProfileWithItsPasswordFile()
    {
        MosquittoBroker::Options options;
        options.users = {{QStringLiteral("fleetdesk"), QStringLiteral("profile-pass")}};
        m_broker = std::make_unique<MosquittoBroker>(options);
        QVERIFY2(m_broker->start(), qPrintable(m_broker->errorString()));
        const QString clientId = QStringLiteral("serve-profile-test");
        {
            auto db = SqliteDatabase::open(m_cli.workspace(), SqliteDatabase::Access::ReadWrite);
            QVERIFY(db.ok());
            QVERIFY(
                db.value()
                    ->execute(QStringLiteral("INSERT INTO broker_profiles (name, url, "
                                             "settings_json, active) VALUES (?, ?, ?, 1)"),
                              {QStringLiteral("Lab"),
                               QStringLiteral("mqtt://127.0.0.1:%1").arg(m_broker->port()),
                               QStringLiteral("{\"username\":\"fleetdesk\",\"clientId\":\"%1\"}")
                                   .arg(clientId)})
                    .ok());
        }
        const QString passwordFile = m_dir->filePath(QStringLiteral("mqtt.pass"));
        QFile file(passwordFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("profile-pass\n");
        file.close();

        startServe({QStringLiteral("--profile"), QStringLiteral("Lab"),
                    QStringLiteral("--password-file"), passwordFile});
        QTRY_VERIFY2_WITH_TIMEOUT(subscriptionsOf(clientId) >= 3, qPrintable(diagnostics()), 15000);
        ::kill(static_cast<pid_t>(m_serve->processId()), SIGTERM);
        QVERIFY2(m_serve->waitForFinished(30000), qPrintable(diagnostics()));
        QVERIFY2(m_serve->exitCode() == 0, qPrintable(diagnostics()));
        const QString err = QString::fromUtf8(m_serve->readAllStandardError());
        QVERIFY2(
            err.contains(
                QStringLiteral("connected to mqtt://127.0.0.1:%1 (MQTT 5)").arg(m_broker->port())),
            qPrintable(err));
    }

    void unknownProfileIsNotFound()
    {
        const CliResult r = m_cli.run(
            {QStringLiteral("serve"), QStringLiteral("--profile"), QStringLiteral("Nope")});
        FLEETCTL_EXPECT_EXIT(r, 3);
        QVERIFY2(r.errText().contains(QStringLiteral("No broker profile is called 'Nope'")),
                 r.describe().constData());
    }

    void brokerAndProfileExcludeEachOther()
    {
        const CliResult r =
            m_cli.run({QStringLiteral("serve"), QStringLiteral("--profile"), QStringLiteral("Lab"),
                       QStringLiteral("--broker"), QStringLiteral("mqtt://127.0.0.1:1883")});
        FLEETCTL_EXPECT_EXIT(r, 2);
        QVERIFY2(r.errText().contains(QStringLiteral("not both")), r.describe().constData());
    }

    void unreachableBrokerFailsWithTcpError()
    {
        const quint16 closedPort = fleet::test::freeLoopbackPort();
        const CliResult r = m_cli.run({QStringLiteral("serve"), QStringLiteral("--broker"),
                                       QStringLiteral("mqtt://127.0.0.1:%1").arg(closedPort)},
                                      60000);
        FLEETCTL_EXPECT_EXIT(r, 1);
        QVERIFY2(r.errText().contains(QStringLiteral("TCP")), r.describe().constData());
    }

    void passwordFileMissing()
    {
        const CliResult r =
            m_cli.run({QStringLiteral("serve"), QStringLiteral("--broker"),
                       QStringLiteral("mqtt://127.0.0.1:1883"), QStringLiteral("--password-file"),
                       m_dir->filePath(QStringLiteral("no-such-file"))});
        FLEETCTL_EXPECT_EXIT(r, 3);
        QVERIFY2(r.errText().contains(QStringLiteral("password file")), r.describe().constData());
    }

    void brokerIsRequired()
    {
        const CliResult r = m_cli.run({QStringLiteral("serve")});
        FLEETCTL_EXPECT_EXIT(r, 2);
        QVERIFY2(r.errText().contains(QStringLiteral("--broker")), r.describe().constData());
    }

    void help()
    {
        const CliResult r = m_cli.run({QStringLiteral("serve"), QStringLiteral("--help")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        QVERIFY2(r.outText().contains(QStringLiteral("--broker URL")), r.describe().constData());
    }

private:
    void startServe(const QStringList &arguments)
    {
        m_serve = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_cli.home());
        env.insert(QStringLiteral("USER"), QStringLiteral("cli-tester"));
        env.remove(QStringLiteral("FLEETDESK_WORKSPACE"));
        m_serve->setProcessEnvironment(env);
        m_serve->start(
            QStringLiteral(FLEETCTL_PATH),
            QStringList{QStringLiteral("--workspace"), m_cli.workspace(), QStringLiteral("serve")} +
                arguments);
        QVERIFY(m_serve->waitForStarted(30000));
    }

    qint64 scalar(const QString &sql)
    {
        auto db = SqliteDatabase::open(m_cli.workspace(), SqliteDatabase::Access::ReadOnly);
        if (!db)
            return -1;
        auto value = db.value()->scalar(sql);
        return value ? value.value().toLongLong() : -1;
    }

    qsizetype subscriptionsOf(const QString &clientId) const
    {
        return m_broker->log().count(QStringLiteral("Received SUBSCRIBE from %1").arg(clientId));
    }

    qsizetype publishesSentTo(const QString &clientId) const
    {
        return m_broker->log().count(QStringLiteral("Sending PUBLISH to %1 ").arg(clientId));
    }

    QString diagnostics() const
    {
        QString text;
        if (m_serve)
            text += QStringLiteral("serve running: %1")
                        .arg(m_serve->state() == QProcess::NotRunning ? QStringLiteral("no")
                                                                      : QStringLiteral("yes"));
        if (m_broker)
            text += QStringLiteral("\nbroker log tail:\n") + m_broker->log().right(1500);
        return text;
    }

    FleetctlRunner m_cli;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MosquittoBroker> m_broker;
    std::unique_ptr<QProcess> m_serve;
};

QTEST_GUILESS_MAIN(TestFleetctlServe)
#include "tst_fleetctl_serve.moc"
