#include "ingest/IngestBatchWriter.h"

#include "audit/Actor.h"
#include "jobs/Job.h"
#include "protocol/DeviceTopic.h"
#include "storage/SqliteDatabase.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <algorithm>
#include <variant>
#include <vector>

Q_DECLARE_LOGGING_CATEGORY(lcIngest)

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

IngestBatchWriter::IngestBatchWriter(SqliteDatabase &db, const QString &headAnchorPath)
    : m_db(db)
    , m_batchClock(QDateTime::currentDateTimeUtc())
    , m_repository(db)
    , m_jobs(db)
    , m_audit(db, m_batchClock, Actor::system(), headAnchorPath)
{
    if (Status s = loadExtraMemory(); !s)
        qCWarning(lcIngest).noquote()
            << "Cannot load which devices have unknown fields kept:" << s.message();
    if (Status s = loadKnownDevices(); !s)
        qCWarning(lcIngest).noquote() << "Cannot load the devices:" << s.message();
}

Result<IngestBatchResult> IngestBatchWriter::write(const IngestBatch &batch)
{
    m_batchClock.setNow(QDateTime::fromMSecsSinceEpoch(batch.cutMs, Qt::UTC));
    IngestBatchResult result;
    if (Status s = writeBatch(batch, result); !s) {
        // The rollback undid writes the in-memory shortcuts already counted on.
        forgetWrittenState();
        return s.error();
    }
    result.messages = int(batch.messages);
    result.jobReports = batch.jobReports.size();
    for (QList<qint64> *ids : {&result.changedDeviceIds, &result.changedJobRows}) {
        std::sort(ids->begin(), ids->end());
        ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
    }
    return result;
}

Status IngestBatchWriter::writeBatch(const IngestBatch &batch, IngestBatchResult &result)
{
    QList<qint64> &changed = result.changedDeviceIds;
    QList<qint64> &changedJobs = result.changedJobRows;
    bool audited = false;
    {
        SqliteTransaction tx(m_db);
        if (!tx.beginStatus())
            return tx.beginStatus();
        // Inventories first: the first one creates the device the others update.
        for (auto it = batch.pending.cbegin(); it != batch.pending.cend(); ++it) {
            for (const qsizetype index : it->inventories) {
                if (Status s = writeInventory(it.key(), batch.item(index), changed); !s)
                    return s;
            }
        }
        // Then liveness, in the order of the devices' rows rather than the hash's: neighbouring
        // updates then touch the same B-tree pages, which SQLite reads and writes once.
        struct Live
        {
            qint64 id;
            const QString *uid;
            KnownDevice *known; // nullptr: no such device (writeLiveness() looks again)
            const IngestBatch::PendingDevice *pending;
        };
        std::vector<Live> live;
        live.reserve(std::size_t(batch.pending.size()));
        for (auto it = batch.pending.cbegin(); it != batch.pending.cend(); ++it) {
            if (it->presence < 0 && it->heartbeat < 0)
                continue;
            auto known = knownDevice(it.key());
            if (!known)
                return known.status();
            live.push_back({known.value() ? known.value()->id : 0, &it.key(), known.value(), &*it});
        }
        std::sort(live.begin(), live.end(),
                  [](const Live &a, const Live &b) { return a.id < b.id; });
        for (Live &device : live) {
            // Presence and heartbeat both say whether the device is online: the later wins.
            const Received *liveness[2] = {
                device.pending->presence >= 0 ? &batch.item(device.pending->presence) : nullptr,
                device.pending->heartbeat >= 0 ? &batch.item(device.pending->heartbeat) : nullptr};
            if (liveness[0] && liveness[1] && liveness[1]->order < liveness[0]->order)
                std::swap(liveness[0], liveness[1]);
            for (const Received *item : liveness) {
                if (!item)
                    continue;
                if (Status s = writeLiveness(*device.uid, device.known, *item, changed); !s)
                    return s;
            }
        }
        for (const IngestBatch::QueuedJobReport &queued : batch.jobReports) {
            if (Status s = writeJobReport(queued, changedJobs, audited); !s)
                return s;
        }
        if (Status s = writeStreamSeqs(batch); !s)
            return s;
        for (auto it = batch.rejections.cbegin(); it != batch.rejections.cend(); ++it) {
            if (Status s = m_db.execute(
                    QStringLiteral("INSERT INTO ingest_rejections (device_uid, reason, count, "
                                   "last_ms) VALUES (?, ?, ?, ?) ON CONFLICT (device_uid) DO "
                                   "UPDATE SET reason = excluded.reason, count = count + "
                                   "excluded.count, last_ms = excluded.last_ms"),
                    {it.key(), it->reason, it->count, it->lastMs});
                !s)
                return s;
        }
        audited = audited || std::any_of(batch.pending.cbegin(), batch.pending.cend(),
                                         [](const IngestBatch::PendingDevice &p) {
                                             return !p.inventories.isEmpty();
                                         });
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

Status IngestBatchWriter::writeInventory(const QString &uid, const Received &item,
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
    m_known.erase(uid);
    return writeExtra(id, item.report, item.receivedMs);
}

Status IngestBatchWriter::writeLiveness(const QString &uid, IngestBatchWriter::KnownDevice *&device,
                                        const Received &item, QList<qint64> &changed)
{
    const auto *presence = std::get_if<PresenceReport>(&item.report);
    const int online = presence ? (presence->online ? 1 : 0) : 1;
    const QString health =
        presence ? QString() : std::get<HeartbeatReport>(item.report).overallHealth();
    // A second attempt only after the cached id matched no row: the device was deleted or
    // replaced since, and is looked up again.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!device) {
            auto known = knownDevice(uid);
            if (!known)
                return known.status();
            // Presence and heartbeat say nothing about what the device is: a device is only
            // created by its inventory report.
            if (!known.value())
                return {};
            device = known.value();
        }
        auto updated = updateLiveness(uid, *device, online, health, item.receivedMs);
        if (!updated)
            return updated.status();
        if (updated.value()) {
            changed << device->id;
            return writeExtra(device->id, item.report, item.receivedMs);
        }
        device = nullptr;
        m_known.erase(uid);
    }
    return {};
}

