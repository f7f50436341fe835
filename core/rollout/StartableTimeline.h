#pragma once

#include "rollout/WeeklySchedule.h"

#include <QList>
#include <limits>
#include <optional>

namespace fleet {

// The minutes at which a device under one maintenance schedule may be started, given how long
// its update is expected to take: a device starts only if it is expected to finish before its
// window closes. Starting a 30-minute install at 04:55 in a window that closes at 05:00 would
// reboot a machine during the morning shift, which is what the window was there to prevent.
//
// Times are whole minutes since the Unix epoch (UTC). Open periods are computed a week at a
// time, only as far as the queries reach, so a forecast over thousands of sites that share a
// few schedules costs a few weeks of window arithmetic per schedule. Queries must come in
// non-decreasing time order to be cheap (a simulation only moves forward): the timeline keeps a
// cursor instead of searching.
class StartableTimeline
{
public:
    // No schedule: open around the clock.
    StartableTimeline(std::optional<WeeklySchedule> schedule, qint64 minutesPerDevice,
                      qint64 fromMinute, qint64 horizonMinute);

    // The first minute at or after `minute`, and before the horizon, at which a device may
    // start; nullopt if there is none.
    std::optional<qint64> earliestStartAtOrAfter(qint64 minute);
    // True when some window of the schedule is long enough on the wall clock for one device.
    bool hasLongEnoughWindow() const;

private:
    struct Span
    {
        qint64 start;
        qint64 end;
    };
    // Adds the next week of open periods; false when the horizon is reached.
    bool loadMore();

    std::optional<WeeklySchedule> m_schedule;
    qint64 m_duration;
    qint64 m_horizon;
    qint64 m_loadedUntil;
    QList<Span> m_spans;
    qsizetype m_cursor = 0;
    qint64 m_lastQuery = std::numeric_limits<qint64>::min();
};

} // namespace fleet
