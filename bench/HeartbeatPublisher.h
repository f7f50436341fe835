#pragma once

#include <QByteArray>
#include <QString>
#include <atomic>
#include <chrono>
#include <vector>

struct mosquitto;

namespace fleet::bench {

using SteadyTime = std::chrono::steady_clock::time_point;

// Simulates a fleet: publishes heartbeats (docs/device-protocol.md) round-robin over the
// devices' topics with libmosquitto directly, as fast as the broker takes them. Blocking; run
// it on a thread of its own. Flow control is the broker's: at QoS 0 the next message waits
// until the socket accepted the previous ones, at QoS 1 until fewer than `inflightWindow`
// messages are unacknowledged. Each device's seq only ever grows, across runs too.
class HeartbeatPublisher
{
public:
    HeartbeatPublisher(std::vector<QByteArray> deviceUids, int inflightWindow);
    ~HeartbeatPublisher();
    HeartbeatPublisher(const HeartbeatPublisher &) = delete;
    HeartbeatPublisher &operator=(const HeartbeatPublisher &) = delete;

    // Connects (MQTT 3.1.1, clean session) and waits for the CONNACK.
    bool connectTo(quint16 port, QString *error);
    // Publishes `count` heartbeats at `qos`, starting with the device after the last one used.
    // Returns once every message was written (QoS 0) or acknowledged (QoS 1).
    bool publish(qint64 count, int qos, QString *error);
    void disconnect();

    // When the first message of the last publish() call was handed to libmosquitto.
    SteadyTime firstPublishAt() const { return m_firstPublishAt; }
    SteadyTime lastPublishAt() const { return m_lastPublishAt; }
    qint64 payloadBytes() const { return m_payloadBytes; }

private:
    static void onPublish(mosquitto *, void *self, int mid);
    bool pump(int timeoutMs, QString *error);
    int buildPayload(size_t device, char *out, size_t size);

    std::vector<QByteArray> m_uids;
    std::vector<QByteArray> m_topics;
    std::vector<quint64> m_seq;
    size_t m_next = 0;
    int m_inflightWindow;
    mosquitto *m_mosq = nullptr;
    std::atomic<qint64> m_acked{0};
    bool m_connected = false;
    QByteArray m_timestamp;
    SteadyTime m_firstPublishAt;
    SteadyTime m_lastPublishAt;
    qint64 m_payloadBytes = 0;
};

} // namespace fleet::bench
