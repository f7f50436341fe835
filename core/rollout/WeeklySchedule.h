#pragma once

#include "rollout/MaintenanceWindow.h"
#include "rollout/TimeInterval.h"
#include "util/Result.h"

#include <QList>
#include <QTimeZone>
#include <optional>

namespace fleet {

// A site's weekly maintenance windows in the site's own IANA time zone: devices there may only
// be updated while the schedule is open. An IANA zone (not a fixed UTC offset, as hawkBit uses)
// so that "01:00-05:00" stays 01:00-05:00 on the site's clocks all year round.
//
// Daylight saving (see WallClock for the single rule behind all of this): window boundaries are
// wall-clock times, because what a window protects is set by the site's clocks (shift change,
// the morning production start). So:
// - the real length of a window changes on the two change days: 01:00-05:00 is 3 h long on
//   the spring day and 5 h long on the autumn day;
// - spring forward, a window lying wholly inside the skipped hour (02:00-03:00 in Berlin) does
//   NOT happen that day: the clock never shows 02:xx. It is not moved to 03:00-04:00, which
//   would run past the time the site chose as its end. A window partly inside the skipped hour
//   opens at the change: 02:30-04:00 is open 03:00-04:00 summer time;
// - fall back, a window happens once: it opens the first time the clock shows its start and
//   closes the first time the clock then shows its end. 02:00-03:00 in Berlin therefore stays
//   open for 2 h of real time (02:00 summer time until 03:00 winter time, through the repeated
//   hour), and 01:00-02:30 closes at the first 02:30 (summer time).
//
// Overlapping or touching windows merge into one open period, so currentWindowEnd() of
// "Mon 22:00-24:00; Tue 00:00-02:00" is Tuesday 02:00.
//
// Text form: windows separated by ';', e.g. "Mon-Fri 01:00-05:00; Sat 22:00-02:00". The zone
// is kept apart from the text because it belongs to the site, not to the window list.
class WeeklySchedule
{
public:
    WeeklySchedule() = default;
    WeeklySchedule(QTimeZone zone, QList<MaintenanceWindow> windows);

    // A schedule needs a known IANA zone and at least one window; around the clock is
    // "Daily 00:00-24:00".
    static Result<WeeklySchedule> parse(const QString &windows, const QByteArray &ianaZone);

    QString toString() const;
    const QTimeZone &timeZone() const { return m_zone; }
    const QList<MaintenanceWindow> &windows() const { return m_windows; }

    bool isOpen(const QDateTime &utc) const;
    // The start of the first open period that begins at or after `utc` (a window already open
    // at `utc` does not count unless it opens exactly then). nullopt when the schedule never
    // opens again: it has no windows, or it is open around the clock.
    std::optional<QDateTime> nextOpening(const QDateTime &utc) const;
    // When the open period containing `utc` closes. nullopt when the schedule is closed at `utc`
    // or is open around the clock (isOpen() tells the two apart).
    std::optional<QDateTime> currentWindowEnd(const QDateTime &utc) const;
    // The earliest instant at or after `utc` when the schedule is open: `utc` itself when open.
    std::optional<QDateTime> openAtOrAfter(const QDateTime &utc) const;

    // The merged open periods that overlap [fromUtc, toUtc), in order, unclipped (a period
    // that began before fromUtc keeps its true start). A period never closing (around the
    // clock) ends at the last day looked at, at least toUtc.
    QList<TimeInterval> openIntervals(const QDateTime &fromUtc, const QDateTime &toUtc) const;

private:
    // Merged open periods of the windows opening on local dates [first, last].
    QList<TimeInterval> periodsOpeningBetween(QDate first, QDate last) const;
    std::optional<TimeInterval> periodAround(const QDateTime &utc) const;

    QTimeZone m_zone;
    QList<MaintenanceWindow> m_windows;
};

} // namespace fleet
