#include "DevicePayloadParser.h"

#include "protocol/HeartbeatFastPath.h"
#include "protocol/JsonFieldReader.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <functional>

namespace fleet {

namespace {

using Need = JsonFieldReader::Need;

const QString kV = QStringLiteral("v");

Error channelMismatch(const DeviceTopic &topic, const QString &expected)
{
    return Error::invalid(QStringLiteral("a %1 payload cannot be read from topic %2")
                              .arg(expected, topic.toString()));
}

// Reads the envelope every device payload shares ("v", "seq", "ts", optional "device_id").
void readHeader(JsonFieldReader &reader, const DeviceTopic &topic, ReportHeader *header)
{
    qint64 version = 0;
    reader.integer(kV, Need::Required, 0, JsonFieldReader::maxSafeInteger, &version);
    if (reader.ok() && version != DeviceTopic::protocolVersion)
        reader.fail(QStringLiteral("field \"v\" is %1; this Fleetdesk speaks protocol version %2")
                        .arg(version)
                        .arg(DeviceTopic::protocolVersion));
    reader.integer(QStringLiteral("seq"), Need::Required, 0, JsonFieldReader::maxSafeInteger,
                   &header->seq);
    reader.timestamp(QStringLiteral("ts"), Need::Required, &header->timestamp);
    QString claimedId;
    reader.string(QStringLiteral("device_id"), Need::Optional, &claimedId,
                  DeviceTopic::maxIdLength + 1);
    if (reader.ok() && reader.has(QStringLiteral("device_id")) && claimedId != topic.deviceId())
        reader.fail(QStringLiteral("field \"device_id\" names another device (\"%1\") than the "
                                   "topic (\"%2\")")
                        .arg(claimedId, topic.deviceId()));
    header->deviceId = topic.deviceId();
}

template<typename Report> Result<Report> finish(JsonFieldReader &reader, Report report)
{
    if (!reader.ok())
        return reader.error();
    report.header.extra = reader.unknownFields();
    return report;
}

bool matches(const QString &pattern, const QString &text)
{
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern)).match(text).hasMatch();
}

bool isIpv4(const QString &text)
{
    static const QString octet = QStringLiteral("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    return matches(QStringLiteral("%1(\\.%1){3}").arg(octet), text);
}

// Loose on purpose: only hex digits and colons (plus a dotted IPv4 tail), with at least two
// colons. Fleetdesk displays the address; it never connects to it.
bool isIpv6(const QString &text)
{
    return text.size() <= 45 && text.count(QLatin1Char(':')) >= 2 &&
           matches(QStringLiteral("[0-9A-Fa-f:]+(\\.[0-9.]+)?"), text);
}

// Walks an optional array of objects: each element gets its own reader (so errors name
// "key[i].field"), and the first element that is not an object or that `readItem` fails stops
// the walk with that error on `reader`.
void forEachObject(JsonFieldReader &reader, const QString &key, qsizetype maxItems,
                   const std::function<void(JsonFieldReader &item)> &readItem)
{
    QJsonArray items;
    reader.array(key, Need::Optional, maxItems, &items);
    for (qsizetype i = 0; reader.ok() && i < items.size(); ++i) {
        const QString path = reader.childPath(key, i);
        if (!items.at(i).isObject()) {
            reader.fail(QStringLiteral("field \"%1\" must be an object").arg(path));
            return;
        }
        JsonFieldReader item(items.at(i).toObject(), path);
        readItem(item);
        if (!item.ok()) {
            reader.fail(item.error().message);
            return;
        }
    }
}

void readComponents(JsonFieldReader &reader, QList<Component> *components)
{
    forEachObject(
        reader, QStringLiteral("components"), DevicePayloadParser::maxComponents,
        [components](JsonFieldReader &item) {
            Component component;
            item.string(QStringLiteral("name"), Need::Required, &component.name);
            item.string(QStringLiteral("version"), Need::Required, &component.version);
            item.string(QStringLiteral("purl"), Need::Optional, &component.purl, 1024);
            item.string(QStringLiteral("cpe"), Need::Optional, &component.cpe, 1024);
            if (item.ok() && component.name.trimmed().isEmpty())
                item.fail(QStringLiteral("field %1 is empty")
                              .arg(item.fieldName(QStringLiteral("name"))));
            if (item.ok() && !component.purl.isEmpty() &&
                !component.purl.startsWith(QLatin1String("pkg:")))
                item.fail(QStringLiteral("field %1 must be a package URL starting with \"pkg:\"")
                              .arg(item.fieldName(QStringLiteral("purl"))));
            if (item.ok() && !component.cpe.isEmpty() &&
                !component.cpe.startsWith(QLatin1String("cpe:2.3:")))
                item.fail(
                    QStringLiteral("field %1 must be a CPE 2.3 name starting with \"cpe:2.3:\"")
                        .arg(item.fieldName(QStringLiteral("cpe"))));
            if (item.ok())
                components->append(component);
        });
}

void readNetwork(JsonFieldReader &reader, InventoryReport *report)
{
    const QString key = QStringLiteral("network");
    QJsonObject object;
    reader.object(key, Need::Optional, &object);
    if (!reader.ok() || object.isEmpty())
        return;
    JsonFieldReader network(object, reader.childPath(key));
    network.string(QStringLiteral("mac"), Need::Optional, &report->mac, 17);
    network.string(QStringLiteral("ip"), Need::Optional, &report->ip, 45);
    network.string(QStringLiteral("hostname"), Need::Optional, &report->hostname, 253);
    if (network.ok() && !report->mac.isEmpty() &&
        !matches(QStringLiteral("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}"), report->mac))
        network.fail(QStringLiteral("field %1 must be a MAC address like 02:4E:10:00:00:01")
                         .arg(network.fieldName(QStringLiteral("mac"))));
    if (network.ok() && !report->ip.isEmpty() && !isIpv4(report->ip) && !isIpv6(report->ip))
        network.fail(QStringLiteral("field %1 must be an IPv4 or IPv6 address")
                         .arg(network.fieldName(QStringLiteral("ip"))));
    if (network.ok() && !report->hostname.isEmpty() &&
        !matches(QStringLiteral("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?"), report->hostname))
        network.fail(QStringLiteral("field %1 must be a host name (letters, digits, . and -)")
                         .arg(network.fieldName(QStringLiteral("hostname"))));
    if (!network.ok())
        reader.fail(network.error().message);
}

void readHealthChecks(JsonFieldReader &reader, QList<HealthCheck> *checks)
{
    forEachObject(reader, QStringLiteral("checks"), DevicePayloadParser::maxHealthChecks,
                  [checks](JsonFieldReader &item) {
                      HealthCheck check;
                      item.string(QStringLiteral("name"), Need::Required, &check.name, 64);
                      // Built once: every heartbeat has checks.
                      static const QStringList statuses{
                          QStringLiteral("ok"), QStringLiteral("warn"), QStringLiteral("fail")};
                      item.choice(QStringLiteral("status"), Need::Required, statuses,
                                  &check.status);
                      item.string(QStringLiteral("detail"), Need::Optional, &check.detail, 1024);
                      if (item.ok() && check.name.trimmed().isEmpty())
                          item.fail(QStringLiteral("field %1 is empty")
                                        .arg(item.fieldName(QStringLiteral("name"))));
                      if (item.ok())
                          checks->append(check);
                  });
}

} // namespace

