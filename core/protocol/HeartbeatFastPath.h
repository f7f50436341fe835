#pragma once

#include "protocol/DeviceReports.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace fleet {

// Reads the usual heartbeat - plain ASCII, no escapes, plain integers, only the fields
// docs/device-protocol.md defines, each once, every value valid - straight from the bytes,
// without building a QJsonDocument (which was a third of the cost of a heartbeat's parse, and
// heartbeats are what arrives tens of thousands of times a second).
//
// It never rejects: anything it does not handle or finds invalid gives std::nullopt, and the
// general parser (DevicePayloadParser) decides, with its messages. So the verdicts cannot
// differ as long as what it accepts equals what the general parser makes of the same payload;
// tst_heartbeatfastpath checks that on the fuzz corpus and the protocol's examples.
class HeartbeatFastPath
{
public:
    static std::optional<HeartbeatReport> parse(const QString &topicDeviceId,
                                                const QByteArray &payload);
};

} // namespace fleet
