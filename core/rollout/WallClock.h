#pragma once

#include <QDate>
#include <QDateTime>
#include <QTimeZone>

namespace fleet {

// Turns a wall-clock reading in a site's time zone ("Sunday 29 March 2026, 02:30 in
// Europe/Berlin") into the instant a maintenance window should use, with one rule for the two
// daylight-saving cases, so that every window boundary is resolved the same way:
//
//   the instant is the FIRST moment at which a clock on the site's wall shows that time or later.
//
// - Normal times have exactly one such instant.
// - Times that happen twice (the repeated hour when clocks go back) resolve to the first time
//   the clock shows them, i.e. the earlier instant, still on summer time.
// - Times that never happen (the skipped hour when clocks go forward) resolve to the moment of
//   the change: the clock jumps from 01:59:59 to 03:00:00, and 03:00 is the first reading at or
//   after 02:30.
//
// Qt 6.4's QDateTime(date, time, zone) leaves both cases unspecified (Qt 6.7 added
// TransitionResolution for this), so the resolution is done here from offsetFromUtc() alone.
class WallClock
{
public:
    // minuteOfDay is 0..1440; 1440 is 24:00, the midnight that ends `date`. Returns an invalid
    // QDateTime for an invalid zone or date.
    static QDateTime firstInstantShowing(const QTimeZone &zone, QDate date, int minuteOfDay);
};

} // namespace fleet
