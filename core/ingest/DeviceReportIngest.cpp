#include "ingest/DeviceReportIngest.h"

#include "audit/Actor.h"
#include "mqtt/MqttClient.h"
#include "protocol/DevicePayloadParser.h"
#include "protocol/DeviceTopic.h"
#include "storage/SqliteDatabase.h"
#include "util/Clock.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <algorithm>
#include <variant>

Q_LOGGING_CATEGORY(lcIngest, "fleet.ingest")

namespace fleet {

namespace {

QString channelOf(const DeviceReport &report)
{
    if (std::holds_alternative<PresenceReport>(report))
        return QStringLiteral("presence");
    if (std::holds_alternative<InventoryReport>(report))
        return QStringLiteral("inventory");
    return QStringLiteral("heartbeat");
}

} // namespace

QString DeviceReportIngest::unknownDeviceUid()
{
    return QStringLiteral("(invalid topic)");
}

DeviceReportIngest::DeviceReportIngest(SqliteDatabase &db, const Clock &clock,
                                       const QString &headAnchorPath, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_clock(clock)
    , m_repository(db)
    , m_audit(db, clock, Actor::system(), headAnchorPath)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(defaultFlushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { (void)flush(); });
}

void DeviceReportIngest::setFlushInterval(int ms)
{
    m_timer.setInterval(ms);
}

QList<std::pair<QString, int>> DeviceReportIngest::subscriptions()
{
    const QString base = DeviceTopic::prefix() + QStringLiteral("/+/");
    // Presence and inventory are QoS 1 and retained; a lost heartbeat is replaced by the next.
    return {{base + QStringLiteral("presence"), 1},
            {base + QStringLiteral("inventory"), 1},
            {base + QStringLiteral("heartbeat"), 0}};
}

void DeviceReportIngest::attach(MqttClient &client)
{
    connect(&client, &MqttClient::messageReceived, this,
            [this](const QString &topic, const QByteArray &payload, int, bool) {
                handleMessage(topic, payload);
            });
    // The client remembers its subscriptions and renews them after every reconnect.
    for (const auto &[filter, qos] : subscriptions())
        if (Status s = client.subscribe(filter, qos); !s)
            qCWarning(lcIngest).noquote() << "Cannot subscribe to" << filter << ":" << s.message();
}

void DeviceReportIngest::handleMessage(const QString &topic, const QByteArray &payload)
{
    auto parsedTopic = DeviceTopic::parse(topic);
    if (!parsedTopic) {
        reject(unknownDeviceUid(), parsedTopic.message());
        return;
    }
    const DeviceTopic &t = parsedTopic.value();
    const auto channel = t.channel();
    if (channel != DeviceTopic::Channel::Presence && channel != DeviceTopic::Channel::Inventory &&
        channel != DeviceTopic::Channel::Heartbeat) {
        // Jobs are another component's business; they are not subscribed to here.
        return;
    }
    auto report = DevicePayloadParser::parse(t, payload);
    if (!report) {
        reject(t.deviceId(), report.message());
        return;
    }
    switch (m_guard.accept(t, reportHeader(report.value()).seq)) {
    case SequenceGuard::Verdict::Fresh:
        break;
    case SequenceGuard::Verdict::Duplicate:
        // Harmless (QoS 1 redelivery, retained message after a reconnect): counted, not logged.
        ++m_duplicates;
        return;
    case SequenceGuard::Verdict::OutOfOrder:
        ++m_replays;
        reject(t.deviceId(), QStringLiteral("seq %1 is older than the last one seen (replayed "
                                            "or overtaken)")
                                 .arg(reportHeader(report.value()).seq));
        return;
    }

    Received item{std::move(report.value()), m_clock.nowMs(), m_nextOrder++};
    PendingDevice &pending = m_pending[t.deviceId()];
    switch (channel) {
    case DeviceTopic::Channel::Presence:
        pending.presence = std::move(item);
        break;
    case DeviceTopic::Channel::Heartbeat:
        pending.heartbeat = std::move(item);
        break;
    default:
        pending.inventories.append(std::move(item));
        break;
    }
    ++m_queued;
    scheduleFlush();
}

void DeviceReportIngest::reject(const QString &deviceUid, const QString &reason)
{
    ++m_rejected;
    Rejection &r = m_rejections[deviceUid];
    r.reason = reason;
    ++r.count;
    r.lastMs = m_clock.nowMs();
    qCWarning(lcIngest).noquote() << "Rejected a report from" << deviceUid << ":" << reason;
    emit rejected(deviceUid, reason);
    scheduleFlush();
}

void DeviceReportIngest::scheduleFlush()
{
    // After a failed batch the timer retries; flushing on every message would only fail faster.
    if (m_queued >= maxBatchMessages && !m_lastFlushFailed) {
        (void)flush();
        return;
    }
    if (!m_timer.isActive())
        m_timer.start();
}

Status DeviceReportIngest::flush()
{
    m_timer.stop();
    if (m_pending.isEmpty() && m_rejections.isEmpty())
        return {};
    QList<qint64> changed;
    Status s = writeBatch(changed);
    m_lastFlushFailed = !s.ok();
    if (!s) {
        qCWarning(lcIngest).noquote()
            << "Writing" << m_queued << "device reports failed, will retry:" << s.message();
        m_timer.start();
        return s;
    }
    const int messages = int(m_queued);
    m_pending.clear();
    m_rejections.clear();
    m_queued = 0;
    m_nextOrder = 0;
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    emit batchCommitted(messages, changed);
    return {};
}

Status DeviceReportIngest::writeBatch(QList<qint64> &changed)
{
    bool audited = false;
    {
        SqliteTransaction tx(m_db);
        if (!tx.beginStatus())
            return tx.beginStatus();
        for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
            // Inventories first: the first one creates the device the others update.
            for (const Received &item : it->inventories) {
                if (Status s = writeInventory(it.key(), item, changed); !s)
                    return s;
            }
            // Presence and heartbeat both say whether the device is online: the later wins.
            QList<const Received *> liveness;
            if (it->presence)
                liveness << &*it->presence;
            if (it->heartbeat)
                liveness << &*it->heartbeat;
            std::sort(liveness.begin(), liveness.end(),
                      [](const Received *a, const Received *b) { return a->order < b->order; });
            for (const Received *item : liveness) {
                if (Status s = writeLiveness(it.key(), *item, changed); !s)
                    return s;
            }
        }
        for (auto it = m_rejections.cbegin(); it != m_rejections.cend(); ++it) {
            if (Status s = m_db.execute(
                    QStringLiteral("INSERT INTO ingest_rejections (device_uid, reason, count, "
                                   "last_ms) VALUES (?, ?, ?, ?) ON CONFLICT (device_uid) DO "
                                   "UPDATE SET reason = excluded.reason, count = count + "
                                   "excluded.count, last_ms = excluded.last_ms"),
                    {it.key(), it->reason, it->count, it->lastMs});
                !s)
                return s;
        }
        audited = std::any_of(m_pending.cbegin(), m_pending.cend(),
                              [](const PendingDevice &p) { return !p.inventories.isEmpty(); });
        if (Status s = tx.commit(); !s)
            return s;
    }
    if (audited) {
        // The batch is committed; an anchor that cannot be written is reported, not undone.
        if (Status a = m_audit.anchorHead(); !a)
            qCWarning(lcIngest).noquote() << "Cannot anchor the audit head:" << a.message();
    }
    return {};
}

