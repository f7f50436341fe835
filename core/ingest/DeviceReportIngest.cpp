#include "ingest/DeviceReportIngest.h"

#include "audit/Actor.h"
#include "jobs/Job.h"
#include "mqtt/MqttClient.h"
#include "protocol/DevicePayloadParser.h"
#include "protocol/DeviceTopic.h"
#include "storage/SqliteDatabase.h"
#include "util/Clock.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <algorithm>
#include <variant>
#include <vector>

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
    , m_jobs(db)
    , m_audit(db, clock, Actor::system(), headAnchorPath)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(defaultFlushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { (void)writeQueued(false); });
    if (Status s = loadSequenceMemory(); !s)
        qCWarning(lcIngest).noquote()
            << "Cannot load the last sequence numbers; replays from before this start will "
               "not be recognised:"
            << s.message();
    if (Status s = loadExtraMemory(); !s)
        qCWarning(lcIngest).noquote()
            << "Cannot load which devices have unknown fields kept:" << s.message();
    if (Status s = loadKnownDevices(); !s)
        qCWarning(lcIngest).noquote() << "Cannot load the devices:" << s.message();
}

Status DeviceReportIngest::loadSequenceMemory()
{
    auto stmt = m_db.prepare(QStringLiteral("SELECT device_uid, stream, seq FROM "
                                            "device_stream_seq"));
    if (!stmt)
        return stmt.status();
    while (stmt->next())
        m_guard.restore(stmt->text(0), stmt->text(1), stmt->int64(2));
    if (!stmt->lastStepError().isEmpty())
        return Error::failed(stmt->lastStepError());
    return {};
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
            {base + QStringLiteral("heartbeat"), 0},
            {base + QStringLiteral("jobs/+/progress"), 1},
            {base + QStringLiteral("jobs/+/result"), 1}};
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
    // The jobs channel is Fleetdesk's own publication to devices, never a report.
    if (channel == DeviceTopic::Channel::Jobs)
        return;
    const bool isJobReport =
        channel == DeviceTopic::Channel::JobProgress || channel == DeviceTopic::Channel::JobResult;
    auto report = DevicePayloadParser::parse(t, payload);
    if (!report) {
        reject(t.deviceId(), report.message());
        return;
    }
    qint64 jobRow = 0;
    if (isJobReport) {
        // Checked before the guard, so invented job ids cannot make it track streams.
        auto row = jobRowFor(t.deviceId(), t.jobId());
        if (!row) {
            reject(t.deviceId(), row.message());
            return;
        }
        jobRow = row.value();
    }
    const qint64 seq = reportHeader(report.value()).seq;
    switch (m_guard.accept(t, seq)) {
    case SequenceGuard::Verdict::Fresh: {
        qint64 &stored = channel == DeviceTopic::Channel::Heartbeat
                             ? m_heartbeatSeqs[t.deviceId()]
                             : m_streamSeqs[{t.deviceId(), SequenceGuard::streamOf(t)}];
        stored = std::max(stored, seq);
        break;
    }
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
    if (isJobReport) {
        m_jobReports.append({t.deviceId(), jobRow, std::move(item)});
        ++m_queued;
        scheduleFlush();
        return;
    }
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
        (void)writeQueued(false);
        return;
    }
    if (!m_timer.isActive())
        m_timer.start();
}

Status DeviceReportIngest::flush()
{
    return writeQueued(true);
}

