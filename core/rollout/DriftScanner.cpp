#include "rollout/DriftScanner.h"

#include "storage/SqliteDatabase.h"
#include "storage/SqliteStatement.h"
#include "util/Clock.h"

namespace fleet {

namespace {

std::optional<InstallOutcome> outcomeOf(const QString &jobState)
{
    if (jobState == QLatin1String("succeeded"))
        return InstallOutcome::Succeeded;
    if (jobState == QLatin1String("failed"))
        return InstallOutcome::Failed;
    if (jobState == QLatin1String("rolled_back"))
        return InstallOutcome::RolledBack;
    if (jobState == QLatin1String("timed_out"))
        return InstallOutcome::TimedOut;
    if (jobState == QLatin1String("cancelled"))
        return InstallOutcome::Cancelled;
    if (jobState == QLatin1String("rejected"))
        return InstallOutcome::Rejected;
    return std::nullopt;
}

QDateTime utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

} // namespace

DriftScanner::DriftScanner(SqliteDatabase &db, const Clock &clock, DriftSettings settings)
    : m_db(db)
    , m_clock(clock)
    , m_detector(settings)
{}

Result<DeviceVersionState> DriftScanner::gather(qint64 deviceId)
{
    auto d = m_db.prepare(QStringLiteral("SELECT uid, fw_version, last_seen, fw_assigned FROM "
                                         "devices WHERE id = ?"));
    if (!d)
        return d.error();
    d->bindAll({deviceId});
    if (!d->next())
        return Error::notFound(QStringLiteral("No device with id %1").arg(deviceId));
    DeviceVersionState s;
    s.deviceId = d->text(0);
    s.reported = d->text(1);
    if (!d->isNull(2))
        s.reportedAt = utc(d->int64(2));
    s.assigned = d->text(3);

    const qint64 since = m_clock.nowMs() - 1000 * qMax(m_detector.settings().loopWindowSecs,
                                                       m_detector.settings().flapWindowSecs);
    auto open = m_db.scalar(QStringLiteral("SELECT target_version FROM jobs WHERE device_id = ? "
                                           "AND kind IN ('update', 'rollback') AND finished_ms "
                                           "IS NULL ORDER BY id DESC LIMIT 1"),
                            {deviceId});
    if (!open)
        return open.error();
    s.expected = open->toString();

    auto h = m_db.prepare(QStringLiteral("SELECT at_ms, from_version, to_version FROM "
                                         "firmware_history WHERE device_id = ? AND at_ms >= ? "
                                         "ORDER BY at_ms, id"));
    if (!h)
        return h.error();
    h->bindAll({deviceId, since});
    while (h->next())
        s.history << VersionChange{utc(h->int64(0)), h->text(1), h->text(2)};

    auto j = m_db.prepare(QStringLiteral("SELECT finished_ms, state, target_version FROM jobs "
                                         "WHERE device_id = ? AND kind IN ('update', "
                                         "'rollback') AND finished_ms >= ? ORDER BY finished_ms, "
                                         "id"));
    if (!j)
        return j.error();
    j->bindAll({deviceId, since});
    while (j->next())
        if (auto outcome = outcomeOf(j->text(1)))
            s.attempts << InstallAttempt{utc(j->int64(0)), *outcome, j->text(2)};
    if (!j->lastStepError().isEmpty())
        return Error::failed(j->lastStepError());
    return s;
}

Status DriftScanner::store(qint64 deviceId, const QList<DriftFinding> &findings)
{
    // Unchanged findings are left as they are: a scan that finds nothing new writes nothing,
    // so the views that watch the file for changes stay quiet.
    auto current = m_db.prepare(QStringLiteral(
        "SELECT kind, subject, sentence FROM device_drift WHERE device_id = ? ORDER BY kind"));
    if (!current)
        return current.status();
    current->bindAll({deviceId});
    QStringList stored;
    while (current->next())
        stored << current->text(0) + QLatin1Char('\n') + current->text(1) + QLatin1Char('\n') +
                      current->text(2);
    QStringList found;
    for (const DriftFinding &f : findings)
        found << driftKindName(f.kind) + QLatin1Char('\n') + f.subject + QLatin1Char('\n') +
                     f.sentence;
    found.sort();
    if (stored == found)
        return Status::success();
    if (Status s = m_db.execute(QStringLiteral("DELETE FROM device_drift WHERE device_id = ?"),
                                {deviceId});
        !s)
        return s;
    for (const DriftFinding &f : findings)
        if (Status s = m_db.execute(
                QStringLiteral("INSERT OR REPLACE INTO device_drift (device_id, kind, subject, "
                               "sentence, detected_ms) VALUES (?, ?, ?, ?, ?)"),
                {deviceId, driftKindName(f.kind), f.subject, f.sentence, m_clock.nowMs()});
            !s)
            return s;
    return Status::success();
}

Result<QList<DriftFinding>> DriftScanner::scanDevice(qint64 deviceId)
{
    auto state = gather(deviceId);
    if (!state)
        return state.error();
    const QList<DriftFinding> findings = m_detector.inspect(state.value(), m_clock.nowUtc());
    if (Status s = store(deviceId, findings); !s)
        return s.error();
    return findings;
}

Result<int> DriftScanner::scanNext(int limit)
{
    SqliteTransaction tx(m_db);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    auto ids =
        m_db.prepare(QStringLiteral("SELECT id FROM devices WHERE id > ? ORDER BY id LIMIT ?"));
    if (!ids)
        return ids.error();
    ids->bindAll({m_cursor, limit});
    QList<qint64> batch;
    while (ids->next())
        batch << ids->int64(0);
    if (batch.size() < limit)
        m_cursor = 0; // the end of the fleet: start again from the first device next time
    else
        m_cursor = batch.last();
    for (qint64 id : batch)
        if (auto findings = scanDevice(id); !findings)
            return findings.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return int(batch.size());
}

} // namespace fleet
