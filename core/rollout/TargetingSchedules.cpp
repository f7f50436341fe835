#include "rollout/TargetingSchedules.h"

#include <QSet>

namespace fleet {

TargetingSchedules TargetingSchedules::build(const QList<TargetDevice> &devices,
                                             const QList<MaintenanceWindow> &windows)
{
    TargetingSchedules out;
    QSet<QString> badSites;
    for (const TargetDevice &d : devices) {
        if (d.site.isEmpty())
            continue;
        if (!windows.isEmpty() && !out.scheduleOfSite.contains(d.site) &&
            !badSites.contains(d.site)) {
            const QTimeZone zone(d.timeZone.toUtf8());
            if (zone.isValid())
                out.scheduleOfSite.insert(d.site, WeeklySchedule(zone, windows));
            else
                badSites.insert(d.site);
        }
        if (badSites.contains(d.site)) {
            out.excluded << TargetingExclusion{
                d.uid,
                {{TargetingReason::Kind::TimeZone,
                  QStringLiteral("site %1 has time zone '%2', which is not a known IANA zone, so "
                                 "its maintenance windows cannot be placed")
                      .arg(d.site, d.timeZone)}}};
            continue;
        }
        out.siteOfDevice.insert(d.uid, d.site);
    }
    return out;
}

} // namespace fleet
