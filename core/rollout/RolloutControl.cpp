#include "rollout/RolloutControl.h"

#include "audit/AuditLog.h"
#include "crypto/Ed25519PrivateKey.h"
#include "firmware/ReleaseRepository.h"
#include "rollout/RolloutRuntimeStore.h"
#include "rollout/RolloutStateMachine.h"
#include "rollout/TestPassStore.h"
#include "storage/SqliteDatabase.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <functional>

namespace fleet {

namespace {

QString actorName(const AuditLog &audit)
{
    return audit.actor().operatorName.isEmpty() ? audit.actor().osUser : audit.actor().operatorName;
}

// Every device action on the audit trail as one entry with the devices it changed.
AuditRecord deviceActionRecord(const StoredRollout &rollout, const QString &action,
                               const RolloutDeviceActionOutcome &outcome, const QString &reason)
{
    return {QStringLiteral("rollout.") + action,
            QStringLiteral("rollout"),
            rollout.name,
            {},
            QJsonObject{{QStringLiteral("devices"), QJsonArray::fromStringList(outcome.changed)},
                        {QStringLiteral("refused"), qint64(outcome.refused.size())}},
            reason.trimmed()};
}

// The next wave after `wave` that has devices, if any.
std::optional<int> nextWave(const QMap<int, WaveCounts> &counts, int wave)
{
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        if (it.key() > wave && it.value().total() > 0)
            return it.key();
    return std::nullopt;
}

} // namespace

RolloutControl::RolloutControl(SqliteDatabase &db, AuditLog &audit, const Clock &clock)
    : m_db(db)
    , m_audit(audit)
    , m_clock(clock)
{}

namespace {

// One operator action on the rollout inside an open audited transaction: the state machine's
// check, the new state, the action's own columns (`effects`), a timeline entry and an audit
// entry.
class RolloutTransition
{
public:
    RolloutTransition(SqliteDatabase &db, AuditedChange &tx, AuditLog &audit, qint64 nowMs)
        : m_db(db)
        , m_tx(tx)
        , m_audit(audit)
        , m_nowMs(nowMs)
        , m_runtime(db)
    {}

    using Effects = std::function<Status(const RolloutStateChange &, RolloutRuntimeStore &,
                                         QJsonObject &after)>;