Result<DeviceReport> DevicePayloadParser::parse(const DeviceTopic &topic, const QByteArray &payload)
{
    const auto wrap = [](auto parsed) -> Result<DeviceReport> {
        if (!parsed)
            return parsed.error();
        return DeviceReport(std::move(parsed).value());
    };
    switch (topic.channel()) {
    case DeviceTopic::Channel::Presence:
        return wrap(parsePresence(topic, payload));
    case DeviceTopic::Channel::Inventory:
        return wrap(parseInventory(topic, payload));
    case DeviceTopic::Channel::Heartbeat:
        return wrap(parseHeartbeat(topic, payload));
    case DeviceTopic::Channel::JobProgress:
    case DeviceTopic::Channel::JobResult:
        return wrap(parseJobProgress(topic, payload));
    case DeviceTopic::Channel::Jobs:
        break;
    }
    return Error::invalid(
        QStringLiteral("topic %1 carries jobs from Fleetdesk to the device, not device reports")
            .arg(topic.toString()));
}

Result<PresenceReport> DevicePayloadParser::parsePresence(const DeviceTopic &topic,
                                                          const QByteArray &payload)
{
    if (topic.channel() != DeviceTopic::Channel::Presence)
        return channelMismatch(topic, QStringLiteral("presence"));
    auto object = JsonFieldReader::decodeObject(payload, maxPayloadBytes, maxNestingDepth);
    if (!object)
        return object.error();
    JsonFieldReader reader(object.value());
    PresenceReport report;
    readHeader(reader, topic, &report.header);
    QString state;
    static const QStringList states{QStringLiteral("online"), QStringLiteral("offline")};
    reader.choice(QStringLiteral("state"), Need::Required, states, &state);
    report.online = state == QLatin1String("online");
    reader.string(QStringLiteral("agent"), Need::Optional, &report.agent, 128);
    return finish(reader, std::move(report));
}

