#pragma once

#include <QDateTime>

namespace fleet {

// A span of real time [start, end) in UTC: one open period of a maintenance schedule.
struct TimeInterval
{
    QDateTime start;
    QDateTime end;

    bool contains(const QDateTime &t) const { return start <= t && t < end; }
    qint64 seconds() const { return start.secsTo(end); }
    friend bool operator==(const TimeInterval &, const TimeInterval &) = default;
};

} // namespace fleet
