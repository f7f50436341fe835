#include "SequenceGuard.h"

#include <algorithm>

namespace fleet {

namespace {

const QString kJobStreamPrefix = QStringLiteral("jobs/");

bool isJobStream(const QString &stream)
{
    return stream.startsWith(kJobStreamPrefix);
}

} // namespace

QString SequenceGuard::streamOf(const DeviceTopic &topic)
{
    switch (topic.channel()) {
    case DeviceTopic::Channel::Presence:
    case DeviceTopic::Channel::Inventory:
    case DeviceTopic::Channel::Heartbeat:
        return DeviceTopic::channelName(topic.channel());
    case DeviceTopic::Channel::JobProgress:
    case DeviceTopic::Channel::JobResult:
        return kJobStreamPrefix + topic.jobId();
    case DeviceTopic::Channel::Jobs:
        break;
    }
    return {};
}

QString SequenceGuard::verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Fresh:
        return QStringLiteral("fresh");
    case Verdict::Duplicate:
        return QStringLiteral("duplicate");
    case Verdict::OutOfOrder:
        return QStringLiteral("out of order");
    }
    return {};
}

int SequenceGuard::fixedIndex(const QString &stream)
{
    if (stream == QLatin1String("heartbeat"))
        return 0;
    if (stream == QLatin1String("presence"))
        return 1;
    if (stream == QLatin1String("inventory"))
        return 2;
    return -1;
}

int SequenceGuard::fixedIndex(DeviceTopic::Channel channel)
{
    switch (channel) {
    case DeviceTopic::Channel::Heartbeat:
        return 0;
    case DeviceTopic::Channel::Presence:
        return 1;
    case DeviceTopic::Channel::Inventory:
        return 2;
    default:
        return -1;
    }
}

SequenceGuard::Verdict SequenceGuard::classify(const DeviceStreams *streams, int fixed,
                                               const QString &stream, qint64 seq) const
{
    if (!streams)
        return Verdict::Fresh;
    if (fixed >= 0) {
        const qint64 last = streams->fixed[fixed];
        if (last < 0 || seq > last)
            return Verdict::Fresh;
        return seq == last ? Verdict::Duplicate : Verdict::OutOfOrder;
    }
    const auto it = streams->lastSeq.constFind(stream);
    if (it != streams->lastSeq.constEnd()) {
        if (seq == it.value())
            return Verdict::Duplicate;
        return seq > it.value() ? Verdict::Fresh : Verdict::OutOfOrder;
    }
    // A job stream not (or no longer) tracked: anything at or below the evicted streams' floor
    // may belong to one of them, so it cannot be trusted as new.
    if (isJobStream(stream) && streams->evictedJobFloor && seq <= *streams->evictedJobFloor)
        return Verdict::OutOfOrder;
    return Verdict::Fresh;
}

SequenceGuard::Verdict SequenceGuard::classify(const DeviceTopic &topic, qint64 seq) const
{
    const int fixed = fixedIndex(topic.channel());
    const QString stream = fixed < 0 ? streamOf(topic) : QString();
    if ((fixed < 0 && stream.isEmpty()) || seq < 0)
        return Verdict::OutOfOrder;
    const auto it = m_devices.constFind(topic.deviceId());
    return classify(it == m_devices.constEnd() ? nullptr : &it.value(), fixed, stream, seq);
}

SequenceGuard::Verdict SequenceGuard::accept(const DeviceTopic &topic, qint64 seq)
{
    // Presence, inventory and heartbeat without building their stream's name: this runs per
    // message.
    const int fixed = fixedIndex(topic.channel());
    const QString stream = fixed < 0 ? streamOf(topic) : QString();
    if ((fixed < 0 && stream.isEmpty()) || seq < 0)
        return Verdict::OutOfOrder;
    // One look-up of the device for both the verdict and the record.
    auto it = m_devices.find(topic.deviceId());
    const Verdict verdict =
        classify(it == m_devices.end() ? nullptr : &it.value(), fixed, stream, seq);
    if (verdict == Verdict::Fresh) {
        record(it == m_devices.end() ? m_devices[topic.deviceId()] : it.value(), fixed, stream,
               seq);
        if (fixed == 0)
            m_heartbeatsUnsaved = true;
    }
    return verdict;
}

