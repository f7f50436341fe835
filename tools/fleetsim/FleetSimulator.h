#pragma once

#include "SimulatedDevice.h"
#include "SimulatorOptions.h"

#include <QElapsedTimer>
#include <QMap>
#include <QNetworkAccessManager>
#include <QObject>
#include <QTimer>
#include <memory>
#include <vector>

namespace fleet::sim {

// Runs a fleet of SimulatedDevices in one process: starts them at --connect-rate per second so
// the broker is not flooded, keeps counts for the periodic summary and shuts them all down
// cleanly.
class FleetSimulator : public QObject
{
    Q_OBJECT
public:
    struct Stats
    {
        int devices = 0;
        int started = 0;
        int online = 0;
        int stopped = 0;
        QMap<QString, int> jobResults; // final state -> count
        int duplicateJobs = 0;
        int problems = 0;
    };

    explicit FleetSimulator(SimulatorOptions options, QObject *parent = nullptr);
    ~FleetSimulator() override;

    // Reads the CA and trust key files and begins starting devices.
    Status start();
    // Every device says goodbye and disconnects; emits allStopped once they have (or after a
    // bounded wait).
    void shutDown();

    const SimulatorOptions &options() const { return m_options; }
    int deviceCount() const { return static_cast<int>(m_devices.size()); }
    SimulatedDevice *device(int index) const
    {
        return m_devices.at(static_cast<size_t>(index)).get();
    }
    const Stats &stats() const { return m_stats; }
    QString summaryLine() const;

    // Raises RLIMIT_NOFILE to its hard limit; returns a warning when even that is too low for
    // this many devices (one descriptor each plus a fixed few), empty otherwise.
    static QString raiseFileLimit(int devices);

signals:
    void summary(const QString &line);
    void problem(const QString &message);
    void allStopped();

private:
    void startSome();

    SimulatorOptions m_options;
    QNetworkAccessManager m_network;
    DeviceEnvironment m_environment;
    std::vector<std::unique_ptr<SimulatedDevice>> m_devices;
    int m_nextToStart = 0;
    QTimer m_starter;
    QTimer m_summary;
    Stats m_stats;
    bool m_shuttingDown = false;
    int m_problemsLogged = 0;
};

} // namespace fleet::sim
