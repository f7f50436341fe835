#include "rollout/RolloutStatus.h"

#include "firmware/ReleaseRepository.h"
#include "rollout/DeviceStepTimeouts.h"
#include "rollout/RolloutRuntimeStore.h"
#include "rollout/TestPassStore.h"
#include "storage/SqliteDatabase.h"
#include "storage/SqliteStatement.h"

#include <QHash>

namespace fleet {

namespace {

// Which line of the status-over-time chart a device state belongs to.
enum class Line { Queued, InProgress, Succeeded, Failed, RolledBack, None };

Line lineOf(const QString &stateName)
{
    auto state = RolloutDeviceStates::parse(stateName);
    if (!state)
        return Line::None;
    switch (state.value()) {
    case RolloutDeviceState::Queued:
        return Line::Queued;
    case RolloutDeviceState::Succeeded:
        return Line::Succeeded;
    case RolloutDeviceState::Failed:
    case RolloutDeviceState::Rejected:
    case RolloutDeviceState::TimedOut:
        return Line::Failed;
    case RolloutDeviceState::RolledBack:
        return Line::RolledBack;
    case RolloutDeviceState::Cancelled:
    case RolloutDeviceState::Removed:
        return Line::None;
    default:
        return Line::InProgress;
    }
}

void add(RolloutStatusSample &s, Line line, qint64 n)
{
    switch (line) {
    case Line::Queued:
        s.queued += n;
        break;
    case Line::InProgress:
        s.inProgress += n;
        break;
    case Line::Succeeded:
        s.succeeded += n;
        break;
    case Line::Failed:
        s.failed += n;
        break;
    case Line::RolledBack:
        s.rolledBack += n;
        break;
    case Line::None:
        break;
    }
}

} // namespace

RolloutStatusReader::RolloutStatusReader(SqliteDatabase &db)
    : m_db(db)
{}

Result<RolloutStatus> RolloutStatusReader::status(qint64 rolloutId)
{
    RolloutStore store(m_db);
    auto rollout = store.header(rolloutId);
    if (!rollout)
        return rollout.error();
    RolloutStatus status;
    status.rollout = rollout.value();
    ReleaseRepository releases(m_db);
    if (auto release = releases.load(rollout->releaseId)) {
        status.releaseName = release->name;
        status.releaseVersion = release->version.toString();
        status.releaseSha256 = release->sha256;
    } else {
        return release.error();
    }
    // Reading the records needs no audit log: forHash() only reads.
    auto passes = m_db.scalar(QStringLiteral("SELECT count(*) FROM release_test_passes WHERE "
                                             "sha256 = ?"),
                              {status.releaseSha256});
    if (!passes)
        return passes.error();
    if (passes->toLongLong() > 0) {
        auto records = TestPassStore::read(m_db, status.releaseSha256);
        if (!records)
            return records.error();
        status.testPasses = records.value();
        for (const TestPassRecord &r : status.testPasses)
            status.testGatePassed = status.testGatePassed || r.verified;
    }
    RolloutRuntimeStore runtime(m_db);
    auto counts = runtime.waveCounts(rolloutId);
    if (!counts)
        return counts.error();
    for (auto it = counts->cbegin(); it != counts->cend(); ++it) {
        RolloutWaveStatus w;
        w.wave = it.key();
        w.name = w.wave == 0 ? QStringLiteral("pilot") : QStringLiteral("wave %1").arg(w.wave);
        w.counts = it.value();
        w.current = w.wave == rollout->currentWave;
        status.waves << w;
        status.total.add(it.value());
    }
    auto excluded =
        m_db.scalar(QStringLiteral("SELECT count(*) FROM rollout_exclusions WHERE rollout_id = ?"),
                    {rolloutId});
    if (!excluded)
        return excluded.error();
    status.excludedCount = excluded->toLongLong();
    return status;
}

Result<QList<RolloutDeviceStatus>>
RolloutStatusReader::devices(qint64 rolloutId, std::optional<RolloutDeviceState> state, int limit,
                             int offset)
{
    QString sql = QStringLiteral(
        "SELECT rd.device_id, d.uid, d.name, coalesce(s.name, ''), rd.wave, rd.state, rd.attempts, "
        "j.job_id, "
        "j.state, j.percent, rd.failure_kind, rd.reason, rd.known_good, d.fw_version, "
        "rd.rollback_requested_ms, rd.started_ms, rd.finished_ms, rd.updated_ms, (SELECT "
        "group_concat(kind, ',') FROM device_drift WHERE device_id = rd.device_id) FROM "
        "rollout_devices rd JOIN devices d ON d.id = rd.device_id LEFT JOIN sites s ON s.id = "
        "d.site_id LEFT JOIN jobs j ON j.id = coalesce(rd.rollback_job_row, rd.job_row) WHERE "
        "rd.rollout_id = ?");
    QVariantList binds{rolloutId};
    if (state) {
        sql += QStringLiteral(" AND rd.state = ?");
        binds << RolloutDeviceStates::name(*state);
    }
    sql += QStringLiteral(" ORDER BY rd.wave, rd.rowid LIMIT ? OFFSET ?");
    binds << limit << offset;
    auto s = m_db.prepare(sql);
    if (!s)
        return s.error();
    s->bindAll(binds);
    QList<RolloutDeviceStatus> rows;
    while (s->next()) {
        RolloutDeviceStatus r;
        r.deviceId = s->int64(0);
        r.uid = s->text(1);
        r.name = s->text(2);
        r.site = s->text(3);
        r.wave = int(s->int64(4));
        if (auto st = RolloutDeviceStates::parse(s->text(5)))
            r.state = st.value();
        r.step = DeviceStepTimeouts::stepName(DeviceStepTimeouts::stepOf(r.state));
        r.attempts = int(s->int64(6));
        r.jobId = s->text(7);
        r.jobState = s->text(8);
        if (!s->isNull(9))
            r.percent = int(s->int64(9));
        r.failureKind = s->text(10);
        r.reason = s->text(11);
        r.knownGood = s->text(12);
        r.reportedVersion = s->text(13);
        r.rollbackRequested = !s->isNull(14);
        r.startedMs = s->optionalInt64(15);
        r.finishedMs = s->optionalInt64(16);
        r.updatedMs = s->int64(17);
        if (!s->isNull(18))
            r.drift = s->text(18).split(QLatin1Char(','));
        rows << r;
    }
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return rows;
}

Result<QList<RolloutEvent>>
RolloutStatusReader::events(qint64 rolloutId, std::optional<qint64> deviceId, qint64 afterId)
{
    QString sql = QStringLiteral(
        "SELECT e.id, e.at_ms, e.device_id, d.uid, e.wave, e.kind, e.from_state, e.to_state, "
        "e.actor, e.reason FROM rollout_events e LEFT JOIN devices d ON d.id = e.device_id "
        "WHERE e.rollout_id = ? AND e.id > ?");
    QVariantList binds{rolloutId, afterId};
    if (deviceId) {
        sql += QStringLiteral(" AND e.device_id = ?");
        binds << *deviceId;
    }
    sql += QStringLiteral(" ORDER BY e.id");
    auto s = m_db.prepare(sql);
    if (!s)
        return s.error();
    s->bindAll(binds);
    QList<RolloutEvent> events;
    while (s->next()) {
        RolloutEvent e;
        e.id = s->int64(0);
        e.atMs = s->int64(1);
        e.deviceId = s->optionalInt64(2);
        e.deviceUid = s->text(3);
        if (!s->isNull(4))
            e.wave = int(s->int64(4));
        e.kind = s->text(5);
        e.fromState = s->text(6);
        e.toState = s->text(7);
        e.actor = s->text(8);
        e.reason = s->text(9);
        events << e;
    }
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return events;
}

Result<QList<RolloutStatusSample>> RolloutStatusReader::statusOverTime(qint64 rolloutId,
                                                                       int maxSamples)
{
    RolloutStore store(m_db);
    auto rollout = store.header(rolloutId);
    if (!rollout)
        return rollout.error();
    // Every device starts queued at creation; each device event moves one device from its
    // from-line to its to-line. Replayed in SQL order, so the last sample is the present.
    auto total = m_db.scalar(
        QStringLiteral("SELECT count(*) FROM rollout_devices WHERE rollout_id = ?"), {rolloutId});
    if (!total)
        return total.error();
    RolloutStatusSample current;
    current.atMs = rollout->createdMs;
    current.queued = total->toLongLong();
    QList<RolloutStatusSample> samples{current};
    auto s = m_db.prepare(QStringLiteral("SELECT at_ms, from_state, to_state FROM "
                                         "rollout_events WHERE rollout_id = ? AND kind = "
                                         "'device' ORDER BY id"));
    if (!s)
        return s.error();
    s->bindAll({rolloutId});
    while (s->next()) {
        const Line from = lineOf(s->text(1));
        const Line to = lineOf(s->text(2));
        if (from == to)
            continue;
        add(current, from, -1);
        add(current, to, 1);
        current.atMs = qMax(current.atMs, s->int64(0));
        if (samples.last().atMs == current.atMs)
            samples.last() = current;
        else
            samples << current;
    }
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    if (maxSamples >= 2 && samples.size() > maxSamples) {
        QList<RolloutStatusSample> thinned;
        const double step = double(samples.size() - 1) / double(maxSamples - 1);
        for (int i = 0; i < maxSamples - 1; ++i)
            thinned << samples.at(int(i * step));
        thinned << samples.last();
        samples = thinned;
    }
    return samples;
}

} // namespace fleet
