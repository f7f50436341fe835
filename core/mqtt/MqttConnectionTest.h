#pragma once

#include "mqtt/MqttBrokerProfile.h"
#include "mqtt/MqttError.h"

#include <QObject>
#include <memory>

namespace fleet {

class MqttClient;

// What a "Test connection" button runs: one connection attempt with a profile, reporting the
// first stage that failed (DNS, TCP, TLS handshake, authentication) or, on success, the MQTT
// version the broker accepted. Never retries and never blocks; the answer arrives in finished().
class MqttConnectionTest : public QObject
{
    Q_OBJECT
public:
    struct Outcome
    {
        bool ok = false;
        MqttError error;         // when !ok
        int protocolVersion = 0; // when ok: 5, or 4 for MQTT 3.1.1
        // One line for the user, e.g. "Connected with MQTT 5." or "TLS handshake failed: ...".
        QString summary() const;
    };

    explicit MqttConnectionTest(QObject *parent = nullptr);
    ~MqttConnectionTest() override;

    // Starts the attempt; an invalid profile finishes at once (still through finished()).
    void start(const MqttBrokerProfile &profile);
    bool isRunning() const { return m_client != nullptr; }

signals:
    void finished(const fleet::MqttConnectionTest::Outcome &outcome);

private:
    void finish(const Outcome &outcome);

    std::unique_ptr<MqttClient> m_client;
};

} // namespace fleet

Q_DECLARE_METATYPE(fleet::MqttConnectionTest::Outcome)