    Result<RolloutStateChange> run(const StoredRollout &rollout, RolloutAction action,
                                   const QString &reason, const std::optional<qint64> &startAtMs,
                                   const Effects &effects)
    {
        ReleaseRepository releases(m_db);
        auto release = releases.load(rollout.releaseId);
        if (!release)
            return release.error();
        TestPassStore passes(m_db, m_audit);
        auto gate = passes.gatePassed(release->sha256);
        if (!gate)
            return gate.error();
        auto counts = m_runtime.waveCounts(rollout.id);
        if (!counts)
            return counts.error();
        // A rollout with a pilot may start without a pass record: its pilot produces one, and
        // the waves after it wait for it (RolloutEngine).
        const bool hasPilot = counts->contains(0) && counts->value(0).total() > 0;

        RolloutActionContext context;
        context.actor = actorName(m_audit);
        context.reason = reason.trimmed();
        context.creator = rollout.createdBy;
        context.approvalRequired = rollout.plan.requireApproval;
        context.testGatePassed = gate.value() || hasPilot;
        context.startAtMs = startAtMs;
        context.nowMs = m_nowMs;
        auto change = RolloutStateMachine::apply(rollout.state, action, context);
        if (!change)
            return change.error();
        if (Status s = m_runtime.setRolloutState(rollout.id, change->to, m_nowMs); !s)
            return s.error();
        QJsonObject after{{QStringLiteral("state"), RolloutStates::name(change->to)}};
        if (effects)
            if (Status s = effects(change.value(), m_runtime, after); !s)
                return s.error();
        RolloutEvent e;
        e.atMs = m_nowMs;
        e.wave = rollout.currentWave;
        e.kind = QStringLiteral("operator");
        e.fromState = RolloutStates::name(change->from);
        e.toState = RolloutStates::name(change->to);
        e.actor = change->actor;
        e.reason = RolloutStates::actionName(action) +
                   (context.reason.isEmpty() ? QString() : QStringLiteral(": ") + context.reason);
        if (Status s = m_runtime.addEvent(rollout.id, e); !s)
            return s.error();
        if (Status s = m_tx.record(
                {QStringLiteral("rollout.") + RolloutStates::actionName(action),
                 QStringLiteral("rollout"), rollout.name,
                 QJsonObject{{QStringLiteral("state"), RolloutStates::name(change->from)}}, after,
                 context.reason});
            !s)
            return s.error();
        return change;
    }

private:
    SqliteDatabase &m_db;
    AuditedChange &m_tx;
    AuditLog &m_audit;
    qint64 m_nowMs;
    RolloutRuntimeStore m_runtime;
};

} // namespace

Status RolloutControl::cancelQueued(SqliteDatabase &db, qint64 rolloutId, qint64 nowMs,
                                    const QString &actor, const QString &reason)
{
    const QString why = QStringLiteral("the rollout was cancelled: %1").arg(reason.trimmed());
    if (Status s = db.execute(
            QStringLiteral("INSERT INTO rollout_events (rollout_id, at_ms, device_id, wave, kind, "
                           "from_state, to_state, actor, reason) SELECT rollout_id, ?, device_id, "
                           "wave, 'device', 'queued', 'cancelled', ?, ? FROM rollout_devices "
                           "WHERE rollout_id = ? AND state = 'queued'"),
            {nowMs, actor, why, rolloutId});
        !s)
        return s;
    return db.execute(QStringLiteral("UPDATE rollout_devices SET state = 'cancelled', "
                                     "updated_ms = ?, finished_ms = ?, reason = ? WHERE "
                                     "rollout_id = ? AND state = 'queued'"),
                      {nowMs, nowMs, why, rolloutId});
}

Result<StoredRollout> RolloutControl::submit(const QString &idOrName, const QString &reason)
{
    return act(idOrName, RolloutAction::Submit, reason, std::nullopt, {});
}

Result<StoredRollout> RolloutControl::approve(const QString &idOrName, const QString &reason)
{
    const QString approver = actorName(m_audit);
    return act(
        idOrName, RolloutAction::Approve, reason, std::nullopt,
        [approver](const StoredRollout &r, const RolloutStateChange &, RolloutRuntimeStore &runtime,
                   QJsonObject &after) {
            after.insert(QStringLiteral("approved_by"), approver);
            return runtime.setRolloutColumns(r.id, {{QStringLiteral("approved_by"), approver}});
        });
}

Result<StoredRollout> RolloutControl::deny(const QString &idOrName, const QString &reason)
{
    return act(idOrName, RolloutAction::Deny, reason, std::nullopt, {});
}

Result<StoredRollout> RolloutControl::start(const QString &idOrName, const QString &reason,
                                            const std::optional<QDateTime> &at)
{
    const qint64 now = m_clock.nowMs();
    std::optional<qint64> atMs;
    if (at && at->isValid())
        atMs = at->toMSecsSinceEpoch();
    return act(
        idOrName, RolloutAction::Start, reason, atMs,
        [now, atMs](const StoredRollout &r, const RolloutStateChange &change,
                    RolloutRuntimeStore &runtime, QJsonObject &after) -> Status {
            if (change.to == RolloutState::Scheduled) {
                after.insert(QStringLiteral("start_at_ms"), *atMs);
                return runtime.setRolloutColumns(r.id, {{QStringLiteral("start_at_ms"), *atMs}});
            }
            return RolloutControl::beginRunning(runtime, r, now);
        });
}

Status RolloutControl::beginRunning(RolloutRuntimeStore &runtime, const StoredRollout &rollout,
                                    qint64 nowMs)
{
    auto counts = runtime.waveCounts(rollout.id);
    if (!counts)
        return counts.error();
    const int first = counts->isEmpty() ? 0 : counts->firstKey();
    // One credit so the first device goes at once; the bucket refills at the plan's rate.
    return runtime.setRolloutColumns(
        rollout.id, {{QStringLiteral("started_ms"), rollout.startedMs.value_or(nowMs)},
                     {QStringLiteral("current_wave"), first},
                     {QStringLiteral("wave_started_ms"), nowMs},
                     {QStringLiteral("pace_ms"), nowMs},
                     {QStringLiteral("pace_credit"), 1.0}});
}

Result<StoredRollout> RolloutControl::pause(const QString &idOrName, const QString &reason)
{
    return act(idOrName, RolloutAction::Pause, reason, std::nullopt, {});
}

Result<StoredRollout> RolloutControl::resume(const QString &idOrName, const QString &reason,
                                             const Ed25519PrivateKey *pilotSigningKey)
{
    const qint64 now = m_clock.nowMs();
    SqliteDatabase &db = m_db;
    AuditLog &audit = m_audit;
    return act(
        idOrName, RolloutAction::Resume, reason, std::nullopt,
        [&db, &audit, now, pilotSigningKey,
         reason](const StoredRollout &r, const RolloutStateChange &, RolloutRuntimeStore &runtime,
                 QJsonObject &after) -> Status {
            auto counts = runtime.waveCounts(r.id);
            if (!counts)
                return counts.error();
            const WaveCounts wave = counts->value(r.currentWave);
            QHash<QString, QVariant> columns{{QStringLiteral("pace_ms"), now}};
            if (r.currentWave == 0 && wave.total() > 0 && wave.unfinished() == 0) {
                // The pilot is done and a person has looked at it: that is the pilot's
                // approval. Without a signed pass for the artifact yet, this resume records it.
                ReleaseRepository releases(db);
                auto release = releases.load(r.releaseId);
                if (!release)
                    return release.error();
                TestPassStore passes(db, audit);
                auto gate = passes.gatePassed(release->sha256);
                if (!gate)
                    return gate.error();
                if (!gate.value()) {
                    if (!pilotSigningKey)
                        return Error::invalid(QStringLiteral(
                            "The pilot is done, but there is no signed test pass for this "
                            "artifact yet: resume with the signing key to sign the pilot's "
                            "results as the pass record"));
                    const QString summary =
                        QStringLiteral("pilot of rollout '%1': %2 of %3 devices succeeded and "
                                       "validated, %4 failed; approved by %5: %6")
                            .arg(r.name)
                            .arg(wave.succeeded)
                            .arg(wave.counted())
                            .arg(wave.failures())
                            .arg(actorName(audit), reason.trimmed());
                    auto pass = passes.recordWithin(r.releaseId, TestPassRecord::Source::Pilot,
                                                    summary, *pilotSigningKey);
                    if (!pass)
                        return pass.error();
                    after.insert(QStringLiteral("test_pass"), pass->id);
                }
                const std::optional<int> next = nextWave(counts.value(), 0);
                if (next) {
                    columns.insert(QStringLiteral("current_wave"), *next);
                    columns.insert(QStringLiteral("wave_started_ms"), now);
                    columns.insert(QStringLiteral("acknowledged_failures"), 0);
                    after.insert(QStringLiteral("wave"), *next);
                }
            } else {
                // The person has seen these failures: the wave's gate judges what comes after.
                columns.insert(QStringLiteral("acknowledged_failures"), wave.failures());
                after.insert(QStringLiteral("acknowledged_failures"), wave.failures());
            }
            return runtime.setRolloutColumns(r.id, columns);
        });
}

Result<StoredRollout> RolloutControl::cancel(const QString &idOrName, const QString &reason)
{
    const qint64 now = m_clock.nowMs();
    SqliteDatabase &db = m_db;
    const QString actor = actorName(m_audit);
    return act(idOrName, RolloutAction::Cancel, reason, std::nullopt,
               [&db, now, actor, reason](const StoredRollout &r, const RolloutStateChange &,
                                         RolloutRuntimeStore &, QJsonObject &) {
                   return cancelQueued(db, r.id, now, actor, reason);
               });
}

Result<StoredRollout> RolloutControl::forceNextWave(const QString &idOrName, const QString &reason)
{
    const qint64 now = m_clock.nowMs();
    return act(idOrName, RolloutAction::ForceNextWave, reason, std::nullopt,
               [now](const StoredRollout &r, const RolloutStateChange &,
                     RolloutRuntimeStore &runtime, QJsonObject &after) -> Status {
                   auto counts = runtime.waveCounts(r.id);
                   if (!counts)
                       return counts.error();
                   const std::optional<int> next = nextWave(counts.value(), r.currentWave);
                   if (!next)
                       return Error::invalid(QStringLiteral("Wave %1 is the last wave; there is "
                                                            "no next wave to start")
                                                 .arg(r.currentWave));
                   after.insert(QStringLiteral("wave"), *next);
                   return runtime.setRolloutColumns(r.id,
                                                    {{QStringLiteral("current_wave"), *next},
                                                     {QStringLiteral("wave_started_ms"), now},
                                                     {QStringLiteral("acknowledged_failures"), 0}});
               });
}

Result<StoredRollout> RolloutControl::act(const QString &idOrName, RolloutAction action,
                                          const QString &reason,
                                          const std::optional<qint64> &startAtMs,
                                          const StateEffects &effects)
{
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    RolloutStore store(m_db);
    auto rollout = store.find(idOrName);
    if (!rollout)
        return rollout.error();
    RolloutTransition transition(m_db, tx, m_audit, m_clock.nowMs());
    const StoredRollout r = rollout.value();
    auto change = transition.run(
        r, action, reason, startAtMs,
        effects ? RolloutTransition::Effects(
                      [&](const RolloutStateChange &c, RolloutRuntimeStore &runtime,
                          QJsonObject &after) { return effects(r, c, runtime, after); })
                : RolloutTransition::Effects());
    if (!change)
        return change.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return store.header(r.id);
}

Result<StoredRollout> RolloutControl::overrideWindows(const QString &idOrName, bool overridden,
                                                      const QString &reason)
{
    if (reason.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("Overriding the maintenance windows needs a reason "
                                             "for the audit trail"));
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    RolloutStore store(m_db);
    auto rollout = store.find(idOrName);
    if (!rollout)
        return rollout.error();
    if (RolloutStates::isTerminal(rollout->state))
        return Error::invalid(QStringLiteral("Rollout '%1' is %2: its windows no longer matter")
                                  .arg(rollout->name, RolloutStates::displayName(rollout->state)));
    const qint64 now = m_clock.nowMs();
    RolloutRuntimeStore runtime(m_db);
    if (Status s = runtime.setRolloutColumns(
            rollout->id, {{QStringLiteral("windows_overridden"), overridden ? 1 : 0},
                          {QStringLiteral("updated_ms"), now}});
        !s)
        return s.error();
    RolloutEvent e;
    e.atMs = now;
    e.wave = rollout->currentWave;
    e.kind = QStringLiteral("operator");
    e.actor = actorName(m_audit);
    e.reason = (overridden ? QStringLiteral("windows overridden: ")
                           : QStringLiteral("windows restored: ")) +
               reason.trimmed();
    if (Status s = runtime.addEvent(rollout->id, e); !s)
        return s.error();
    if (Status s = tx.record(
            {QStringLiteral("rollout.override-windows"), QStringLiteral("rollout"), rollout->name,
             QJsonObject{{QStringLiteral("windows_overridden"), rollout->windowsOverridden}},
             QJsonObject{{QStringLiteral("windows_overridden"), overridden}}, reason.trimmed()},
            true);
        !s)
        return s.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return store.header(rollout->id);
}

Result<RolloutDeviceActionOutcome>
RolloutControl::devices(const QString &idOrName, const QStringList &uids, const QString &reason,
                        const QString &action, const QString &allWhere, const DeviceEffect &effect)
{
    if (reason.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("Give a reason to %1 devices: it goes into the audit "
                                             "trail")
                                  .arg(action));
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    RolloutStore store(m_db);
    auto rollout = store.find(idOrName);
    if (!rollout)
        return rollout.error();
    ReleaseRepository releases(m_db);
    auto release = releases.load(rollout->releaseId);
    if (!release)
        return release.error();
    RolloutRuntimeStore runtime(m_db);
    Result<QList<RolloutDeviceRecord>> records =
        uids.isEmpty()
            ? runtime.devices(rollout->id, allWhere)
            : runtime.devices(rollout->id,
                              QStringLiteral("d.uid IN (SELECT value FROM "
                                             "json_each(?))"),
                              {QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(uids))
                                                     .toJson(QJsonDocument::Compact))});
    if (!records)
        return records.error();
    RolloutDeviceActionOutcome outcome;
    QSet<QString> found;
    const qint64 now = m_clock.nowMs();
    const QString actor = actorName(m_audit);
    for (RolloutDeviceRecord &record : records.value()) {
        found.insert(record.uid);
        auto machine = RolloutDeviceMachine::restore(
            RolloutRuntimeStore::setupFor(rollout.value(), release->version.toString(),
                                          record.knownGood),
            record.snapshot);
        if (!machine)
            return machine.error();
        Status done = effect(rollout.value(), record, machine.value(), now, runtime, actor);
        if (!done) {
            outcome.refused << qMakePair(record.uid, done.message());
            continue;
        }
        if (Status s = runtime.saveDevice(rollout->id, record); !s)
            return s.error();
        outcome.changed << record.uid;
    }
    for (const QString &uid : uids)
        if (!found.contains(uid))
            outcome.refused << qMakePair(uid,
                                         QStringLiteral("not in rollout '%1'").arg(rollout->name));
    if (outcome.changed.isEmpty()) {
        if (outcome.refused.isEmpty())
            return Error::invalid(QStringLiteral("No device of rollout '%1' can be %2 now")
                                      .arg(rollout->name, action));
        QStringList lines;
        for (const auto &r : outcome.refused)
            lines << QStringLiteral("%1: %2").arg(r.first, r.second);
        return Error::invalid(QStringLiteral("Nothing was done:\n") +
                              lines.join(QLatin1Char('\n')));
    }
    if (Status s = tx.record(deviceActionRecord(rollout.value(), action, outcome, reason), true);
        !s)
        return s.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return outcome;
}