Status DeviceReportIngest::writeInventory(const QString &uid, const Received &item,
                                          QList<qint64> &changed)
{
    const auto &report = std::get<InventoryReport>(item.report);
    const QDateTime received = QDateTime::fromMSecsSinceEpoch(item.receivedMs, Qt::UTC);
    auto existing = m_repository.idForUid(uid);
    if (!existing)
        return existing.status();
    qint64 id = 0;
    if (!existing.value()) {
        Device device;
        device.uid = uid;
        device.name = uid;
        device.state = QStringLiteral("registered");
        device.connection = QStringLiteral("mqtt");
        device.firstSeen = received;
        device.lastSeen = received;
        // A device publishes its inventory right after connecting, so it is online now.
        device.online = true;
        report.applyTo(device);
        auto upserted = m_repository.upsert(device);
        if (!upserted)
            return upserted.status();
        id = upserted->id;
        QJsonObject after{{QStringLiteral("model"), device.model},
                          {QStringLiteral("hw_revision"), device.hwRevision},
                          {QStringLiteral("fw_version"), device.fwVersion},
                          {QStringLiteral("connection"), device.connection},
                          {QStringLiteral("state"), device.state}};
        auto entry = m_audit.append(
            {QStringLiteral("device.discover"), QStringLiteral("device"), uid, {}, after, {}});
        if (!entry)
            return entry.status();
    } else {
        id = *existing.value();
        auto loaded = m_repository.load(id);
        if (!loaded)
            return loaded.status();
        Device device = std::move(loaded.value());
        const QString before = device.fwVersion;
        report.applyTo(device);
        device.lastSeen = received;
        if (before != device.fwVersion) {
            device.fwPrevious = before;
            if (Status s = m_repository.recordFirmwareChange(
                    id, {received, before, device.fwVersion, QStringLiteral("mqtt report")});
                !s)
                return s;
        }
        auto upserted = m_repository.upsert(device);
        if (!upserted)
            return upserted.status();
    }
    changed << id;
    return writeExtra(id, QStringLiteral("inventory"), report.header, item.receivedMs);
}

