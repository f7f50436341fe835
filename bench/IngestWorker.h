#pragma once

#include "HeartbeatPublisher.h"

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

namespace fleet {
class MqttClient;
class DeviceReportIngest;
class SqliteDatabase;
class SystemClock;
class Workspace;
} // namespace fleet

namespace fleet::bench {

// The measured path, as the GUI runs it: MqttClient and DeviceReportIngest on a worker
// thread with the ingest's own workspace connection. Lives on that thread; the main thread
// calls it through blocking queued invocations and reads the atomics.
class IngestWorker : public QObject
{
    Q_OBJECT
public:
    // `writerThread`: the ingest writes on a thread of its own, as the application runs it.
    IngestWorker(const Workspace &workspace, quint16 port, int qos, bool writerThread = true);
    ~IngestWorker() override;

    // On the worker thread: opens the connection, connects and subscribes. ready() is
    // emitted once every subscription is acknowledged, failed() otherwise.
    Q_INVOKABLE void start();
    // On the worker thread: disconnects and frees everything (flushing what is queued).
    Q_INVOKABLE void stop();

    qint64 committed() const { return m_committed.load(std::memory_order_acquire); }
    // When the batch that brought committed() to `target` was committed.
    SteadyTime doneAt() const { return m_doneAt; }
    // When the client delivered the target's last message to the ingest (read after doneAt()).
    SteadyTime receivedAllAt() const { return m_receivedAllAt; }
    void setTarget(qint64 target) { m_target.store(target); }
    qint64 received() const { return m_received.load(std::memory_order_relaxed); }
    // CPU time the worker thread used from start() until the target was committed.
    double cpuSeconds() const { return m_cpuSeconds; }
    // The same for the ingest's writer thread (0 without one).
    double writerCpuSeconds() const { return m_writerCpuSeconds; }
    qint64 rejected() const { return m_rejectedCount.load(); }
    qint64 duplicates() const { return m_duplicates.load(); }

signals:
    void ready();
    void failed(const QString &reason);
    // Forwarded from the ingest, for the GUI thread to consume as the models would.
    void batchCommitted(int messages, const QList<qint64> &changedDeviceIds);

private:
    const Workspace &m_workspace;
    quint16 m_port;
    int m_qos;
    bool m_writerThread;
    std::unique_ptr<SystemClock> m_clock;
    std::unique_ptr<SqliteDatabase> m_db;
    std::unique_ptr<DeviceReportIngest> m_ingest;
    std::unique_ptr<MqttClient> m_client;
    int m_subscribed = 0;
    std::atomic<qint64> m_committed{0};
    std::atomic<qint64> m_target{0};
    std::atomic<qint64> m_received{0};
    std::atomic<qint64> m_rejectedCount{0};
    std::atomic<qint64> m_duplicates{0};
    SteadyTime m_doneAt;
    SteadyTime m_receivedAllAt;
    double m_cpuAtStart = 0;
    double m_cpuSeconds = 0;
    double m_writerCpuSeconds = 0;
};

} // namespace fleet::bench
