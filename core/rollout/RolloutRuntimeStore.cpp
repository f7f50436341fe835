#include "rollout/RolloutRuntimeStore.h"

#include "rollout/RolloutStore.h"
#include "storage/SqliteDatabase.h"
#include "storage/SqliteStatement.h"

#include <QStringList>

namespace fleet {

namespace {

QVariant orNull(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant();
}

// The columns the engine may set on a rollouts row: setRolloutColumns() builds SQL from names,
// so only these are accepted.
const QStringList &rolloutColumns()
{
    static const QStringList names{QStringLiteral("current_wave"),
                                   QStringLiteral("approved_by"),
                                   QStringLiteral("start_at_ms"),
                                   QStringLiteral("started_ms"),
                                   QStringLiteral("finished_ms"),
                                   QStringLiteral("wave_started_ms"),
                                   QStringLiteral("updated_ms"),
                                   QStringLiteral("windows_overridden"),
                                   QStringLiteral("acknowledged_failures"),
                                   QStringLiteral("pace_credit"),
                                   QStringLiteral("pace_ms")};
    return names;
}

} // namespace

RolloutRuntimeStore::RolloutRuntimeStore(SqliteDatabase &db)
    : m_db(db)
{}

QString RolloutRuntimeStore::retriesText(const std::array<int, 4> &used)
{
    return QStringLiteral("%1,%2,%3,%4").arg(used[0]).arg(used[1]).arg(used[2]).arg(used[3]);
}

std::array<int, 4> RolloutRuntimeStore::parseRetries(const QString &text)
{
    std::array<int, 4> used{};
    const QStringList parts = text.split(QLatin1Char(','));
    for (int i = 0; i < 4 && i < parts.size(); ++i)
        used[size_t(i)] = qMax(0, parts.at(i).toInt());
    return used;
}

RolloutDeviceMachine::Setup RolloutRuntimeStore::setupFor(const StoredRollout &rollout,
                                                          const QString &targetVersion,
                                                          const QString &knownGood)
{
    return {targetVersion, knownGood, rollout.plan.timeouts, rollout.plan.retries};
}

Result<QList<RolloutDeviceRecord>> RolloutRuntimeStore::devices(qint64 rolloutId,
                                                                const QString &where,
                                                                const QVariantList &binds,
                                                                int limit)
{
    QString sql = QStringLiteral(
        "SELECT rd.device_id, d.uid, rd.wave, rd.attempts, rd.state, rd.step_started_ms, "
        "rd.attempt_started_ms, rd.failure_kind, rd.retries_used, rd.health_problem, rd.job_row, "
        "rd.rollback_job_row, rd.rollback_requested_ms, rd.started_ms, rd.finished_ms, "
        "rd.known_good, rd.reason, rd.updated_ms FROM rollout_devices rd JOIN devices d ON "
        "d.id = rd.device_id WHERE rd.rollout_id = ?");
    if (!where.isEmpty())
        sql += QStringLiteral(" AND (") + where + QLatin1Char(')');
    sql += QStringLiteral(" ORDER BY rd.wave, rd.rowid");
    if (limit >= 0)
        sql += QStringLiteral(" LIMIT %1").arg(limit);
    auto s = m_db.prepare(sql);
    if (!s)
        return s.error();
    s->bindAll(QVariantList{rolloutId} + binds);
    QList<RolloutDeviceRecord> records;
    while (s->next()) {
        RolloutDeviceRecord r;
        r.deviceId = s->int64(0);
        r.uid = s->text(1);
        r.wave = int(s->int64(2));
        r.attempts = int(s->int64(3));
        auto state = RolloutDeviceStates::parse(s->text(4));
        if (!state)
            return state.error();
        r.snapshot.state = state.value();
        r.snapshot.stepStartedMs = s->optionalInt64(5);
        r.snapshot.attemptStartedMs = s->optionalInt64(6);
        if (!s->isNull(7))
            if (auto kind = RetryBudget::parseKind(s->text(7)))
                r.snapshot.failureKind = kind.value();
        r.snapshot.retriesUsed = parseRetries(s->text(8));
        r.snapshot.healthProblem = s->text(9);
        r.jobRow = s->optionalInt64(10);
        r.rollbackJobRow = s->optionalInt64(11);
        r.rollbackRequestedMs = s->optionalInt64(12);
        r.startedMs = s->optionalInt64(13);
        r.finishedMs = s->optionalInt64(14);
        r.knownGood = s->text(15);
        r.reason = s->text(16);
        r.updatedMs = s->int64(17);
        records << r;
    }
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return records;
}

Status RolloutRuntimeStore::saveDevice(qint64 rolloutId, const RolloutDeviceRecord &d)
{
    const auto &snap = d.snapshot;
    const QVariant kind =
        snap.failureKind ? QVariant(RetryBudget::kindName(*snap.failureKind)) : QVariant();
    return m_db.execute(
        QStringLiteral("UPDATE rollout_devices SET state = ?, attempts = ?, updated_ms = ?, "
                       "step_started_ms = ?, attempt_started_ms = ?, failure_kind = ?, "
                       "retries_used = ?, health_problem = ?, job_row = ?, rollback_job_row = ?, "
                       "rollback_requested_ms = ?, started_ms = ?, finished_ms = ?, "
                       "known_good = ?, reason = ? WHERE rollout_id = ? AND device_id = ?"),
        {RolloutDeviceStates::name(snap.state), d.attempts, d.updatedMs, orNull(snap.stepStartedMs),
         orNull(snap.attemptStartedMs), kind, retriesText(snap.retriesUsed), snap.healthProblem,
         orNull(d.jobRow), orNull(d.rollbackJobRow), orNull(d.rollbackRequestedMs),
         orNull(d.startedMs), orNull(d.finishedMs), d.knownGood, d.reason, rolloutId, d.deviceId});
}

Status RolloutRuntimeStore::applyTransitions(qint64 rolloutId, RolloutDeviceRecord &device,
                                             const RolloutDeviceMachine &machine,
                                             const QList<RolloutDeviceTransition> &transitions,
                                             const QString &actor)
{
    for (const RolloutDeviceTransition &t : transitions) {
        RolloutEvent e;
        e.atMs = t.atMs;
        e.deviceId = device.deviceId;
        e.wave = device.wave;
        e.kind = QStringLiteral("device");
        e.fromState = RolloutDeviceStates::name(t.from);
        e.toState = RolloutDeviceStates::name(t.to);
        e.actor = actor;
        e.reason = t.reason;
        if (Status s = addEvent(rolloutId, e); !s)
            return s;
        device.updatedMs = t.atMs;
        if (!t.reason.isEmpty())
            device.reason = t.reason;
        if (t.to == RolloutDeviceState::Notified && !device.startedMs)
            device.startedMs = t.atMs;
        if (RolloutDeviceStates::isTerminal(t.to))
            device.finishedMs = t.atMs;
        else
            device.finishedMs.reset();
    }
    device.snapshot = machine.snapshot();
    return Status::success();
}

Status RolloutRuntimeStore::addEvent(qint64 rolloutId, const RolloutEvent &e)
{
    return m_db.execute(
        QStringLiteral("INSERT INTO rollout_events (rollout_id, at_ms, device_id, wave, kind, "
                       "from_state, to_state, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {rolloutId, e.atMs, orNull(e.deviceId), e.wave ? QVariant(*e.wave) : QVariant(), e.kind,
         e.fromState, e.toState, e.actor, e.reason});
}

Status RolloutRuntimeStore::setRolloutState(qint64 rolloutId, RolloutState state, qint64 nowMs)
{
    return m_db.execute(
        QStringLiteral("UPDATE rollouts SET state = ?, updated_ms = ? WHERE id = ?"),
        {RolloutStates::name(state), nowMs, rolloutId});
}

Status RolloutRuntimeStore::setRolloutColumns(qint64 rolloutId,
                                              const QHash<QString, QVariant> &columns)
{
    if (columns.isEmpty())
        return Status::success();
    QStringList sets;
    QVariantList binds;
    for (auto it = columns.cbegin(); it != columns.cend(); ++it) {
        if (!rolloutColumns().contains(it.key()))
            return Error::invalid(QStringLiteral("'%1' is not an engine column").arg(it.key()));
        sets << it.key() + QStringLiteral(" = ?");
        binds << it.value();
    }
    binds << rolloutId;
    return m_db.execute(QStringLiteral("UPDATE rollouts SET ") + sets.join(QStringLiteral(", ")) +
                            QStringLiteral(" WHERE id = ?"),
                        binds);
}

Result<QMap<int, WaveCounts>> RolloutRuntimeStore::waveCounts(qint64 rolloutId)
{
    auto s = m_db.prepare(QStringLiteral("SELECT wave, state, count(*) FROM rollout_devices "
                                         "WHERE rollout_id = ? GROUP BY wave, state"));
    if (!s)
        return s.error();
    s->bindAll({rolloutId});
    QMap<int, WaveCounts> counts;
    while (s->next()) {
        auto state = RolloutDeviceStates::parse(s->text(1));
        if (!state)
            return state.error();
        // One device's counts, scaled by how many are in that state (the rows are grouped).
        WaveCounts one;
        RolloutDeviceStates::addTo(one, state.value());
        counts[int(s->int64(0))].add(one, s->int64(2));
    }
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return counts;
}

Result<qint64> RolloutRuntimeStore::inProgressCount(qint64 rolloutId)
{
    auto n = m_db.scalar(
        QStringLiteral("SELECT count(*) FROM rollout_devices WHERE rollout_id = ? AND state IN "
                       "('notified', 'downloading', 'downloaded', 'verified', 'installing', "
                       "'rebooting', 'validating')"),
        {rolloutId});
    if (!n)
        return n.error();
    return n->toLongLong();
}

} // namespace fleet
