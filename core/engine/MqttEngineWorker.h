#pragma once

#include "engine/MqttEngine.h"
#include "mqtt/MqttReconnectBackoff.h"

#include <QElapsedTimer>
#include <QTimer>
#include <memory>
#include <vector>

namespace fleet {

class DeviceReportIngest;
class JobDispatcher;
class LivenessSweeper;

// MqttEngine's half on the engine thread: owns the workspace connection, the ingest, the client
// and the per-connection components, in that order of construction (and the reverse order of
// destruction). Only MqttEngine uses it; every method runs on the engine thread.
class MqttEngineWorker : public QObject
{
    Q_OBJECT
public:
    MqttEngineWorker(const Workspace &workspace, const Clock &clock,
                     QList<MqttEngine::ConnectionComponentFactory> factories, int flushIntervalMs);
    ~MqttEngineWorker() override;

    void connectTo(const MqttBrokerProfile &profile);
    // Drains the socket (bounded), disconnects, writes the last batch, tears everything down and
    // ends the thread. `outcome` receives an error message, or stays empty.
    void shutDown(std::shared_ptr<QString> outcome);

signals:
    void stateChanged(fleet::MqttClient::State state, int protocolVersion);
    void errorOccurred(const fleet::MqttError &error);
    void reconnectScheduled(int delayMs);
    void batchCommitted(int messages, const QList<qint64> &changedDeviceIds);
    void rejected(const QString &deviceUid, const QString &reason);
    void jobsChanged(const QList<qint64> &jobRows);
    void countersChanged(const fleet::MqttEngineCounters &counters);

private:
    Status setUp(const MqttBrokerProfile &profile);
    void onClientState(MqttClient::State state);
    void onClientError(const MqttError &error);
    void drainStep();
    void finishShutDown();
    void publishCounters();
    void tearDown();

    const Workspace &m_workspace;
    const Clock &m_clock;
    QList<MqttEngine::ConnectionComponentFactory> m_factories;
    int m_flushIntervalMs;

    std::unique_ptr<SqliteDatabase> m_db;
    std::unique_ptr<DeviceReportIngest> m_ingest;
    std::unique_ptr<MqttClient> m_client;
    std::unique_ptr<JobDispatcher> m_jobs;
    std::unique_ptr<LivenessSweeper> m_liveness;
    std::vector<std::unique_ptr<QObject>> m_components;

    // The client's reconnect delays, mirrored (same class, same inputs, no jitter) because the
    // client does not publish them and the status bar wants "reconnecting in N s".
    MqttReconnectBackoff m_backoff;
    MqttEngineCounters m_counters;
    MqttEngineCounters m_lastPublished;
    QTimer m_countersTimer;

    bool m_shuttingDown = false;
    std::shared_ptr<QString> m_shutDownOutcome;
    QTimer m_drainTimer;
    QElapsedTimer m_draining;
    qint64 m_messagesAtLastPass = -1;
    int m_quietPasses = 0;
};

} // namespace fleet
