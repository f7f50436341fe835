#pragma once

#include "firmware/Release.h"
#include "rollout/ForecastSettings.h"
#include "rollout/RolloutForecast.h"
#include "rollout/RolloutPlanSpec.h"
#include "rollout/RolloutTargeting.h"
#include "rollout/WaveGroup.h"
#include "rollout/WavePlan.h"
#include "rollout/WaveTimeline.h"
#include "util/Result.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace fleet {

class SqliteDatabase;

// What a rollout would do before it exists: the devices it would leave out and why, the pilot
// and the waves it would cut, and when each wave is expected to run given the maintenance
// windows and the pace. It is what `fleetctl rollout plan` prints and the rollout wizard shows,
// computed the way RolloutService::create cuts the waves it stores (same targeting, same
// time-zone exclusions, same WavePlanner cut), so the preview is the rollout, device for device.
//
// Read-only, and meant for a worker thread: the forecast of a large fleet across weeks of
// windows is quick but not instant.
struct RolloutPreview
{
    Release release;
    QList<TargetDevice> eligible; // by uid: the devices the waves are cut from (pilot included)
    // Every device of the target set (and of the pilot) that no wave holds, with every reason,
    // by uid: the install policy, the open installs, the lifecycle, an unknown site time zone,
    // and, for a split by group, target devices in none of the groups.
    QList<TargetingExclusion> excluded;
    WavePlan plan;            // empty when no device is eligible
    RolloutForecast forecast; // empty when no device is planned
    // One entry per wave of `plan`, in order. Without maintenance windows every device may start
    // at any hour, so no wave lists devices "without a window" (saying so per device is noise).
    QList<WaveTimeline> timeline;
    ForecastSettings settings;          // the pace the forecast assumed, from `start`
    QStringList windows;                // the plan's windows in canonical text
    QHash<QString, QString> siteOf;     // uid -> site (devices with a site only)
    QHash<QString, QString> timeZoneOf; // uid -> the site's IANA zone (devices with a site only)

    // Whether any device would be updated; a rollout of nothing cannot be created.
    bool hasPlannedDevices() const { return plan.deviceCount() > 0; }
    qint64 plannedDeviceCount() const { return plan.deviceCount(); }

    // Evaluates `targetIds` and `pilotIds` (row ids of devices) against release `releaseId` and
    // projects `spec` onto time from `start` (UTC). Errors: an invalid plan or start (invalid),
    // an unknown release, device or group (not found), an unapproved release (invalid). A target
    // set of which no device is eligible is not an error: the preview then lists only why.
    static Result<RolloutPreview> compute(SqliteDatabase &db, qint64 releaseId,
                                          const QList<qint64> &targetIds,
                                          const QList<qint64> &pilotIds,
                                          const RolloutPlanSpec &spec, const QDateTime &start);

    // The groups of a split by group, each with its members' uids, in the order named: what
    // WaveSplit::byGroup takes. An unknown group is not found.
    static Result<QList<WaveGroup>> waveGroups(SqliteDatabase &db, const QStringList &groupNames);
};

} // namespace fleet
