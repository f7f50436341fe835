// MqttEngine against a real mosquitto: what a plain client publishes ends up in the workspace
// (written on the engine thread), stop() writes what is still queued, the state follows the
// connection and further components are attached on the engine thread.
#include "MosquittoBroker.h"
#include "TestWorkspace.h"
#include "engine/MqttEngine.h"
#include "ingest/DeviceReportIngest.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <atomic>

using namespace fleet;
using fleet::test::MosquittoBroker;
using fleet::test::TestWorkspace;

namespace {

// Devices are discovered from their inventory report (docs/device-protocol.md).
QByteArray inventory(qint64 seq)
{
    return QJsonDocument(
               QJsonObject{{QStringLiteral("v"), 1},
                           {QStringLiteral("seq"), seq},
                           {QStringLiteral("ts"), QStringLiteral("2026-03-02T08:00:01.250Z")},
                           {QStringLiteral("model"), QStringLiteral("NW-EG4100")},
                           {QStringLiteral("hw_revision"), QStringLiteral("C1")},
                           {QStringLiteral("firmware"),
                            QJsonObject{{QStringLiteral("version"), QStringLiteral("4.2.0")}}}})
        .toJson(QJsonDocument::Compact);
}

QString inventoryTopic(int i)
{
    return QStringLiteral("fleet/v1/devices/engine-%1/inventory").arg(i, 3, 10, QLatin1Char('0'));
}

qint64 deviceCount(const QString &path)
{
    auto db = SqliteDatabase::open(path, SqliteDatabase::Access::ReadOnly);
    if (!db)
        return -1;
    auto n = db.value()->scalar(QStringLiteral("SELECT count(*) FROM devices"));
    return n ? n.value().toLongLong() : -1;
}

} // namespace

