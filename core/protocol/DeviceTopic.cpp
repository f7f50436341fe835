#include "DeviceTopic.h"

#include <QStringList>
#include <array>

namespace fleet {

namespace {

const QString kRoot = QStringLiteral("fleet");
const QString kDevices = QStringLiteral("devices");
const QString kJobs = QStringLiteral("jobs");

// MQTT allows topics of up to 65535 bytes; ours are far shorter, and a bound keeps error
// messages that quote the topic readable.
constexpr qsizetype kMaxTopicLength = 512;

QString quoted(const QString &text)
{
    constexpr qsizetype shown = 80;
    if (text.size() <= shown)
        return QLatin1Char('"') + text + QLatin1Char('"');
    return QLatin1Char('"') + text.left(shown) + QStringLiteral("…\"");
}

std::optional<DeviceTopic::Channel> deviceLevelChannel(QStringView name)
{
    if (name == QLatin1String("presence"))
        return DeviceTopic::Channel::Presence;
    if (name == QLatin1String("inventory"))
        return DeviceTopic::Channel::Inventory;
    if (name == QLatin1String("heartbeat"))
        return DeviceTopic::Channel::Heartbeat;
    if (name == QLatin1String("jobs"))
        return DeviceTopic::Channel::Jobs;
    return std::nullopt;
}

} // namespace

DeviceTopic::DeviceTopic(QString deviceId, Channel channel, QString jobId)
    : m_deviceId(std::move(deviceId))
    , m_channel(channel)
    , m_jobId(std::move(jobId))
{}

QString DeviceTopic::prefix()
{
    return kRoot + QStringLiteral("/v%1/").arg(protocolVersion) + kDevices;
}

QString DeviceTopic::deviceReportsFilter()
{
    return prefix() + QStringLiteral("/+/#");
}

bool DeviceTopic::isValidId(const QString &id)
{
    return isValidIdView(id);
}

bool DeviceTopic::isValidIdView(QStringView id)
{
    if (id.isEmpty() || id.size() > maxIdLength)
        return false;
    for (QChar c : id) {
        const char16_t u = c.unicode();
        const bool allowed = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') ||
                             (u >= u'0' && u <= u'9') || u == u'.' || u == u'_' || u == u':' ||
                             u == u'-';
        if (!allowed)
            return false;
    }
    return true;
}

QString DeviceTopic::channelName(Channel channel)
{
    switch (channel) {
    case Channel::Presence:
        return QStringLiteral("presence");
    case Channel::Inventory:
        return QStringLiteral("inventory");
    case Channel::Heartbeat:
        return QStringLiteral("heartbeat");
    case Channel::Jobs:
        return QStringLiteral("jobs");
    case Channel::JobProgress:
        return QStringLiteral("progress");
    case Channel::JobResult:
        return QStringLiteral("result");
    }
    return {};
}

Result<DeviceTopic> DeviceTopic::make(const QString &deviceId, Channel channel,
                                      const QString &jobId)
{
    if (!isValidId(deviceId))
        return Error::invalid(
            QStringLiteral("invalid device id %1: use 1 to %2 of A-Z a-z 0-9 . _ : -")
                .arg(quoted(deviceId))
                .arg(maxIdLength));
    const bool perJob = channel == Channel::JobProgress || channel == Channel::JobResult;
    if (perJob && !isValidId(jobId))
        return Error::invalid(
            QStringLiteral("invalid job id %1: use 1 to %2 of A-Z a-z 0-9 . _ : -")
                .arg(quoted(jobId))
                .arg(maxIdLength));
    if (!perJob && !jobId.isEmpty())
        return Error::invalid(
            QStringLiteral("the %1 topic has no job id").arg(channelName(channel)));
    return DeviceTopic(deviceId, channel, perJob ? jobId : QString());
}

Result<DeviceTopic> DeviceTopic::parse(const QString &topic)
{
    if (topic.isEmpty())
        return Error::invalid(QStringLiteral("empty topic"));
    if (topic.size() > kMaxTopicLength)
        return Error::invalid(QStringLiteral("topic too long (%1 characters; limit %2)")
                                  .arg(topic.size())
                                  .arg(kMaxTopicLength));
    if (topic.contains(QLatin1Char('+')) || topic.contains(QLatin1Char('#')))
        return Error::invalid(
            QStringLiteral("topic %1 has a wildcard (+ or #); a message is published to one "
                           "concrete topic")
                .arg(quoted(topic)));
    // Views into the topic, not copies, and no list to allocate: every message received is
    // parsed here. Only the first levels are kept (a longer topic has the wrong shape anyway),
    // all are counted and checked.
    constexpr qsizetype keptLevels = 8;
    std::array<QStringView, keptLevels> levels;
    qsizetype levelCount = 0;
    const QStringView text(topic);
    for (qsizetype start = 0, i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text[i] != u'/')
            continue;
        if (i == start)
            return Error::invalid(
                QStringLiteral("topic %1 has an empty level (leading, trailing or double /)")
                    .arg(quoted(topic)));
        if (levelCount < keptLevels)
            levels[std::size_t(levelCount)] = text.mid(start, i - start);
        ++levelCount;
        start = i + 1;
    }
    if (levelCount < 4 || levels[0] != kRoot || levels[2] != kDevices)
        return Error::invalid(
            QStringLiteral("topic %1 is not a device topic (expected %2/{deviceId}/...)")
                .arg(quoted(topic), prefix()));
    static const QString expectedVersion = QStringLiteral("v%1").arg(protocolVersion);
    if (levels[1] != expectedVersion)
        return Error::invalid(
            QStringLiteral("topic %1 uses protocol version %2; this Fleetdesk speaks %3")
                .arg(quoted(topic), quoted(levels[1].toString()), expectedVersion));
    const QStringView deviceId = levels[3];
    if (!isValidIdView(deviceId))
        return Error::invalid(
            QStringLiteral("topic %1 has an invalid device id: use 1 to %2 of A-Z a-z 0-9 . _ : -")
                .arg(quoted(topic))
                .arg(maxIdLength));
    if (levelCount == 5) {
        const auto channel = deviceLevelChannel(levels[4]);
        if (!channel)
            return Error::invalid(
                QStringLiteral("topic %1 has unknown channel %2 (expected presence, inventory, "
                               "heartbeat or jobs)")
                    .arg(quoted(topic), quoted(levels[4].toString())));
        return DeviceTopic(deviceId.toString(), *channel, {});
    }
    if (levelCount == 7 && levels[4] == kJobs) {
        const QStringView jobId = levels[5];
        if (!isValidIdView(jobId))
            return Error::invalid(
                QStringLiteral("topic %1 has an invalid job id: use 1 to %2 of A-Z a-z 0-9 . _ : -")
                    .arg(quoted(topic))
                    .arg(maxIdLength));
        if (levels[6] == QLatin1String("progress"))
            return DeviceTopic(deviceId.toString(), Channel::JobProgress, jobId.toString());
        if (levels[6] == QLatin1String("result"))
            return DeviceTopic(deviceId.toString(), Channel::JobResult, jobId.toString());
        return Error::invalid(
            QStringLiteral("topic %1 has unknown job channel %2 (expected progress or result)")
                .arg(quoted(topic), quoted(levels[6].toString())));
    }
    return Error::invalid(
        QStringLiteral("topic %1 has an unexpected shape (expected %2/{deviceId}/{channel} or "
                       "%2/{deviceId}/jobs/{jobId}/progress|result)")
            .arg(quoted(topic), prefix()));
}

QString DeviceTopic::toString() const
{
    QString topic = prefix() + QLatin1Char('/') + m_deviceId + QLatin1Char('/');
    switch (m_channel) {
    case Channel::JobProgress:
    case Channel::JobResult:
        return topic + kJobs + QLatin1Char('/') + m_jobId + QLatin1Char('/') +
               channelName(m_channel);
    default:
        return topic + channelName(m_channel);
    }
}

} // namespace fleet
