#pragma once

#include "HeartbeatPublisher.h"

#include <QString>
#include <atomic>
#include <thread>

struct mosquitto;
struct mosquitto_message;

namespace fleet::bench {

// The reference: the least any libmosquitto application has to do to receive the stream. It
// subscribes like Fleetdesk (MQTT 5, the same filter and QoS), runs mosquitto_loop on a
// thread of its own and only counts, remembering when the first and the last message came.
class BareSubscriber
{
public:
    BareSubscriber();
    ~BareSubscriber();
    BareSubscriber(const BareSubscriber &) = delete;
    BareSubscriber &operator=(const BareSubscriber &) = delete;

    // Connects, subscribes to `filter` at `qos`, waits for the SUBACK and starts the loop thread.
    bool start(quint16 port, const QByteArray &filter, int qos, QString *error);
    void stop();

    qint64 received() const { return m_received.load(std::memory_order_acquire); }
    SteadyTime firstAt() const { return m_first; }
    SteadyTime lastAt() const { return m_last; } // read after received() reached the total

private:
    static void onMessage(mosquitto *, void *self, const mosquitto_message *message);

    mosquitto *m_mosq = nullptr;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_subscribed{0};
    std::atomic<qint64> m_received{0};
    SteadyTime m_first;
    SteadyTime m_last;
};

} // namespace fleet::bench
