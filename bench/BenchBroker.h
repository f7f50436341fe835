#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <memory>

namespace fleet::bench {

// A /usr/sbin/mosquitto of its own on a free loopback port, configured for throughput
// measurements: anonymous, no persistence, and only errors and warnings logged (the test
// broker in tests/support logs every message, which would measure its log file). The process
// is killed when this object goes away.
class BenchBroker
{
public:
    struct Options
    {
        // Queued messages per client beyond those in flight; 0 = no limit. mosquitto's own
        // default (1000) drops messages for a subscriber that falls behind a fast publisher.
        int maxQueuedMessages = 0;
        // QoS 1/2 messages in flight to one client (the client's MQTT 5 receive maximum still
        // applies on top).
        int maxInflightMessages = 100;
    };

    explicit BenchBroker(Options options);
    ~BenchBroker();
    BenchBroker(const BenchBroker &) = delete;
    BenchBroker &operator=(const BenchBroker &) = delete;

    // Starts the broker and waits (at most 5 s) until it accepts connections.
    bool start();
    void stop();

    quint16 port() const { return m_port; }
    QString errorString() const { return m_error; }
    // "mosquitto version 2.0.11", from the binary.
    static QString version();
    // What the broker logged (errors and warnings only).
    QString log() const;

private:
    Options m_options;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace fleet::bench