Result<RolloutDeviceActionOutcome> RolloutControl::retryDevices(const QString &idOrName,
                                                                const QStringList &uids,
                                                                const QString &reason)
{
    return devices(
        idOrName, uids, reason, QStringLiteral("retry"),
        QStringLiteral("rd.state IN ('failed', 'timed_out') AND "
                       "rd.rollback_requested_ms IS NULL"),
        [reason](const StoredRollout &r, RolloutDeviceRecord &record, RolloutDeviceMachine &machine,
                 qint64 now, RolloutRuntimeStore &runtime, const QString &actor) -> Status {
            if (record.rollbackRequestedMs)
                return Error::invalid(QStringLiteral("it is being rolled back"));
            auto outcome = machine.retry(now, reason);
            if (!outcome)
                return outcome.error();
            record.jobRow.reset();
            return runtime.applyTransitions(r.id, record, machine, outcome->transitions, actor);
        });
}

Result<RolloutDeviceActionOutcome>
RolloutControl::skipDevices(const QString &idOrName, const QStringList &uids, const QString &reason)
{
    return devices(
        idOrName, uids, reason, QStringLiteral("skip"), QStringLiteral("rd.state = 'queued'"),
        [reason](const StoredRollout &r, RolloutDeviceRecord &record, RolloutDeviceMachine &machine,
                 qint64 now, RolloutRuntimeStore &runtime, const QString &actor) -> Status {
            auto outcome = machine.skip(now, reason);
            if (!outcome)
                return outcome.error();
            return runtime.applyTransitions(r.id, record, machine, outcome->transitions, actor);
        });
}

