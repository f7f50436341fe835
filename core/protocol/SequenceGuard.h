#pragma once

#include "protocol/DeviceTopic.h"

#include <QHash>
#include <QString>
#include <optional>
#include <utility>
#include <vector>

namespace fleet {

// Tells fresh device reports from duplicates and replays by their "seq" (pure bookkeeping, no
// I/O). A device numbers everything it publishes with one counter that never goes back, not
// even across reboots (docs/device-protocol.md, "Sequence numbers"). MQTT keeps order only
// within one topic, so the guard tracks the last seq per device and stream: presence,
// inventory, heartbeat, and one stream per job (progress and result together, so a late
// "downloading" after "succeeded" is out of order).
//
// A duplicate (the same seq again) is harmless: QoS 1 redelivery or a retained message seen
// after a reconnect. An older seq is a replay or a message overtaken on the way; it must not
// change what Fleetdesk believes about the device.
class SequenceGuard
{
public:
    enum class Verdict { Fresh, Duplicate, OutOfOrder };

    // Jobs streams kept per device. A device cannot grow the guard without bound by inventing
    // job ids: the stalest job stream is dropped, and its last seq becomes a floor that later
    // new job streams must be above (sound because the counter is one per device).
    static constexpr int maxJobStreamsPerDevice = 64;

    // The stream a topic's reports are numbered in: "presence", "inventory", "heartbeat" or
    // "jobs/{jobId}". Empty for the Jobs channel, which Fleetdesk numbers itself.
    static QString streamOf(const DeviceTopic &topic);
    static QString verdictName(Verdict verdict);

    // What accept() would answer, without recording anything.
    Verdict classify(const DeviceTopic &topic, qint64 seq) const;
    // Classifies and, when fresh, records seq as the stream's last.
    Verdict accept(const DeviceTopic &topic, qint64 seq);

    std::optional<qint64> lastSeq(const DeviceTopic &topic) const;
    // Loads a last seq remembered from an earlier run (the workspace stores them), so a report
    // replayed after a restart is still recognised. Keeps the higher of the two.
    void restore(const QString &deviceId, const QString &stream, qint64 seq);
    // For a device that was removed or re-provisioned with a new counter.
    void forgetDevice(const QString &deviceId);

    // The heartbeat streams whose last seq moved since they were last taken (or restored), by
    // device id: what DeviceReportIngest stores every few seconds. Walks every device the guard
    // knows, once per call, instead of costing every heartbeat a hash insert of its own.
    std::vector<std::pair<QString, qint64>> takeUnsavedHeartbeats();
    // A fresh heartbeat was accepted since the last takeUnsavedHeartbeats().
    bool hasUnsavedHeartbeats() const { return m_heartbeatsUnsaved; }
    qsizetype deviceCount() const { return m_devices.size(); }
    qsizetype streamCount(const QString &deviceId) const;

private:
    struct DeviceStreams
    {
        // Presence, inventory and heartbeat: every device has them, so they are fields rather
        // than hash entries (a hash per device cost ~1 KB and a look-up per heartbeat). -1: none.
        qint64 fixed[3] = {-1, -1, -1};
        qint64 savedHeartbeat = -1;     // fixed[0] when last taken or restored
        QHash<QString, qint64> lastSeq; // every other stream: the jobs/{jobId} ones
        std::optional<qint64> evictedJobFloor;
        int jobStreams = 0;
    };
    // The index in DeviceStreams::fixed, or -1 for a stream kept in lastSeq.
    static int fixedIndex(const QString &stream);
    // The same from the channel, without building the stream's name (per message).
    static int fixedIndex(DeviceTopic::Channel channel);

    // `stream` is only read when `fixed` is -1.
    Verdict classify(const DeviceStreams *streams, int fixed, const QString &stream,
                     qint64 seq) const;
    void record(DeviceStreams &streams, int fixed, const QString &stream, qint64 seq);

    QHash<QString, DeviceStreams> m_devices;
    bool m_heartbeatsUnsaved = false;
};

} // namespace fleet
