#include "mqtt/MqttConnectionTest.h"

#include "mqtt/MqttClient.h"

#include <QTimer>

namespace fleet {

QString MqttConnectionTest::Outcome::summary() const
{
    if (ok)
        return QStringLiteral("Connected with MQTT %1.")
            .arg(protocolVersion == 5 ? QStringLiteral("5") : QStringLiteral("3.1.1"));
    return QStringLiteral("%1 failed: %2").arg(MqttError::stageName(error.stage), error.message);
}

MqttConnectionTest::MqttConnectionTest(QObject *parent)
    : QObject(parent)
{}

MqttConnectionTest::~MqttConnectionTest() = default;

void MqttConnectionTest::start(const MqttBrokerProfile &profile)
{
    m_client.reset();
    if (Status valid = profile.validate(); !valid) {
        // Reported asynchronously like every other outcome, so callers need one code path.
        const MqttError error{MqttError::Stage::Other, valid.message()};
        QTimer::singleShot(0, this, [this, error] { emit finished({false, error, 0}); });
        return;
    }
    m_client = std::make_unique<MqttClient>(profile);
    MqttClient *client = m_client.get();
    connect(client, &MqttClient::errorOccurred, this, [this](const MqttError &error) {
        finish({false, error, 0});
    });
    connect(client, &MqttClient::stateChanged, this, [this, client](MqttClient::State state) {
        if (state == MqttClient::State::Connected)
            finish({true, {}, client->negotiatedProtocolVersion()});
    });
    if (Status started = client->connectToBroker(); !started)
        finish({false, {MqttError::Stage::Other, started.message()}, 0});
}

void MqttConnectionTest::finish(const Outcome &outcome)
{
    if (!m_client)
        return;
    // The client is deleted later: finish() runs inside one of its signals.
    MqttClient *client = m_client.release();
    client->disconnectFromBroker();
    client->deleteLater();
    emit finished(outcome);
}

} // namespace fleet
