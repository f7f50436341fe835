#pragma once

#include "engine/MqttEngineCounters.h"
#include "mqtt/MqttBrokerProfile.h"
#include "mqtt/MqttClient.h"
#include "mqtt/MqttError.h"
#include "util/Result.h"

#include <QList>
#include <QObject>
#include <QThread>
#include <functional>
#include <memory>

namespace fleet {

class Clock;
class MqttEngineWorker;
class SqliteDatabase;
class Workspace;

// The MQTT side of a workspace, shared by the window and `fleetctl serve`: one worker thread
// holding the MqttClient, the DeviceReportIngest, the JobDispatcher and their own connection to
// the workspace, so neither the socket nor the batched SQLite writes ever run on the caller's
// (GUI) thread. start()/stop() are called from the thread that owns the engine; everything the
// worker learns comes back as queued signals on that thread.
//
// Further per-connection components are added with
// addConnectionComponent(): each factory runs on the engine thread when a connection is set up
// and gets the client and the engine's workspace connection.
class MqttEngine : public QObject
{
    Q_OBJECT
public:
    // Builds a component that lives on the engine thread next to the client (e.g. a
    // JobDispatcher calling attach(client)). It is destroyed before the client on stop().
    using ConnectionComponentFactory =
        std::function<std::unique_ptr<QObject>(MqttClient &client, SqliteDatabase &db)>;

    // After a stop signal, messages already in the socket are read for at most this long.
    static constexpr int DrainLimitMs = 2000;
    // How long stop() waits for the worker to drain, flush and disconnect.
    static constexpr int DefaultStopTimeoutMs = 15000;

    // `workspace` and `clock` must outlive the engine; the worker opens its own connection.
    MqttEngine(const Workspace &workspace, const Clock &clock, QObject *parent = nullptr);
    ~MqttEngine() override;

    // Call before start(); applies from the next connection on.
    void addConnectionComponent(ConnectionComponentFactory factory);
    // How often the ingest writes its batch (default DeviceReportIngest::defaultFlushIntervalMs).
    void setFlushInterval(int ms);

    // Connects with `profile` (its password filled in by the caller). A running connection is
    // stopped first. Fails at once only for an invalid profile; connection progress and errors
    // arrive through stateChanged() and errorOccurred().
    Status start(const MqttBrokerProfile &profile);
    // Reads what is still in the socket (bounded by DrainLimitMs), writes every queued report,
    // disconnects and ends the thread, then returns; normally within milliseconds. Past
    // `timeoutMs` (a database locked by another writer) it warns and keeps waiting, because the
    // thread still holds reports and a connection to the workspace, and then returns an error
    // saying so. Also an error when the last batch could not be written.
    Status stop(int timeoutMs = DefaultStopTimeoutMs);
    // stop() without waiting, for the GUI thread: the same work runs on the engine thread and
    // stopped() reports its end. A later stop() or start() waits for it.
    void requestStop();
    bool isStopping() const { return m_stopOutcome != nullptr; }

    bool isRunning() const { return m_running; }
    MqttClient::State state() const { return m_state; }
    // 5 or 4 (MQTT 3.1.1) while connected, 0 otherwise.
    int protocolVersion() const { return m_protocolVersion; }
    // The URL of the profile last started (no credentials).
    QString url() const { return m_url; }
    MqttError lastError() const { return m_lastError; }
    bool hasError() const { return m_hasError; }
    MqttEngineCounters counters() const { return m_counters; }

signals:
    void stateChanged(fleet::MqttClient::State state, int protocolVersion);
    void errorOccurred(const fleet::MqttError &error);
    // After a drop or a failed reconnect attempt: the next attempt comes in `delayMs`.
    void reconnectScheduled(int delayMs);
    // A batch of reports was committed; the ids of the devices it changed.
    void batchCommitted(int messages, const QList<qint64> &changedDeviceIds);
    void rejected(const QString &deviceUid, const QString &reason);
    // Job rows whose state changed: sent, timed out, or progress reported by the device.
    void jobsChanged(const QList<qint64> &jobRows);
    void countersChanged(const fleet::MqttEngineCounters &counters);
    // requestStop() has finished; `problem` says what went wrong (empty when nothing did).
    void stopped(const QString &problem);

private:
    void beginShutDown();
    Status finishStop(bool timedOut, int timeoutMs);
    void onWorkerState(MqttClient::State state, int protocolVersion);

    const Workspace &m_workspace;
    const Clock &m_clock;
    QList<ConnectionComponentFactory> m_factories;
    int m_flushIntervalMs;
    std::unique_ptr<QThread> m_thread;
    MqttEngineWorker *m_worker = nullptr; // lives on m_thread, deleted when it finishes
    bool m_running = false;
    std::shared_ptr<QString> m_stopOutcome; // set while the worker shuts down
    MqttClient::State m_state = MqttClient::State::Disconnected;
    int m_protocolVersion = 0;
    QString m_url;
    MqttError m_lastError;
    bool m_hasError = false;
    MqttEngineCounters m_counters;
};

} // namespace fleet
