#pragma once

#include "util/Result.h"

#include <QString>

namespace fleet {

// One weekly maintenance window as a site's engineers write it: the days it opens on and a
// wall-clock range, "Mon-Fri 01:00-05:00" or "Sat 22:00-02:00". It knows nothing about time
// zones; WeeklySchedule places it in the site's zone.
//
// Text form: DAYS START-END
//   DAYS   a day (Mon..Sun), a range (Mon-Fri; Fri-Mon wraps over the weekend), a comma list of
//          either (Mon,Wed,Fri-Sun), or "Daily". Case does not matter.
//   START  HH:MM, 00:00..23:59.
//   END    HH:MM, 00:01..24:00. An END at or before START means the window crosses midnight
//          and closes the next day: "Sat 22:00-02:00" opens Saturday night, closes Sunday 02:00.
//          The days always name the day the window OPENS on.
// START == END is refused rather than guessed (an empty window, or a whole day?): a whole day
// is written 00:00-24:00.
class MaintenanceWindow
{
public:
    MaintenanceWindow() = default;

    static Result<MaintenanceWindow> parse(const QString &text);
    // days: bit (dayOfWeek - 1) set for each day the window opens on (Mon = bit 0).
    static Result<MaintenanceWindow> fromParts(quint8 days, int startMinute, int endMinute);

    // Canonical text, e.g. "Mon-Fri 01:00-05:00", "Mon,Wed 22:00-02:00", "Daily 00:00-24:00".
    QString toString() const;

    bool opensOn(int dayOfWeek) const { return (m_days >> (dayOfWeek - 1)) & 1; }
    quint8 days() const { return m_days; }
    int startMinute() const { return m_startMinute; }
    int endMinute() const { return m_endMinute; }
    bool crossesMidnight() const { return m_endMinute <= m_startMinute; }
    // Length on the wall clock; the real length differs on daylight-saving days.
    int wallClockMinutes() const;

    friend bool operator==(const MaintenanceWindow &, const MaintenanceWindow &) = default;

private:
    quint8 m_days = 0;
    int m_startMinute = 0;
    int m_endMinute = 0;
};

} // namespace fleet