Result<InventoryReport> DevicePayloadParser::parseInventory(const DeviceTopic &topic,
                                                            const QByteArray &payload)
{
    if (topic.channel() != DeviceTopic::Channel::Inventory)
        return channelMismatch(topic, QStringLiteral("inventory"));
    auto object = JsonFieldReader::decodeObject(payload, maxPayloadBytes, maxNestingDepth);
    if (!object)
        return object.error();
    JsonFieldReader reader(object.value());
    InventoryReport report;
    readHeader(reader, topic, &report.header);
    reader.string(QStringLiteral("model"), Need::Required, &report.model, 128);
    reader.string(QStringLiteral("hw_revision"), Need::Optional, &report.hwRevision, 64);

    QJsonObject firmwareObject;
    reader.object(QStringLiteral("firmware"), Need::Required, &firmwareObject);
    if (reader.ok()) {
        JsonFieldReader firmware(firmwareObject, QStringLiteral("firmware"));
        firmware.string(QStringLiteral("version"), Need::Required, &report.fwVersion, 64);
        firmware.string(QStringLiteral("slot"), Need::Optional, &report.fwSlot, 32);
        if (firmware.ok() && report.fwVersion.trimmed().isEmpty())
            firmware.fail(QStringLiteral("field \"firmware.version\" is empty"));
        if (!firmware.ok())
            reader.fail(firmware.error().message);
    }
    readComponents(reader, &report.components);
    reader.string(QStringLiteral("config_hash"), Need::Optional, &report.configHash, 128);
    readNetwork(reader, &report);
    reader.string(QStringLiteral("site_hint"), Need::Optional, &report.siteHint, 128);
    if (reader.ok() && report.model.trimmed().isEmpty())
        reader.fail(QStringLiteral("field \"model\" is empty"));
    return finish(reader, std::move(report));
}

Result<HeartbeatReport> DevicePayloadParser::parseHeartbeat(const DeviceTopic &topic,
                                                            const QByteArray &payload)
{
    if (topic.channel() == DeviceTopic::Channel::Heartbeat) {
        if (auto report = HeartbeatFastPath::parse(topic.deviceId(), payload))
            return std::move(*report);
    }
    return parseHeartbeatInGeneral(topic, payload);
}

Result<HeartbeatReport> DevicePayloadParser::parseHeartbeatInGeneral(const DeviceTopic &topic,
                                                                     const QByteArray &payload)
{
    if (topic.channel() != DeviceTopic::Channel::Heartbeat)
        return channelMismatch(topic, QStringLiteral("heartbeat"));
    auto object = JsonFieldReader::decodeObject(payload, maxPayloadBytes, maxNestingDepth);
    if (!object)
        return object.error();
    JsonFieldReader reader(object.value());
    HeartbeatReport report;
    readHeader(reader, topic, &report.header);
    reader.integer(QStringLiteral("uptime_s"), Need::Required, 0, JsonFieldReader::maxSafeInteger,
                   &report.uptimeSeconds);
    if (reader.has(QStringLiteral("free_memory_bytes"))) {
        qint64 bytes = 0;
        reader.integer(QStringLiteral("free_memory_bytes"), Need::Required, 0,
                       JsonFieldReader::maxSafeInteger, &bytes);
        report.freeMemoryBytes = bytes;
    }
    if (reader.has(QStringLiteral("signal_dbm"))) {
        // Received signal strength: about -120 dBm (barely there) to 0 (next to the antenna).
        qint64 dbm = 0;
        reader.integer(QStringLiteral("signal_dbm"), Need::Required, -150, 0, &dbm);
        report.signalDbm = int(dbm);
    }
    readHealthChecks(reader, &report.checks);
    return finish(reader, std::move(report));
}

Result<JobProgressReport> DevicePayloadParser::parseJobProgress(const DeviceTopic &topic,
                                                                const QByteArray &payload)
{
    const bool onResult = topic.channel() == DeviceTopic::Channel::JobResult;
    if (!onResult && topic.channel() != DeviceTopic::Channel::JobProgress)
        return channelMismatch(topic, QStringLiteral("job progress"));
    auto object = JsonFieldReader::decodeObject(payload, maxPayloadBytes, maxNestingDepth);
    if (!object)
        return object.error();
    JsonFieldReader reader(object.value());
    JobProgressReport report;
    readHeader(reader, topic, &report.header);
    reader.string(QStringLiteral("job_id"), Need::Required, &report.jobId,
                  DeviceTopic::maxIdLength + 1);
    if (reader.ok() && report.jobId != topic.jobId())
        reader.fail(QStringLiteral("field \"job_id\" (\"%1\") is not the topic's job (\"%2\")")
                        .arg(report.jobId, topic.jobId()));
    const QStringList allowed =
        onResult ? JobProgressReport::finalStates() : JobProgressReport::progressStates();
    reader.choice(QStringLiteral("state"), Need::Required, allowed, &report.state);
    const bool counts =
        report.state == QLatin1String("downloading") || report.state == QLatin1String("installing");
    if (reader.ok() && reader.has(QStringLiteral("percent"))) {
        if (!counts) {
            reader.fail(QStringLiteral("field \"percent\" is only sent with downloading and "
                                       "installing, not %1")
                            .arg(report.state));
        } else {
            qint64 percent = 0;
            reader.integer(QStringLiteral("percent"), Need::Required, 0, 100, &percent);
            report.percent = int(percent);
        }
    }
    const bool needsReason =
        report.state == QLatin1String("failed") || report.state == QLatin1String("rejected");
    reader.string(QStringLiteral("reason"), Need::Optional, &report.reason, 1024);
    if (reader.ok() && needsReason && report.reason.trimmed().isEmpty())
        reader.fail(
            QStringLiteral("field \"reason\" is required when the state is %1").arg(report.state));
    return finish(reader, std::move(report));
}

} // namespace fleet