Status DeviceReportIngest::writeQueued(bool allSeqs)
{
    m_timer.stop();
    const bool withHeartbeatSeqs =
        !m_heartbeatSeqs.isEmpty() &&
        (allSeqs || m_clock.nowMs() - m_heartbeatSeqsWrittenMs >= heartbeatSeqIntervalMs);
    if (m_pending.isEmpty() && m_rejections.isEmpty() && m_jobReports.isEmpty() &&
        m_streamSeqs.isEmpty() && !withHeartbeatSeqs) {
        // Heartbeat seqs still to store: the timer comes back for them.
        if (!m_heartbeatSeqs.isEmpty())
            m_timer.start();
        return {};
    }
    QList<qint64> changed;
    QList<qint64> changedJobs;
    Status s = writeBatch(changed, changedJobs, withHeartbeatSeqs);
    m_lastFlushFailed = !s.ok();
    if (!s) {
        qCWarning(lcIngest).noquote()
            << "Writing" << m_queued << "device reports failed, will retry:" << s.message();
        // The rollback undid writes the in-memory shortcuts already counted on.
        forgetWrittenState();
        m_timer.start();
        return s;
    }
    const int messages = int(m_queued);
    m_pending.clear();
    m_rejections.clear();
    m_jobReportsWritten += m_jobReports.size();
    m_jobReports.clear();
    m_streamSeqs.clear();
    if (withHeartbeatSeqs) {
        m_heartbeatSeqs.clear();
        m_heartbeatSeqsWrittenMs = m_clock.nowMs();
    } else if (!m_heartbeatSeqs.isEmpty()) {
        m_timer.start();
    }
    m_queued = 0;
    m_nextOrder = 0;
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    emit batchCommitted(messages, changed);
    if (!changedJobs.isEmpty()) {
        std::sort(changedJobs.begin(), changedJobs.end());
        changedJobs.erase(std::unique(changedJobs.begin(), changedJobs.end()), changedJobs.end());
        emit jobsChanged(changedJobs);
    }
    return {};
}

Status DeviceReportIngest::writeBatch(QList<qint64> &changed, QList<qint64> &changedJobs,
                                      bool withHeartbeatSeqs)
{
    bool audited = false;
    {
        SqliteTransaction tx(m_db);
        if (!tx.beginStatus())
            return tx.beginStatus();
        // Inventories first: the first one creates the device the others update.
        for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
            for (const Received &item : it->inventories) {
                if (Status s = writeInventory(it.key(), item, changed); !s)
                    return s;
            }
        }
        // Then liveness, in the order of the devices' rows rather than the hash's: neighbouring
        // updates then touch the same B-tree pages, which SQLite reads and writes once.
        struct Live
        {
            qint64 id;
            const QString *uid;
            const PendingDevice *pending;
        };
        std::vector<Live> live;
        live.reserve(std::size_t(m_pending.size()));
        for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
            if (!it->presence && !it->heartbeat)
                continue;
            auto known = knownDevice(it.key());
            if (!known)
                return known.status();
            // No such device: writeLiveness() finds that again and writes nothing.
            live.push_back({known.value() ? known.value()->id : 0, &it.key(), &*it});
        }
        std::sort(live.begin(), live.end(),
                  [](const Live &a, const Live &b) { return a.id < b.id; });
        for (const Live &device : live) {
            // Presence and heartbeat both say whether the device is online: the later wins.
            const Received *liveness[2] = {
                device.pending->presence ? &*device.pending->presence : nullptr,
                device.pending->heartbeat ? &*device.pending->heartbeat : nullptr};
            if (liveness[0] && liveness[1] && liveness[1]->order < liveness[0]->order)
                std::swap(liveness[0], liveness[1]);
            for (const Received *item : liveness) {
                if (!item)
                    continue;
                if (Status s = writeLiveness(*device.uid, *item, changed); !s)
                    return s;
            }
        }
        for (const QueuedJobReport &queued : m_jobReports) {
            if (Status s = writeJobReport(queued, changedJobs, audited); !s)
                return s;
        }
        if (Status s = writeStreamSeqs(withHeartbeatSeqs); !s)
            return s;
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
        audited =
            audited || std::any_of(m_pending.cbegin(), m_pending.cend(),
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
    // The upsert wrote every column, liveness too: what was known of them is out of date.
    m_known.remove(uid);
    return writeExtra(id, item.report, item.receivedMs);
}

Status DeviceReportIngest::writeLiveness(const QString &uid, const Received &item,
                                         QList<qint64> &changed)
{
    const auto *presence = std::get_if<PresenceReport>(&item.report);
    const int online = presence ? (presence->online ? 1 : 0) : 1;
    const QString health =
        presence ? QString() : std::get<HeartbeatReport>(item.report).overallHealth();
    // A second attempt only after the cached id matched no row: the device was deleted or
    // replaced since, and is looked up again.
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto known = knownDevice(uid);
        if (!known)
            return known.status();
        // Presence and heartbeat say nothing about what the device is: a device is only
        // created by its inventory report.
        if (!known.value())
            return {};
        KnownDevice &device = *known.value();
        auto updated = updateLiveness(uid, device, online, health, item.receivedMs);
        if (!updated)
            return updated.status();
        if (updated.value()) {
            changed << device.id;
            return writeExtra(device.id, item.report, item.receivedMs);
        }
        m_known.remove(uid);
    }
    return {};
}

