#pragma once

#include "protocol/DeviceReports.h"
#include "protocol/DeviceTopic.h"
#include "util/Result.h"

#include <QByteArray>

namespace fleet {

// Turns what a device publishes into typed reports, or an Error::invalid naming the field.
// Everything a device sends is untrusted: sizes, nesting, encoding, types, enums and ranges are
// checked, and a payload may not claim to come from another device than its topic (which the
// broker's ACL ties to the device's login). Checking seq for replays is SequenceGuard's job.
class DevicePayloadParser
{
public:
    // Far above a real inventory (a few thousand components), far below what hurts.
    static constexpr qsizetype maxPayloadBytes = 256 * 1024;
    static constexpr int maxNestingDepth = 16;
    static constexpr qsizetype maxComponents = 4096;
    static constexpr qsizetype maxHealthChecks = 64;

    // Dispatches on the topic's channel; the Jobs channel (Fleetdesk -> device) is refused.
    static Result<DeviceReport> parse(const DeviceTopic &topic, const QByteArray &payload);

    static Result<PresenceReport> parsePresence(const DeviceTopic &topic,
                                                const QByteArray &payload);
    static Result<InventoryReport> parseInventory(const DeviceTopic &topic,
                                                  const QByteArray &payload);
    // The usual heartbeat goes through HeartbeatFastPath; anything else, and every error,
    // through parseHeartbeatInGeneral().
    static Result<HeartbeatReport> parseHeartbeat(const DeviceTopic &topic,
                                                  const QByteArray &payload);
    // The heartbeat parser without the fast path: what the fast path is checked against.
    static Result<HeartbeatReport> parseHeartbeatInGeneral(const DeviceTopic &topic,
                                                           const QByteArray &payload);
    // For the JobProgress and JobResult channels: final states only on result, the others
    // only on progress, and the payload's job_id must be the topic's.
    static Result<JobProgressReport> parseJobProgress(const DeviceTopic &topic,
                                                      const QByteArray &payload);
};

} // namespace fleet
