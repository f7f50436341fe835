#pragma once

#include "util/Result.h"

#include <QString>

namespace fleet {

// One MQTT topic of the device protocol (docs/device-protocol.md):
//   fleet/v1/devices/{deviceId}/presence | inventory | heartbeat | jobs
//   fleet/v1/devices/{deviceId}/jobs/{jobId}/progress | result
// Parsing is strict because the topic is the device's identity as the broker's ACL enforced it:
// anything that is not exactly one of these shapes is refused rather than guessed at.
class DeviceTopic
{
public:
    enum class Channel {
        Presence,    // device -> Fleetdesk, retained birth / last will
        Inventory,   // device -> Fleetdesk, retained
        Heartbeat,   // device -> Fleetdesk
        Jobs,        // Fleetdesk -> device
        JobProgress, // device -> Fleetdesk, non-final job states
        JobResult,   // device -> Fleetdesk, final job states
    };

    static constexpr int protocolVersion = 1;
    static constexpr qsizetype maxIdLength = 128;

    // "fleet/v1/devices"
    static QString prefix();
    // What Fleetdesk subscribes to for everything devices publish.
    static QString deviceReportsFilter();

    // Device and job ids: 1 to 128 of [A-Za-z0-9._:-]. The set leaves out "/", "+", "#" and "$",
    // so an id can never change the shape of a topic or the meaning of an ACL pattern.
    static bool isValidId(const QString &id);
    static bool isValidIdView(QStringView id); // the same, without a copy

    static Result<DeviceTopic> parse(const QString &topic);
    // jobId is needed for JobProgress and JobResult and must be empty otherwise.
    static Result<DeviceTopic> make(const QString &deviceId, Channel channel,
                                    const QString &jobId = {});

    static QString channelName(Channel channel);

    const QString &deviceId() const { return m_deviceId; }
    Channel channel() const { return m_channel; }
    const QString &jobId() const { return m_jobId; }
    bool isFromDevice() const { return m_channel != Channel::Jobs; }
    QString toString() const;

    bool operator==(const DeviceTopic &) const = default;

private:
    DeviceTopic(QString deviceId, Channel channel, QString jobId);

    QString m_deviceId;
    Channel m_channel = Channel::Presence;
    QString m_jobId;
};

} // namespace fleet
