#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <optional>

namespace fleet::sim {

struct SimulatedDeviceState;

// The JSON payloads a device publishes (docs/device-protocol.md), envelope included. Kept apart
// from SimulatedDevice so the tests can check them against Fleetdesk's own parser.
class DeviceMessages
{
public:
    static constexpr auto agent = "fleetsim 1";

    struct Identity
    {
        QString deviceId;
        QString model;
        QString hwRevision;
        int index = 0; // for the MAC and IP addresses
    };

    static QByteArray presence(const QString &deviceId, qint64 seq, const QDateTime &ts,
                               bool online);
    static QByteArray inventory(const Identity &identity, const SimulatedDeviceState &state,
                                qint64 seq, const QDateTime &ts);
    static QByteArray heartbeat(qint64 seq, const QDateTime &ts, qint64 uptimeSeconds,
                                qint64 freeMemory, int signalDbm);
    // state is one of the progress or final states; percent only with downloading/installing,
    // reason with failed, rejected and rolled_back.
    static QByteArray jobReport(const QString &jobId, qint64 seq, const QDateTime &ts,
                                const QString &state, std::optional<int> percent = {},
                                const QString &reason = {});
    static bool isFinalState(const QString &state);
};

} // namespace fleet::sim