Result<DeviceReportIngest::KnownDevice *> DeviceReportIngest::knownDevice(const QString &uid)
{
    auto it = m_known.find(uid);
    if (it != m_known.end())
        return &*it;
    auto id = m_repository.idForUid(uid);
    if (!id)
        return id.error();
    // Unknown uids are not remembered: the device's inventory report may create it any time.
    if (!id.value())
        return static_cast<KnownDevice *>(nullptr);
    return &*m_known.insert(uid, KnownDevice{*id.value(), -1, QString()});
}

Result<bool> DeviceReportIngest::updateLiveness(const QString &uid, KnownDevice &device, int online,
                                                const QString &health, qint64 nowMs)
{
    const bool isHeartbeat = !health.isNull();
    // Most reports only move last_seen: the device is still online and as healthy as before.
    // Then only last_seen is set, because SQLite rewrites an index entry only for indexes on a
    // column in the SET list (EXPLAIN shows one IdxDelete/IdxInsert pair, devices_last_seen,
    // instead of two with online, which is in devices_online_name). The WHERE clause checks
    // that the row still has the values assumed, so a change by someone else is not masked:
    // no row matched, and the full update below runs.
    const bool mayBeUnchanged =
        device.online == -1 ||
        (device.online == online &&
         (!isHeartbeat || device.health.isNull() || device.health == health));
    if (mayBeUnchanged) {
        auto narrow = cachedStatement(
            isHeartbeat ? QStringLiteral("UPDATE devices SET last_seen = ?1 WHERE id = ?2 AND "
                                         "uid = ?3 AND online = ?4 AND health = ?5")
                        : QStringLiteral("UPDATE devices SET last_seen = ?1 WHERE id = ?2 AND "
                                         "uid = ?3 AND online = ?4"));
        if (!narrow)
            return narrow.error();
        SqliteStatement &stmt = *narrow.value();
        stmt.bind(1, nowMs);
        stmt.bind(2, device.id);
        stmt.bind(3, uid);
        stmt.bind(4, online);
        if (isHeartbeat)
            stmt.bind(5, health);
        if (Status s = stmt.exec(); !s)
            return s.error();
        if (m_db.changes() > 0) {
            device.online = online;
            if (isHeartbeat)
                device.health = health;
            return true;
        }
    }
    // The id is checked together with the uid: SQLite may give a deleted device's id to the
    // next device created.
    auto full = cachedStatement(
        isHeartbeat ? QStringLiteral("UPDATE devices SET online = ?1, last_seen = ?2, health = "
                                     "?3 WHERE id = ?4 AND uid = ?5")
                    : QStringLiteral("UPDATE devices SET online = ?1, last_seen = ?2 WHERE id = "
                                     "?4 AND uid = ?5"));
    if (!full)
        return full.error();
    SqliteStatement &stmt = *full.value();
    stmt.bind(1, online);
    stmt.bind(2, nowMs);
    if (isHeartbeat)
        stmt.bind(3, health);
    stmt.bind(4, device.id);
    stmt.bind(5, uid);
    if (Status s = stmt.exec(); !s)
        return s.error();
    if (m_db.changes() == 0)
        return false;
    device.online = online;
    if (isHeartbeat)
        device.health = health;
    return true;
}

