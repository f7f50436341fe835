#pragma once

#include "rollout/RolloutEngine.h"
#include "util/Result.h"

#include <QObject>
#include <QTimer>
#include <QUrl>
#include <memory>

namespace fleet {

class AuditLog;
class Clock;
class DriftScanner;
class EngineLease;
class JobRolloutTransport;
class SqliteDatabase;

// Runs the rollout engine on a timer, on the thread it lives on, with a connection of its own:
// what `fleetctl serve` and the window's engine thread run. Each tick takes (or renews) the
// engine lease first, so of several processes on one workspace exactly one starts devices.
class RolloutEngineRunner : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        int intervalMs = 1000;
        QString holder = QStringLiteral("fleetdesk");
        // Where MQTT devices download from; empty: the update server's public URL setting.
        QUrl artifactBaseUrl;
        // Used when neither the option above nor the settings give one (the update server
        // this process runs).
        QUrl fallbackArtifactBaseUrl;
        QString tenant = QStringLiteral("default");
        // Devices compared for drift per tick (DriftScanner); 0 turns the scan off.
        int driftDevicesPerTick = 500;
    };

    RolloutEngineRunner(QString workspacePath, const Clock &clock, Options options,
                        QObject *parent = nullptr);
    ~RolloutEngineRunner() override;

    // Opens the connection and starts ticking. Call on the runner's thread.
    Status start();
    // Stops ticking and gives the lease back.
    void stop();
    bool holdsLease() const { return m_holdsLease; }

public slots:
    // One tick now (the timer calls it).
    void tickNow();

signals:
    void ticked(const fleet::RolloutTickReport &report);
    void problem(const QString &message);
    // Another process holds the lease (`holder` says who), or this one took it.
    void leaseChanged(bool held, const QString &holder);

private:
    void tickEngine();

    QString m_workspacePath;
    const Clock &m_clock;
    Options m_options;
    QTimer m_timer;
    std::unique_ptr<SqliteDatabase> m_db;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<JobRolloutTransport> m_transport;
    std::unique_ptr<RolloutEngine> m_engine;
    std::unique_ptr<EngineLease> m_lease;
    std::unique_ptr<DriftScanner> m_drift;
    bool m_holdsLease = false;
    bool m_leaseKnown = false; // leaseChanged() was emitted since start()
    qint64 m_renewedMs = 0;
};

} // namespace fleet

Q_DECLARE_METATYPE(fleet::RolloutTickReport)
