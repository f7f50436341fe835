#include "HeartbeatPublisher.h"

#include <QDateTime>
#include <cstdio>
#include <mosquitto.h>

namespace fleet::bench {

namespace {

// The examples' boot counter: seq = boot × 2³² + messages since boot.
constexpr quint64 FirstSeq = quint64(1) << 32;

QString mosquittoText(int rc)
{
    return QString::fromUtf8(mosquitto_strerror(rc));
}

} // namespace

HeartbeatPublisher::HeartbeatPublisher(std::vector<QByteArray> deviceUids, int inflightWindow)
    : m_uids(std::move(deviceUids))
    , m_seq(m_uids.size(), FirstSeq)
    , m_inflightWindow(inflightWindow)
    , m_timestamp(QDateTime::currentDateTimeUtc()
                      .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"))
                      .toUtf8())
{
    m_topics.reserve(m_uids.size());
    for (const QByteArray &uid : m_uids)
        m_topics.push_back("fleet/v1/devices/" + uid + "/heartbeat");
    mosquitto_lib_init();
}

HeartbeatPublisher::~HeartbeatPublisher()
{
    disconnect();
}

void HeartbeatPublisher::onPublish(mosquitto *, void *self, int)
{
    static_cast<HeartbeatPublisher *>(self)->m_acked.fetch_add(1, std::memory_order_relaxed);
}

bool HeartbeatPublisher::connectTo(quint16 port, QString *error)
{
    m_mosq = mosquitto_new(nullptr, true, this);
    if (!m_mosq) {
        *error = QStringLiteral("mosquitto_new failed");
        return false;
    }
    mosquitto_publish_callback_set(m_mosq, &HeartbeatPublisher::onPublish);
    mosquitto_connect_callback_set(m_mosq, [](mosquitto *, void *self, int rc) {
        static_cast<HeartbeatPublisher *>(self)->m_connected = rc == 0;
    });
    mosquitto_max_inflight_messages_set(m_mosq, static_cast<unsigned>(m_inflightWindow));
    // The socket is driven by pump() on this thread: no libmosquitto thread.
    const int rc = mosquitto_connect(m_mosq, "127.0.0.1", port, 60);
    if (rc != MOSQ_ERR_SUCCESS) {
        *error = QStringLiteral("publisher cannot connect: %1").arg(mosquittoText(rc));
        return false;
    }
    // mosquitto_connect only sent CONNECT; wait for the CONNACK so timing starts connected.
    for (int i = 0; i < 100 && !m_connected; ++i) {
        if (!pump(50, error))
            return false;
    }
    if (!m_connected)
        *error = QStringLiteral("publisher: no CONNACK within 5 s");
    return m_connected;
}

bool HeartbeatPublisher::pump(int timeoutMs, QString *error)
{
    const int rc = mosquitto_loop(m_mosq, timeoutMs, 1);
    if (rc != MOSQ_ERR_SUCCESS) {
        *error = QStringLiteral("publisher connection failed: %1").arg(mosquittoText(rc));
        return false;
    }
    return true;
}

int HeartbeatPublisher::buildPayload(size_t device, char *out, size_t size)
{
    const quint64 seq = m_seq[device]++;
    const quint64 uptime = 900 + (seq - FirstSeq) * 60;
    // One device in 50 has a warning, so health is not the same for everyone.
    const char *plc = device % 50 == 0 ? "warn" : "ok";
    const int n = std::snprintf(
        out, size,
        "{\"v\":1,\"seq\":%llu,\"ts\":\"%s\",\"uptime_s\":%llu,\"free_memory_bytes\":%llu,"
        "\"signal_dbm\":%d,\"checks\":[{\"name\":\"disk\",\"status\":\"ok\"},"
        "{\"name\":\"plc-link\",\"status\":\"%s\"}]}",
        static_cast<unsigned long long>(seq), m_timestamp.constData(),
        static_cast<unsigned long long>(uptime),
        static_cast<unsigned long long>(183500800 + (device % 1000) * 4096), -40 - int(device % 60),
        plc);
    return n;
}

bool HeartbeatPublisher::publish(qint64 count, int qos, QString *error)
{
    char payload[512];
    m_acked.store(0);
    qint64 sent = 0;
    m_payloadBytes = 0;
    m_firstPublishAt = std::chrono::steady_clock::now();
    for (qint64 i = 0; i < count; ++i) {
        const size_t device = m_next;
        m_next = (m_next + 1) % m_uids.size();
        const int length = buildPayload(device, payload, sizeof payload);
        m_payloadBytes += length;
        // Without a loop thread libmosquitto writes at once; what the socket does not take
        // stays queued in the library and is written by pump().
        const int rc = mosquitto_publish(m_mosq, nullptr, m_topics[device].constData(), length,
                                         payload, qos, false);
        if (rc != MOSQ_ERR_SUCCESS) {
            *error = QStringLiteral("publish failed: %1").arg(mosquittoText(rc));
            return false;
        }
        ++sent;
        if (qos == 0) {
            while (mosquitto_want_write(m_mosq))
                if (!pump(100, error))
                    return false;
        } else {
            while (sent - m_acked.load(std::memory_order_relaxed) >= m_inflightWindow)
                if (!pump(100, error))
                    return false;
        }
    }
    m_lastPublishAt = std::chrono::steady_clock::now();
    if (qos > 0) {
        while (m_acked.load() < sent)
            if (!pump(100, error))
                return false;
    } else {
        while (mosquitto_want_write(m_mosq))
            if (!pump(100, error))
                return false;
    }
    return true;
}

void HeartbeatPublisher::disconnect()
{
    if (!m_mosq)
        return;
    mosquitto_disconnect(m_mosq);
    mosquitto_destroy(m_mosq);
    m_mosq = nullptr;
}

} // namespace fleet::bench