Result<RolloutDeviceActionOutcome> RolloutControl::rollbackDevices(const QString &idOrName,
                                                                   const QStringList &uids,
                                                                   const QString &reason)
{
    return devices(
        idOrName, uids, reason, QStringLiteral("rollback"),
        QStringLiteral("rd.state IN ('failed', 'timed_out') AND "
                       "rd.rollback_requested_ms IS NULL"),
        [reason](const StoredRollout &r, RolloutDeviceRecord &record, RolloutDeviceMachine &machine,
                 qint64 now, RolloutRuntimeStore &runtime, const QString &actor) {
            return requestRollback(r, record, machine.state(), now, runtime, actor, reason);
        });
}

Status RolloutControl::requestRollback(const StoredRollout &rollout, RolloutDeviceRecord &record,
                                       RolloutDeviceState state, qint64 nowMs,
                                       RolloutRuntimeStore &runtime, const QString &actor,
                                       const QString &reason)
{
    if (record.rollbackRequestedMs)
        return Error::invalid(QStringLiteral("a rollback was already requested"));
    if (state != RolloutDeviceState::Failed && state != RolloutDeviceState::TimedOut &&
        state != RolloutDeviceState::Succeeded)
        return Error::invalid(QStringLiteral("it is %1: only a failed, timed-out or succeeded "
                                             "device can be rolled back")
                                  .arg(RolloutDeviceStates::displayName(state)));
    if (record.knownGood.isEmpty())
        return Error::invalid(QStringLiteral("its known-good version is not known"));
    record.rollbackRequestedMs = nowMs;
    record.updatedMs = nowMs;
    RolloutEvent e;
    e.atMs = nowMs;
    e.deviceId = record.deviceId;
    e.wave = record.wave;
    // The engine's own requests (auto rollback) are its decisions, not an operator's.
    e.kind =
        actor == QLatin1String("engine") ? QStringLiteral("decision") : QStringLiteral("operator");
    e.fromState = RolloutDeviceStates::name(state);
    e.toState = RolloutDeviceStates::name(state);
    e.actor = actor;
    e.reason =
        QStringLiteral("rollback to %1 requested: %2").arg(record.knownGood, reason.trimmed());
    return runtime.addEvent(rollout.id, e);
}

Result<RolloutDeviceActionOutcome> RolloutControl::rollbackRollout(const QString &idOrName,
                                                                   const QString &reason)
{
    if (reason.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("Rolling back a rollout needs a reason for the audit "
                                             "trail"));
    RolloutStore store(m_db);
    auto rollout = store.find(idOrName);
    if (!rollout)
        return rollout.error();
    const RolloutState s = rollout->state;
    if (s == RolloutState::Running || s == RolloutState::Paused || s == RolloutState::Scheduled)
        if (auto cancelled = cancel(idOrName, reason); !cancelled)
            return cancelled.error();
    return devices(
        idOrName, {}, reason, QStringLiteral("rollback"),
        QStringLiteral("rd.state IN ('failed', 'timed_out', 'succeeded') AND "
                       "rd.rollback_requested_ms IS NULL"),
        [reason](const StoredRollout &r, RolloutDeviceRecord &record, RolloutDeviceMachine &machine,
                 qint64 now, RolloutRuntimeStore &runtime, const QString &actor) {
            return requestRollback(r, record, machine.state(), now, runtime, actor, reason);
        });
}

} // namespace fleet
