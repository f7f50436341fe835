#pragma once

#include "rollout/RolloutForecast.h"
#include "rollout/WavePlan.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace fleet {

// One wave of a forecast as people read it (fleetctl rollout plan, the wizard's timeline): its
// devices, when it is expected to run, which of its devices cannot be scheduled and why, which
// have no maintenance window, and the time zone all its devices share, if they share one.
struct WaveTimeline
{
    struct Unscheduled
    {
        QString deviceUid;
        QString reason;
        friend bool operator==(const Unscheduled &, const Unscheduled &) = default;
    };

    QString name;
    bool isPilot = false;
    QStringList deviceUids; // in start order
    qint64 scheduled = 0;
    QDateTime readyAt;
    QDateTime firstStart; // invalid when none of its devices could be scheduled
    QDateTime lastFinish;
    // The IANA zone every device of the wave is in; empty when they are in several, or when one
    // has no site. Local times are only shown for a wave on one clock: a range of local times
    // across zones would read as a time nobody's clock shows.
    QString sharedTimeZone;
    QList<Unscheduled> notScheduled;
    QStringList withoutWindow; // devices that may start at any hour (no site or no schedule)

    // zoneOfDevice: uid -> IANA zone of the device's site (devices with a site only).
    static QList<WaveTimeline> build(const WavePlan &plan, const RolloutForecast &forecast,
                                     const QHash<QString, QString> &zoneOfDevice);
};

} // namespace fleet
