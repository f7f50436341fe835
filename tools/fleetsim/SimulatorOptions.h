#pragma once

#include "mqtt/MqttBrokerProfile.h"
#include "util/Result.h"

#include <QString>
#include <QStringList>

namespace fleet::sim {

// Everything fleetsim is told on its command line, checked. Tests fill it directly.
struct SimulatorOptions
{
    MqttBrokerProfile broker; // host, port, TLS, CA, credentials (client id set per device)
    QString caFile;           // trusted for the broker's TLS and for artifact downloads
    int count = 1;            // devices
    QString prefix = QStringLiteral("sim"); // device ids: <prefix>-000001 ...
    int firstIndex = 1;
    QString model = QStringLiteral("SIM-100");
    QString hwRevision = QStringLiteral("A1");
    QString firmware = QStringLiteral("1.0.0");
    int heartbeatIntervalMs = 60000;
    QString trustKeyFile; // PEM public key of the release key; updates need it
    quint64 seed = 1;
    int failDownloadPercent = 0;
    int badBootPercent = 0;
    int offlinePercent = 0;    // chance per heartbeat of dropping off without DISCONNECT
    int offlineDurationMs = 0; // how long such a device stays away (0: two heartbeat intervals)
    int slowLinkKbps = 0;      // download speed limit per device; 0: unlimited
    int rejectPercent = 0;
    QString stateDir;        // persists each device's boot counter, slots and jobs
    int durationSeconds = 0; // 0: until SIGINT/SIGTERM
    int connectsPerSecond = 200;
    int rebootDelayMs = 2000; // how long a simulated reboot keeps the device away
    int installStepMs = 300;  // pace of the simulated install steps
    int summaryIntervalMs = 10000;
    bool quiet = false;

    // Parses fleetsim's arguments (arguments[0] is the program name). --help is reported as
    // an Error of kind NotFound carrying the help text, so main() can print it and exit 0.
    static Result<SimulatorOptions> parse(const QStringList &arguments);
    static QString helpText();
    Status validate() const;

    QString deviceId(int index) const; // index from 0
};

} // namespace fleet::sim