void SequenceGuard::record(DeviceStreams &streams, int fixed, const QString &stream, qint64 seq)
{
    if (fixed >= 0) {
        streams.fixed[fixed] = std::max(streams.fixed[fixed], seq);
        return;
    }
    auto it = streams.lastSeq.find(stream);
    if (it != streams.lastSeq.end()) {
        it.value() = std::max(it.value(), seq);
        return;
    }
    if (isJobStream(stream) && streams.jobStreams >= maxJobStreamsPerDevice) {
        // Drop the job stream that advanced least recently: its last seq is the lowest.
        auto stalest = streams.lastSeq.end();
        for (auto candidate = streams.lastSeq.begin(); candidate != streams.lastSeq.end();
             ++candidate)
            if (isJobStream(candidate.key()) &&
                (stalest == streams.lastSeq.end() || candidate.value() < stalest.value()))
                stalest = candidate;
        const qint64 dropped = stalest.value();
        streams.evictedJobFloor = std::max(streams.evictedJobFloor.value_or(dropped), dropped);
        streams.lastSeq.erase(stalest);
        --streams.jobStreams;
    }
    streams.lastSeq.insert(stream, seq);
    if (isJobStream(stream))
        ++streams.jobStreams;
}

std::optional<qint64> SequenceGuard::lastSeq(const DeviceTopic &topic) const
{
    const auto device = m_devices.constFind(topic.deviceId());
    if (device == m_devices.constEnd())
        return std::nullopt;
    const QString stream = streamOf(topic);
    if (const int index = fixedIndex(topic.channel()); index >= 0) {
        if (device->fixed[index] < 0)
            return std::nullopt;
        return device->fixed[index];
    }
    const auto it = device->lastSeq.constFind(stream);
    if (it == device->lastSeq.constEnd())
        return std::nullopt;
    return it.value();
}

void SequenceGuard::restore(const QString &deviceId, const QString &stream, qint64 seq)
{
    if (!DeviceTopic::isValidId(deviceId) || stream.isEmpty() || seq < 0)
        return;
    DeviceStreams &streams = m_devices[deviceId];
    const int fixed = fixedIndex(stream);
    record(streams, fixed, stream, seq);
    // Restored means stored: nothing to save until a heartbeat moves it.
    if (fixed == 0)
        streams.savedHeartbeat = std::max(streams.savedHeartbeat, seq);
}

std::vector<std::pair<QString, qint64>> SequenceGuard::takeUnsavedHeartbeats()
{
    std::vector<std::pair<QString, qint64>> unsaved;
    if (!m_heartbeatsUnsaved)
        return unsaved;
    for (auto it = m_devices.begin(); it != m_devices.end(); ++it) {
        DeviceStreams &streams = it.value();
        if (streams.fixed[0] > streams.savedHeartbeat) {
            unsaved.emplace_back(it.key(), streams.fixed[0]);
            streams.savedHeartbeat = streams.fixed[0];
        }
    }
    m_heartbeatsUnsaved = false;
    return unsaved;
}

void SequenceGuard::forgetDevice(const QString &deviceId)
{
    m_devices.remove(deviceId);
}

qsizetype SequenceGuard::streamCount(const QString &deviceId) const
{
    const auto it = m_devices.constFind(deviceId);
    if (it == m_devices.constEnd())
        return 0;
    return it->lastSeq.size() + std::count_if(std::begin(it->fixed), std::end(it->fixed),
                                              [](qint64 seq) { return seq >= 0; });
}

} // namespace fleet
