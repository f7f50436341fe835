#pragma once

#include "rollout/MaintenanceWindow.h"
#include "rollout/RolloutTargeting.h"
#include "rollout/WeeklySchedule.h"
#include "util/Result.h"

#include <QHash>
#include <QList>
#include <QString>

namespace fleet {

// The maintenance windows of a rollout placed in each target site's own time zone: what
// RolloutForecaster takes (device -> site, site -> schedule). The same weekly windows apply
// everywhere, read on each site's clocks, so "Mon-Fri 01:00-05:00" means 01:00 in Berlin for
// a Berlin plant and 01:00 in Chicago for a Chicago plant.
//
// A device without a site has no window (the forecaster starts it at any hour and flags it). A
// site whose stored zone is not a known IANA zone cannot have its windows placed; rather than
// guess (UTC would put "01:00" hours off), its devices are excluded with that reason.
struct TargetingSchedules
{
    QHash<QString, QString> siteOfDevice;          // uid -> site (devices with a site only)
    QHash<QString, WeeklySchedule> scheduleOfSite; // empty when there are no windows
    QList<TargetingExclusion> excluded;            // devices at sites with an unknown zone

    static TargetingSchedules build(const QList<TargetDevice> &devices,
                                    const QList<MaintenanceWindow> &windows);
};

} // namespace fleet