Status DeviceReportIngest::writeExtra(qint64 deviceId, const DeviceReport &report, qint64 nowMs)
{
    const ReportHeader &header = reportHeader(report);
    const QString channel = channelOf(report);
    const quint8 bit = quint8(1u << report.index());
    // The latest report's unknown fields replace the earlier ones; none means none are kept.
    if (header.extra.isEmpty()) {
        auto it = m_extraChannels.find(deviceId);
        if (m_extraKnown && (it == m_extraChannels.end() || !(*it & bit)))
            return {};
        if (Status s = executeCached(QStringLiteral("DELETE FROM device_reported_extra WHERE "
                                                    "device_id = ? AND channel = ?"),
                                     {deviceId, channel});
            !s)
            return s;
        if (it != m_extraChannels.end())
            *it &= quint8(~bit);
        return {};
    }
    if (Status s = executeCached(
            QStringLiteral("INSERT INTO device_reported_extra (device_id, channel, json, "
                           "updated_ms) VALUES (?, ?, ?, ?) ON CONFLICT (device_id, channel) DO "
                           "UPDATE SET json = excluded.json, updated_ms = excluded.updated_ms"),
            {deviceId, channel,
             QString::fromUtf8(QJsonDocument(header.extra).toJson(QJsonDocument::Compact)), nowMs});
        !s)
        return s;
    m_extraChannels[deviceId] |= bit;
    return {};
}

Status DeviceReportIngest::loadExtraMemory()
{
    // Until it is loaded, every report without unknown fields deletes (the safe way).
    m_extraKnown = false;
    m_extraChannels.clear();
    auto stmt =
        m_db.prepare(QStringLiteral("SELECT device_id, channel FROM device_reported_extra"));
    if (!stmt)
        return stmt.status();
    while (stmt->next()) {
        const QString channel = stmt->text(1);
        const std::size_t index = channel == QLatin1String("presence")    ? 0
                                  : channel == QLatin1String("inventory") ? 1
                                                                          : 2;
        m_extraChannels[stmt->int64(0)] |= quint8(1u << index);
    }
    if (!stmt->lastStepError().isEmpty())
        return Error::failed(stmt->lastStepError());
    m_extraKnown = true;
    return {};
}

Status DeviceReportIngest::loadKnownDevices()
{
    m_known.clear();
    auto stmt = m_db.prepare(QStringLiteral("SELECT id, uid, online, health FROM devices"));
    if (!stmt)
        return stmt.status();
    // One copy of each health word rather than one per device: a million devices are held.
    const QString words[] = {QStringLiteral("ok"), QStringLiteral("degraded"),
                             QStringLiteral("failing"), QStringLiteral("unknown")};
    while (stmt->next()) {
        QString health = stmt->text(3);
        for (const QString &word : words)
            if (health == word)
                health = word;
        m_known.insert(stmt->text(1), KnownDevice{stmt->int64(0), int(stmt->int64(2)), health});
    }
    if (!stmt->lastStepError().isEmpty()) {
        m_known.clear();
        return Error::failed(stmt->lastStepError());
    }
    return {};
}

void DeviceReportIngest::forgetWrittenState()
{
    m_known.clear();
    if (Status s = loadExtraMemory(); !s)
        qCWarning(lcIngest).noquote()
            << "Cannot load which devices have unknown fields kept:" << s.message();
}

Result<SqliteStatement *> DeviceReportIngest::cachedStatement(const QString &sql)
{
    // Heartbeats run these statements once per device and batch: preparing them every time
    // cost more than running them.
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        auto prepared = m_db.prepare(sql);
        if (!prepared)
            return prepared.error();
        it = m_statements.emplace(sql, std::move(prepared.value())).first;
    }
    return &it->second;
}

Status DeviceReportIngest::executeCached(const QString &sql, const QVariantList &binds)
{
    auto stmt = cachedStatement(sql);
    if (!stmt)
        return stmt.status();
    stmt.value()->bindAll(binds);
    return stmt.value()->exec();
}

} // namespace fleet