class TestMqttEngine : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_broker = std::make_unique<MosquittoBroker>();
        QVERIFY2(m_broker->start(), qPrintable(m_broker->errorString()));
    }

    void cleanup() { m_broker.reset(); }

    void publishedReportsReachTheWorkspace()
    {
        TestWorkspace ws;
        MqttEngine engine(ws.session().workspace(), ws.clock());
        QSignalSpy states(&engine, &MqttEngine::stateChanged);
        QSignalSpy batches(&engine, &MqttEngine::batchCommitted);
        QVERIFY(engine.start(profile()).ok());
        QTRY_COMPARE_WITH_TIMEOUT(engine.state(), MqttClient::State::Connected, 15000);
        QCOMPARE(engine.protocolVersion(), 5);
        QVERIFY(engine.url().endsWith(QString::number(m_broker->port())));
        // The ingest subscribed before CONNACK handling finished: wait for the broker to say so.
        QTRY_VERIFY_WITH_TIMEOUT(m_broker->log().contains(QStringLiteral("Received SUBSCRIBE")),
                                 10000);

        MqttClient device(profile());
        QVERIFY(device.connectToBroker().ok());
        QTRY_COMPARE_WITH_TIMEOUT(device.state(), MqttClient::State::Connected, 15000);
        for (int i = 0; i < 5; ++i)
            QVERIFY(device.publish(inventoryTopic(i), inventory(1), 1).ok());

        QTRY_COMPARE_WITH_TIMEOUT(deviceCount(ws.path()), qint64(5), 15000);
        const auto changedDevices = [&batches] {
            qsizetype changed = 0;
            for (const QList<QVariant> &batch : std::as_const(batches))
                changed += batch.at(1).value<QList<qint64>>().size();
            return changed;
        };
        // The batch signal crosses from the engine thread: it may arrive after the commit.
        QTRY_COMPARE_WITH_TIMEOUT(changedDevices(), qsizetype(5), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(engine.counters().messages, qint64(5), 5000);

        QVERIFY(engine.stop().ok());
        QCOMPARE(engine.state(), MqttClient::State::Disconnected);
        QVERIFY(!states.isEmpty());
        QCOMPARE(states.last().at(0).value<MqttClient::State>(), MqttClient::State::Disconnected);
        device.disconnectFromBroker();
    }

    void stopWritesWhatIsStillQueued()
    {
        TestWorkspace ws;
        MqttEngine engine(ws.session().workspace(), ws.clock());
        // A batch interval far beyond the test: only stop() can write these reports.
        engine.setFlushInterval(10 * 60 * 1000);
        QVERIFY(engine.start(profile()).ok());
        QTRY_COMPARE_WITH_TIMEOUT(engine.state(), MqttClient::State::Connected, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(m_broker->log().contains(QStringLiteral("Received SUBSCRIBE")),
                                 10000);

        MqttClient device(profile());
        QVERIFY(device.connectToBroker().ok());
        QTRY_COMPARE_WITH_TIMEOUT(device.state(), MqttClient::State::Connected, 15000);
        for (int i = 0; i < 3; ++i)
            QVERIFY(device.publish(inventoryTopic(i), inventory(1), 1).ok());
        QTRY_COMPARE_WITH_TIMEOUT(engine.counters().messages, qint64(3), 15000);
        QCOMPARE(deviceCount(ws.path()), qint64(0));

        QSignalSpy batches(&engine, &MqttEngine::batchCommitted);
        QVERIFY(engine.stop().ok());
        QCOMPARE(deviceCount(ws.path()), qint64(3));
        // The last batch is announced before stop() returns.
        QCOMPARE(batches.size(), 1);
        QCOMPARE(batches.first().at(1).value<QList<qint64>>().size(), 3);
        device.disconnectFromBroker();
    }

    void requestStopFinishesInTheBackground()
    {
        TestWorkspace ws;
        MqttEngine engine(ws.session().workspace(), ws.clock());
        engine.setFlushInterval(10 * 60 * 1000);
        QVERIFY(engine.start(profile()).ok());
        QTRY_COMPARE_WITH_TIMEOUT(engine.state(), MqttClient::State::Connected, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(m_broker->log().contains(QStringLiteral("Received SUBSCRIBE")),
                                 10000);
        MqttClient device(profile());
        QVERIFY(device.connectToBroker().ok());
        QTRY_COMPARE_WITH_TIMEOUT(device.state(), MqttClient::State::Connected, 15000);
        QVERIFY(device.publish(inventoryTopic(1), inventory(1), 1).ok());
        QTRY_COMPARE_WITH_TIMEOUT(engine.counters().messages, qint64(1), 15000);

        QSignalSpy stopped(&engine, &MqttEngine::stopped);
        engine.requestStop();
        QVERIFY(engine.isStopping());
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 15000);
        QCOMPARE(stopped.first().at(0).toString(), QString());
        QVERIFY(!engine.isRunning());
        QVERIFY(!engine.isStopping());
        QCOMPARE(engine.state(), MqttClient::State::Disconnected);
        QCOMPARE(deviceCount(ws.path()), qint64(1));
        QVERIFY(engine.stop().ok()); // nothing left to stop
        device.disconnectFromBroker();
    }

    void closedPortFailsWithTcpStage()
    {
        TestWorkspace ws;
        MqttEngine engine(ws.session().workspace(), ws.clock());
        QSignalSpy errors(&engine, &MqttEngine::errorOccurred);
        MqttBrokerProfile closed = profile();
        const quint16 port = m_broker->port();
        m_broker.reset(); // nothing listens there any more
        closed.port = port;
        QVERIFY(engine.start(closed).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), 20000);
        QCOMPARE(errors.first().at(0).value<MqttError>().stage, MqttError::Stage::Tcp);
        QTRY_COMPARE_WITH_TIMEOUT(engine.state(), MqttClient::State::Disconnected, 5000);
        QVERIFY(engine.hasError());
        QVERIFY(engine.stop().ok());
    }

    void componentsRunOnTheEngineThread()
    {
        TestWorkspace ws;
        MqttEngine engine(ws.session().workspace(), ws.clock());
        std::atomic<QThread *> componentThread{nullptr};
        std::atomic<bool> destroyed{false};
        engine.addConnectionComponent(
            [&](MqttClient &client, SqliteDatabase &) -> std::unique_ptr<QObject> {
                componentThread = QThread::currentThread();
                if (!client.subscribe(QStringLiteral("fleet/v1/devices/+/jobs/+/status"), 1).ok())
                    return nullptr;
                auto component = std::make_unique<QObject>();
                connect(component.get(), &QObject::destroyed, [&destroyed] { destroyed = true; });
                return component;
            });
        QVERIFY(engine.start(profile()).ok());
        QTRY_COMPARE_WITH_TIMEOUT(engine.state(), MqttClient::State::Connected, 15000);
        QVERIFY(componentThread.load() != nullptr);
        QVERIFY(componentThread.load() != QThread::currentThread());
        QTRY_VERIFY_WITH_TIMEOUT(
            m_broker->log().contains(QStringLiteral("fleet/v1/devices/+/jobs/+/status")), 10000);
        QVERIFY(engine.stop().ok());
        QVERIFY(destroyed.load());
    }

    void invalidProfileIsRefusedAtOnce()
    {
        TestWorkspace ws;
        MqttEngine engine(ws.session().workspace(), ws.clock());
        MqttBrokerProfile bad;
        const Status started = engine.start(bad);
        QVERIFY(!started.ok());
        QVERIFY(!engine.isRunning());
    }

private:
    MqttBrokerProfile profile() const
    {
        return MqttBrokerProfile::fromUrl(
                   QStringLiteral("mqtt://127.0.0.1:%1").arg(m_broker->port()))
            .value();
    }

    std::unique_ptr<MosquittoBroker> m_broker;
};

QTEST_GUILESS_MAIN(TestMqttEngine)
#include "tst_mqttengine.moc"
