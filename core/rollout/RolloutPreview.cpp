#include "RolloutPreview.h"

#include "rollout/RolloutForecaster.h"
#include "rollout/TargetingSchedules.h"
#include "rollout/WavePlanner.h"
#include "storage/SqliteDatabase.h"

#include <QSet>

namespace fleet {

namespace {

// The planner leaves out devices the targeting let through when the split is by group (a device
// in none of the groups). They join the targeting's exclusions under the catch-all kind, as
// RolloutService stores them, so every device of the target set is either in a wave or listed
// with why: a device that silently vanishes from a preview is the question "why was pump-17 not
// updated?" with no answer.
QList<TargetingExclusion> withPlannerExclusions(const RolloutTargets &targets, const WavePlan &plan)
{
    RolloutTargets merged = targets;
    QSet<QString> known;
    for (const TargetingExclusion &e : targets.excluded)
        known.insert(e.deviceUid);
    for (const ExcludedDevice &d : plan.excluded())
        if (!known.contains(d.deviceUid))
            merged.exclude({d.deviceUid, {{TargetingReason::Kind::Policy, d.reason}}});
    return merged.excluded;
}

} // namespace

Result<RolloutPreview> RolloutPreview::compute(SqliteDatabase &db, qint64 releaseId,
                                               const QList<qint64> &targetIds,
                                               const QList<qint64> &pilotIds,
                                               const RolloutPlanSpec &spec, const QDateTime &start)
{
    if (Status s = spec.validate(); !s)
        return Error::invalid(QStringLiteral("The plan is not valid: %1").arg(s.message()));
    RolloutPreview preview;
    preview.settings = spec.forecastSettings(start.toUTC());
    if (Status s = preview.settings.validate(); !s)
        return s.error();
    for (const MaintenanceWindow &w : spec.windows)
        preview.windows << w.toString();

    // Pilot devices pass the same checks as the targets: a lab device on the wrong model proves
    // nothing about the release.
    RolloutTargeting targeting(db);
    auto targets = targeting.evaluate(releaseId, targetIds + pilotIds);
    if (!targets)
        return targets.error();
    const TargetingSchedules schedules = TargetingSchedules::build(targets->eligible, spec.windows);
    for (const TargetingExclusion &e : schedules.excluded)
        targets->exclude(e);
    preview.release = targets->release;
    preview.eligible = targets->eligible;
    preview.excluded = targets->excluded;
    preview.siteOf = schedules.siteOfDevice;
    for (const TargetDevice &d : targets->eligible)
        if (!d.site.isEmpty())
            preview.timeZoneOf.insert(d.uid, d.timeZone);
    if (targets->eligible.isEmpty())
        return preview;

    QStringList targetUids;
    QStringList pilotUids;
    const QSet<qint64> pilotSet(pilotIds.cbegin(), pilotIds.cend());
    for (const TargetDevice &d : targets->eligible)
        (pilotSet.contains(d.id) ? pilotUids : targetUids) << d.uid;
    auto plan = WavePlanner::plan(targetUids, pilotUids, targets->excludedForPlanner(), spec.split);
    if (!plan)
        return Error::invalid(
            QStringLiteral("The waves cannot be planned: %1").arg(plan.message()));
    preview.plan = plan.value();
    preview.excluded = withPlannerExclusions(targets.value(), preview.plan);
    if (!preview.hasPlannedDevices())
        return preview;

    auto forecast = RolloutForecaster::forecast(preview.plan, schedules.siteOfDevice,
                                                schedules.scheduleOfSite, preview.settings);
    if (!forecast)
        return forecast.error();
    preview.forecast = forecast.value();
    preview.timeline = WaveTimeline::build(preview.plan, preview.forecast, preview.timeZoneOf);
    if (spec.windows.isEmpty())
        for (WaveTimeline &wave : preview.timeline)
            wave.withoutWindow.clear();
    return preview;
}

Result<QList<WaveGroup>> RolloutPreview::waveGroups(SqliteDatabase &db,
                                                    const QStringList &groupNames)
{
    RolloutTargeting targeting(db);
    auto s = db.prepare(QStringLiteral("SELECT uid FROM devices WHERE id = ?"));
    if (!s)
        return s.error();
    QList<WaveGroup> groups;
    for (const QString &name : groupNames) {
        auto members = targeting.groupMembers(name);
        if (!members)
            return members.error();
        WaveGroup group{name, {}};
        for (qint64 id : members.value()) {
            s->reset();
            s->bind(1, id);
            if (s->next())
                group.deviceUids << s->text(0);
            if (!s->lastStepError().isEmpty())
                return Error::failed(s->lastStepError());
        }
        groups << group;
    }
    return groups;
}

} // namespace fleet
