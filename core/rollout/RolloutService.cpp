#include "RolloutService.h"

#include "audit/AuditLog.h"
#include "rollout/RolloutTargeting.h"
#include "rollout/TargetingSchedules.h"
#include "rollout/WavePlanner.h"
#include "util/Clock.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <algorithm>

namespace fleet {

namespace {

constexpr int kMaxNameLength = 128; // as the rollouts table checks it

// The planner can leave out devices the targeting let through (a device in none of the groups
// of a by-group split). They are stored with the targeting's exclusions, under the catch-all
// kind, so every device of the target set is either planned or excluded with a reason.
QList<TargetingExclusion> allExclusions(const RolloutTargets &targets, const WavePlan &plan)
{
    QList<TargetingExclusion> excluded = targets.excluded;
    QSet<QString> known;
    for (const TargetingExclusion &e : excluded)
        known.insert(e.deviceUid);
    QHash<QString, int> added;
    for (const ExcludedDevice &d : plan.excluded()) {
        if (known.contains(d.deviceUid))
            continue;
        const TargetingReason reason{TargetingReason::Kind::Policy, d.reason};
        if (auto it = added.constFind(d.deviceUid); it != added.constEnd()) {
            excluded[*it].reasons << reason;
        } else {
            added.insert(d.deviceUid, int(excluded.size()));
            excluded << TargetingExclusion{d.deviceUid, {reason}};
        }
    }
    std::sort(excluded.begin(), excluded.end(),
              [](const TargetingExclusion &a, const TargetingExclusion &b) {
                  return a.deviceUid < b.deviceUid;
              });
    return excluded;
}

} // namespace

RolloutService::RolloutService(SqliteDatabase &db, AuditLog &audit, const Clock &clock)
    : m_db(db)
    , m_audit(audit)
    , m_clock(clock)
    , m_store(db)
{}

Result<StoredRollout> RolloutService::create(const QString &name, qint64 releaseId,
                                             const QList<qint64> &deviceIds,
                                             const QList<qint64> &pilotDeviceIds,
                                             const RolloutPlanSpec &plan, const QString &reason)
{
    const QString rolloutName = name.trimmed();
    if (rolloutName.isEmpty() || rolloutName.size() > kMaxNameLength)
        return Error::invalid(
            QStringLiteral("A rollout needs a name of 1 to %1 characters").arg(kMaxNameLength));
    if (reason.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("Creating a rollout needs a reason"));
    if (Status s = plan.validate(); !s)
        return Error::invalid(QStringLiteral("The plan is not valid: %1").arg(s.message()));

    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();

    // Pilot devices pass the same checks as the targets: a lab device on the wrong model proves
    // nothing about the release. Evaluated inside the transaction, so what is stored is what
    // was checked.
    RolloutTargeting targeting(m_db);
    auto targets = targeting.evaluate(releaseId, deviceIds + pilotDeviceIds);
    if (!targets)
        return targets.error();
    const TargetingSchedules schedules = TargetingSchedules::build(targets->eligible, plan.windows);
    for (const TargetingExclusion &e : schedules.excluded)
        targets->exclude(e);

    QHash<QString, qint64> idOf;
    QStringList targetUids;
    QStringList pilotUids;
    const QSet<qint64> pilotSet(pilotDeviceIds.cbegin(), pilotDeviceIds.cend());
    for (const TargetDevice &d : targets->eligible) {
        idOf.insert(d.uid, d.id);
        (pilotSet.contains(d.id) ? pilotUids : targetUids) << d.uid;
    }
    auto waves =
        WavePlanner::plan(targetUids, pilotUids, targets->excludedForPlanner(), plan.split);
    if (!waves)
        return Error::invalid(
            QStringLiteral("The waves cannot be planned: %1").arg(waves.message()));
    if (waves->deviceCount() == 0)
        return Error::invalid(QStringLiteral("No device of the target set can take release %1, "
                                             "so there is nothing to roll out")
                                  .arg(releaseId));

    StoredRollout rollout;
    rollout.name = rolloutName;
    rollout.releaseId = releaseId;
    rollout.state = RolloutState::Draft;
    rollout.createdBy = m_audit.actor().operatorName.isEmpty() ? m_audit.actor().osUser
                                                               : m_audit.actor().operatorName;
    rollout.createdMs = m_clock.nowMs();
    rollout.plan = plan;
    rollout.reason = reason.trimmed();
    // Wave 0 is the pilot; waves after it are numbered from 1 whether or not there is a pilot.
    const int firstWave = waves->hasPilot() ? 0 : 1;
    for (int i = 0; i < waves->waves().size(); ++i)
        for (const QString &uid : waves->waves().at(i).deviceUids)
            rollout.devices << StoredRollout::Device{
                idOf.value(uid),  uid, firstWave + i, RolloutDeviceState::Queued, 0,
                rollout.createdMs};
    rollout.excluded = allExclusions(targets.value(), waves.value());

    auto id = m_store.insertRollout(rollout);
    if (!id)
        return id.error();
    rollout.id = id.value();
    if (Status s = m_store.insertDevices(rollout.id, rollout.devices); !s)
        return s.error();
    if (Status s = m_store.insertExclusions(rollout.id, rollout.excluded); !s)
        return s.error();

    QJsonArray waveSizes;
    for (const PlannedWave &w : waves->waves())
        waveSizes << QJsonObject{{QStringLiteral("name"), w.name},
                                 {QStringLiteral("devices"), w.deviceUids.size()}};
    const QJsonObject after{{QStringLiteral("id"), rollout.id},
                            {QStringLiteral("release_id"), releaseId},
                            {QStringLiteral("state"), RolloutStates::name(rollout.state)},
                            {QStringLiteral("devices"), rollout.devices.size()},
                            {QStringLiteral("excluded"), rollout.excluded.size()},
                            {QStringLiteral("waves"), waveSizes},
                            {QStringLiteral("plan"), plan.toJson()}};
    if (Status s = tx.record({QStringLiteral("rollout.create"),
                              QStringLiteral("rollout"),
                              rollout.name,
                              {},
                              after,
                              rollout.reason});
        !s)
        return s.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return rollout;
}

Result<QList<StoredRollout>> RolloutService::list()
{
    return m_store.list();
}

Result<StoredRollout> RolloutService::load(const QString &idOrName)
{
    auto found = m_store.find(idOrName);
    if (!found)
        return found.error();
    return m_store.load(found->id);
}

} // namespace fleet
