#include "RolloutSnapshotWorker.h"

#include "rollout/RolloutStatus.h"
#include "storage/SqliteDatabase.h"
#include "storage/SqliteStatement.h"
#include "storage/Workspace.h"

#include <algorithm>

namespace fleet {

namespace {

// The timeline view marks at most this many rollout-level events (the newest): more would
// be a solid bar of marks anyway.
constexpr int kMaxMarkers = 2000;

Result<QList<RolloutListEntry>> readList(SqliteDatabase &db)
{
    auto s = db.prepare(QStringLiteral(
        "SELECT r.id, r.name, coalesce(rel.name, ''), coalesce(rel.version, ''), r.state, "
        "count(rd.device_id), coalesce(sum(rd.state = 'succeeded'), 0), "
        "coalesce(sum(rd.state IN ('failed', 'rejected', 'timed_out', 'rolled_back')), 0), "
        "r.created_ms, r.started_ms, r.updated_ms "
        "FROM rollouts r LEFT JOIN releases rel ON rel.id = r.release_id "
        "LEFT JOIN rollout_devices rd ON rd.rollout_id = r.id "
        "GROUP BY r.id ORDER BY r.created_ms DESC, r.id DESC"));
    if (!s)
        return s.error();
    QList<RolloutListEntry> entries;
    while (s->next()) {
        RolloutListEntry e;
        e.id = s->int64(0);
        e.name = s->text(1);
        e.releaseName = s->text(2);
        e.releaseVersion = s->text(3);
        auto state = RolloutStates::parse(s->text(4));
        if (!state)
            return state.error();
        e.state = state.value();
        e.total = s->int64(5);
        e.succeeded = s->int64(6);
        e.failures = s->int64(7);
        e.createdMs = s->int64(8);
        e.startedMs = s->optionalInt64(9);
        e.updatedMs = s->int64(10);
        entries.append(e);
    }
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return entries;
}

Result<QList<RolloutWaveSpan>> readSpans(SqliteDatabase &db, qint64 rolloutId)
{
    auto s = db.prepare(QStringLiteral(
        "SELECT wave, min(started_ms), max(finished_ms), count(*), "
        "sum(state IN ('succeeded', 'failed', 'rejected', 'timed_out', 'cancelled', 'removed', "
        "'rolled_back')) FROM rollout_devices WHERE rollout_id = ? GROUP BY wave ORDER BY wave"));
    if (!s)
        return s.error();
    s->bind(1, rolloutId);
    QList<RolloutWaveSpan> spans;
    while (s->next()) {
        RolloutWaveSpan span;
        span.wave = int(s->int64(0));
        span.startMs = s->optionalInt64(1);
        span.endMs = s->optionalInt64(2);
        span.total = s->int64(3);
        span.finished = s->int64(4);
        span.unfinished = span.total - span.finished;
        spans.append(span);
    }
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return spans;
}

Result<QList<RolloutEvent>> readMarkers(SqliteDatabase &db, qint64 rolloutId)
{
    auto s = db.prepare(QStringLiteral(
        "SELECT e.id, e.at_ms, e.device_id, coalesce(d.uid, ''), e.wave, e.kind, e.from_state, "
        "e.to_state, e.actor, e.reason FROM rollout_events e "
        "LEFT JOIN devices d ON d.id = e.device_id "
        "WHERE e.rollout_id = ? AND e.kind <> 'device' ORDER BY e.id DESC LIMIT ?"));
    if (!s)
        return s.error();
    s->bind(1, rolloutId);
    s->bind(2, kMaxMarkers);
    QList<RolloutEvent> events;
    while (s->next()) {
        RolloutEvent e;
        e.id = s->int64(0);
        e.atMs = s->int64(1);
        e.deviceId = s->optionalInt64(2);
        e.deviceUid = s->text(3);
        if (auto wave = s->optionalInt64(4))
            e.wave = int(*wave);
        e.kind = s->text(5);
        e.fromState = s->text(6);
        e.toState = s->text(7);
        e.actor = s->text(8);
        e.reason = s->text(9);
        events.append(e);
    }
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    std::reverse(events.begin(), events.end());
    return events;
}

Result<QByteArray> readZone(SqliteDatabase &db, qint64 rolloutId)
{
    auto zone = db.scalar(
        QStringLiteral("SELECT coalesce(s.time_zone, 'UTC') AS zone FROM rollout_devices rd "
                       "JOIN devices d ON d.id = rd.device_id "
                       "LEFT JOIN sites s ON s.id = d.site_id WHERE rd.rollout_id = ? "
                       "GROUP BY zone ORDER BY count(*) DESC, zone LIMIT 1"),
        {rolloutId});
    if (!zone)
        return zone.error();
    const QString name = zone.value().toString();
    return name.isEmpty() ? QByteArray("UTC") : name.toUtf8();
}

} // namespace

RolloutSnapshotWorker::RolloutSnapshotWorker(const Workspace &workspace)
{
    qRegisterMetaType<RolloutSnapshot>();
    auto connection = workspace.openConnection();
    if (connection)
        m_db = std::move(connection.value());
    else
        m_connectionError =
            tr("Cannot open a reading connection to the workspace: %1").arg(connection.message());
}

RolloutSnapshotWorker::~RolloutSnapshotWorker() = default;

RolloutSnapshot RolloutSnapshotWorker::read(SqliteDatabase &db, qint64 rolloutId, qint64 nowMs)
{
    RolloutSnapshot snapshot;
    snapshot.nowMs = nowMs;
    snapshot.rolloutId = rolloutId;
    QStringList errors;
    if (auto list = readList(db))
        snapshot.rollouts = std::move(list.value());
    else
        errors << tr("Cannot list the rollouts: %1").arg(list.message());
    if (rolloutId <= 0)
        return snapshot;

    RolloutStatusReader reader(db);
    auto status = reader.status(rolloutId);
    if (!status) {
        errors << tr("Cannot read rollout %1: %2").arg(rolloutId).arg(status.message());
        snapshot.error = errors.join(QLatin1Char('\n'));
        return snapshot;
    }
    snapshot.status = std::move(status.value());
    snapshot.hasDetails = true;
    if (auto samples = reader.statusOverTime(rolloutId))
        snapshot.samples = std::move(samples.value());
    else
        errors << tr("Cannot read the status over time: %1").arg(samples.message());
    if (auto markers = readMarkers(db, rolloutId))
        snapshot.markers = std::move(markers.value());
    else
        errors << tr("Cannot read the timeline: %1").arg(markers.message());
    if (auto spans = readSpans(db, rolloutId))
        snapshot.spans = std::move(spans.value());
    else
        errors << tr("Cannot read the waves' times: %1").arg(spans.message());
    if (auto zone = readZone(db, rolloutId))
        snapshot.zone = zone.value();
    else
        errors << tr("Cannot read the sites' time zones: %1").arg(zone.message());
    snapshot.error = errors.join(QLatin1Char('\n'));
    return snapshot;
}

void RolloutSnapshotWorker::poll(quint64 request, qint64 rolloutId, bool force, qint64 nowMs)
{
    if (!m_db) {
        RolloutSnapshot failed;
        failed.request = request;
        failed.rolloutId = rolloutId;
        failed.error = m_connectionError;
        emit snapshotReady(failed);
        return;
    }
    auto version = m_db->scalar(QStringLiteral("PRAGMA data_version"));
    const qint64 v = version ? version->toLongLong() : -2; // unreadable: always read
    const bool changed = v != m_dataVersion || v == -2 || rolloutId != m_rolloutId;
    m_dataVersion = v;
    m_rolloutId = rolloutId;
    if (!changed && !force) {
        emit unchanged(request);
        return;
    }
    RolloutSnapshot snapshot = read(*m_db, rolloutId, nowMs);
    snapshot.request = request;
    emit snapshotReady(snapshot);
}

} // namespace fleet
