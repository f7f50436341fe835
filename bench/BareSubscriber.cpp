#include "BareSubscriber.h"

#include <mosquitto.h>
#include <mqtt_protocol.h>

namespace fleet::bench {

BareSubscriber::BareSubscriber()
{
    mosquitto_lib_init();
}

BareSubscriber::~BareSubscriber()
{
    stop();
}

void BareSubscriber::onMessage(mosquitto *, void *self, const mosquitto_message *)
{
    auto *s = static_cast<BareSubscriber *>(self);
    const SteadyTime now = std::chrono::steady_clock::now();
    if (s->m_received.load(std::memory_order_relaxed) == 0)
        s->m_first = now;
    s->m_last = now;
    s->m_received.fetch_add(1, std::memory_order_release);
}

bool BareSubscriber::start(quint16 port, const QByteArray &filter, int qos, QString *error)
{
    m_received.store(0);
    m_stop.store(false);
    m_subscribed.store(0);
    m_mosq = mosquitto_new(nullptr, true, this);
    if (!m_mosq) {
        *error = QStringLiteral("mosquitto_new failed");
        return false;
    }
    // MQTT 5 with libmosquitto's defaults, as MqttClient connects.
    mosquitto_int_option(m_mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_message_callback_set(m_mosq, &BareSubscriber::onMessage);
    mosquitto_subscribe_callback_set(m_mosq, [](mosquitto *, void *self, int, int, const int *) {
        static_cast<BareSubscriber *>(self)->m_subscribed.store(1);
    });
    int rc = mosquitto_connect(m_mosq, "127.0.0.1", port, 60);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_subscribe(m_mosq, nullptr, filter.constData(), qos);
    for (int i = 0; rc == MOSQ_ERR_SUCCESS && i < 100 && !m_subscribed.load(); ++i)
        rc = mosquitto_loop(m_mosq, 50, 1);
    if (rc != MOSQ_ERR_SUCCESS || !m_subscribed.load()) {
        *error = QStringLiteral("bare subscriber: %1")
                     .arg(rc != MOSQ_ERR_SUCCESS ? QString::fromUtf8(mosquitto_strerror(rc))
                                                 : QStringLiteral("no SUBACK within 5 s"));
        mosquitto_destroy(m_mosq);
        m_mosq = nullptr;
        return false;
    }
    m_thread = std::thread([this] {
        while (!m_stop.load(std::memory_order_relaxed))
            if (mosquitto_loop(m_mosq, 50, 1) != MOSQ_ERR_SUCCESS)
                break;
    });
    return true;
}

void BareSubscriber::stop()
{
    if (!m_mosq)
        return;
    m_stop.store(true);
    if (m_thread.joinable())
        m_thread.join();
    mosquitto_disconnect(m_mosq);
    mosquitto_destroy(m_mosq);
    m_mosq = nullptr;
}

} // namespace fleet::bench