Result<IngestBatchWriter::KnownDevice *> IngestBatchWriter::knownDevice(const QString &uid)
{
    auto it = m_known.find(uid);
    if (it != m_known.end())
        return &it->second;
    auto id = m_repository.idForUid(uid);
    if (!id)
        return id.error();
    // Unknown uids are not remembered: the device's inventory report may create it any time.
    if (!id.value())
        return static_cast<KnownDevice *>(nullptr);
    return &m_known.insert_or_assign(uid, KnownDevice{*id.value(), -1, QString()}).first->second;
}

Result<bool> IngestBatchWriter::updateLiveness(const QString &uid, KnownDevice &device, int online,
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

Status IngestBatchWriter::writeExtra(qint64 deviceId, const DeviceReport &report, qint64 nowMs)
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

Status IngestBatchWriter::loadExtraMemory()
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

Status IngestBatchWriter::loadKnownDevices()
{
    m_known.clear();
    auto count = m_db.scalar(QStringLiteral("SELECT count(*) FROM devices"));
    if (count)
        m_known.reserve(std::size_t(count->toLongLong()));
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
        m_known.insert_or_assign(stmt->text(1),
                                 KnownDevice{stmt->int64(0), int(stmt->int64(2)), health});
    }
    if (!stmt->lastStepError().isEmpty()) {
        m_known.clear();
        return Error::failed(stmt->lastStepError());
    }
    return {};
}

void IngestBatchWriter::forgetWrittenState()
{
    m_known.clear();
    if (Status s = loadExtraMemory(); !s)
        qCWarning(lcIngest).noquote()
            << "Cannot load which devices have unknown fields kept:" << s.message();
}

Result<SqliteStatement *> IngestBatchWriter::cachedStatement(const QString &sql)
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

Status IngestBatchWriter::executeCached(const QString &sql, const QVariantList &binds)
{
    auto stmt = cachedStatement(sql);
    if (!stmt)
        return stmt.status();
    stmt.value()->bindAll(binds);
    return stmt.value()->exec();
}

Status IngestBatchWriter::writeJobReport(const IngestBatch::QueuedJobReport &queued,
                                         QList<qint64> &changedJobs, bool &audited)
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

Status IngestBatchWriter::writeStreamSeqs(const IngestBatch &batch)
{
    if (batch.streamSeqs.isEmpty() && batch.heartbeatSeqs.empty())
        return {};
    auto stmt = m_db.prepare(QStringLiteral(
        "INSERT INTO device_stream_seq (device_uid, stream, seq) VALUES (?, ?, ?) ON CONFLICT "
        "(device_uid, stream) DO UPDATE SET seq = max(seq, excluded.seq)"));
    if (!stmt)
        return stmt.status();
    // In key order, for the same reason as the liveness updates: neighbouring rows.
    std::vector<std::pair<std::pair<QString, QString>, qint64>> rows;
    rows.reserve(std::size_t(batch.streamSeqs.size() + batch.heartbeatSeqs.size()));
    for (auto it = batch.streamSeqs.cbegin(); it != batch.streamSeqs.cend(); ++it)
        rows.push_back({it.key(), it.value()});
    const QString heartbeat = DeviceTopic::channelName(DeviceTopic::Channel::Heartbeat);
    for (const auto &[uid, seq] : batch.heartbeatSeqs)
        rows.push_back({{uid, heartbeat}, seq});
    // One comparison of the uids per step (pair's operator< makes two): a whole fleet's
    // heartbeat streams are stored every few seconds.
    std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
        const int byUid = a.first.first.compare(b.first.first);
        return byUid != 0 ? byUid < 0 : a.first.second < b.first.second;
    });
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