Status DeviceReportIngest::writeLiveness(const QString &uid, const Received &item,
                                         QList<qint64> &changed)
{
    auto existing = m_repository.idForUid(uid);
    if (!existing)
        return existing.status();
    // Presence and heartbeat say nothing about what the device is: a device is only created by
    // its inventory report.
    if (!existing.value())
        return {};
    const qint64 id = *existing.value();
    Status s;
    if (const auto *presence = std::get_if<PresenceReport>(&item.report)) {
        s = m_db.execute(
            QStringLiteral("UPDATE devices SET online = ?, last_seen = ? WHERE id = ?"),
            {presence->online ? 1 : 0, item.receivedMs, id});
    } else {
        const auto &heartbeat = std::get<HeartbeatReport>(item.report);
        s = m_db.execute(QStringLiteral("UPDATE devices SET online = 1, last_seen = ?, health = ? "
                                        "WHERE id = ?"),
                         {item.receivedMs, heartbeat.overallHealth(), id});
    }
    if (!s)
        return s;
    changed << id;
    return writeExtra(id, channelOf(item.report), reportHeader(item.report), item.receivedMs);
}

Status DeviceReportIngest::writeExtra(qint64 deviceId, const QString &channel,
                                      const ReportHeader &header, qint64 nowMs)
{
    // The latest report's unknown fields replace the earlier ones; none means none are kept.
    if (header.extra.isEmpty())
        return m_db.execute(QStringLiteral("DELETE FROM device_reported_extra WHERE device_id = ? "
                                           "AND channel = ?"),
                            {deviceId, channel});
    return m_db.execute(
        QStringLiteral("INSERT INTO device_reported_extra (device_id, channel, json, updated_ms) "
                       "VALUES (?, ?, ?, ?) ON CONFLICT (device_id, channel) DO UPDATE SET "
                       "json = excluded.json, updated_ms = excluded.updated_ms"),
        {deviceId, channel,
         QString::fromUtf8(QJsonDocument(header.extra).toJson(QJsonDocument::Compact)), nowMs});
}

} // namespace fleet