namespace fleet {

Result<qint64> DeviceReportIngest::jobRowFor(const QString &deviceUid, const QString &jobId)
{
    auto stmt = m_db.prepare(QStringLiteral("SELECT j.id, d.uid FROM jobs j JOIN devices d ON "
                                            "d.id = j.device_id WHERE j.job_id = ?"));
    if (!stmt)
        return Error::failed(
            QStringLiteral("cannot check job '%1': %2").arg(jobId, stmt.message()));
    stmt->bind(1, jobId);
    if (!stmt->next()) {
        if (!stmt->lastStepError().isEmpty())
            return Error::failed(
                QStringLiteral("cannot check job '%1': %2").arg(jobId, stmt->lastStepError()));
        return Error::invalid(
            QStringLiteral("job '%1' is not a job Fleetdesk sent (unknown job id)").arg(jobId));
    }
    if (stmt->text(1) != deviceUid)
        return Error::invalid(QStringLiteral("job '%1' was sent to another device, not to '%2'")
                                  .arg(jobId, deviceUid));
    return stmt->int64(0);
}

Status DeviceReportIngest::writeJobReport(const QueuedJobReport &queued, QList<qint64> &changedJobs,
                                          bool &audited)
{
    const auto &report = std::get<JobProgressReport>(queued.item.report);
    auto job = m_jobs.load(queued.jobRow);
    if (!job) {
        // The job went away with its device between arrival and this batch.
        if (job.error().kind == Error::Kind::NotFound)
            return {};
        return job.status();
    }
    const qint64 atMs = queued.item.receivedMs;
    if (Status s = m_jobs.recordEvent(
            job->row, {0, atMs, report.header.seq, report.state, report.percent, report.reason});
        !s)
        return s;
    changedJobs << job->row;
    // A cancelled or timed-out job, or one with a result already, keeps its state: the event
    // says what the device reported anyway.
    if (job->isFinished())
        return {};
    std::optional<int> percent = report.percent;
    if (report.state == QLatin1String("succeeded"))
        percent = 100;
    if (Status s = m_jobs.applyState(job->row, report.state, percent, report.reason, atMs); !s)
        return s;
    if (!report.isFinal())
        return {};
    // The result is the device's word, so the device is the actor: "device <uid>" on this host.
    Actor device = Actor::system();
    device.operatorName = QStringLiteral("device %1").arg(queued.deviceUid);
    m_audit.setActor(device);
    QJsonObject after{{QStringLiteral("state"), report.state},
                      {QStringLiteral("device"), queued.deviceUid},
                      {QStringLiteral("kind"), job->kind},
                      {QStringLiteral("seq"), report.header.seq}};
    if (!report.reason.isEmpty())
        after.insert(QStringLiteral("reason"), report.reason);
    auto entry = m_audit.append({QStringLiteral("job.result"),
                                 QStringLiteral("job"),
                                 job->jobId,
                                 QJsonObject{{QStringLiteral("state"), job->state}},
                                 after,
                                 {}});
    m_audit.setActor(Actor::system());
    if (!entry)
        return entry.status();
    audited = true;
    return {};
}

Status DeviceReportIngest::writeStreamSeqs(bool withHeartbeats)
{
    if (m_streamSeqs.isEmpty() && (!withHeartbeats || m_heartbeatSeqs.isEmpty()))
        return {};
    auto stmt = m_db.prepare(QStringLiteral(
        "INSERT INTO device_stream_seq (device_uid, stream, seq) VALUES (?, ?, ?) ON CONFLICT "
        "(device_uid, stream) DO UPDATE SET seq = max(seq, excluded.seq)"));
    if (!stmt)
        return stmt.status();
    // In key order, for the same reason as the liveness updates: neighbouring rows.
    std::vector<std::pair<std::pair<QString, QString>, qint64>> rows;
    rows.reserve(std::size_t(m_streamSeqs.size() + (withHeartbeats ? m_heartbeatSeqs.size() : 0)));
    for (auto it = m_streamSeqs.cbegin(); it != m_streamSeqs.cend(); ++it)
        rows.push_back({it.key(), it.value()});
    if (withHeartbeats) {
        const QString heartbeat = DeviceTopic::channelName(DeviceTopic::Channel::Heartbeat);
        for (auto it = m_heartbeatSeqs.cbegin(); it != m_heartbeatSeqs.cend(); ++it)
            rows.push_back({{it.key(), heartbeat}, it.value()});
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    for (const auto &[key, seq] : rows) {
        stmt->bind(1, key.first);
        stmt->bind(2, key.second);
        stmt->bind(3, seq);
        if (Status s = stmt->exec(); !s)
            return s;
    }
    return {};
}

} // namespace fleet
