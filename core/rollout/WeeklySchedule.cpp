#include "WeeklySchedule.h"

#include "rollout/WallClock.h"

#include <QStringList>
#include <algorithm>

namespace fleet {

namespace {

// How far nextOpening() looks: two weeks and a day, so a weekly window skipped once by a
// daylight-saving change is still found the week after.
constexpr int kLookAheadDays = 15;
// An open period longer than this is a schedule open around the clock: weekly windows of at
// most a day each cannot otherwise chain past a week.
constexpr qint64 kAroundTheClockSeconds = 8LL * 24 * 3600;

QDate localDate(const QDateTime &utc, const QTimeZone &zone)
{
    return utc.toTimeZone(zone).date();
}

} // namespace

WeeklySchedule::WeeklySchedule(QTimeZone zone, QList<MaintenanceWindow> windows)
    : m_zone(std::move(zone))
    , m_windows(std::move(windows))
{}

Result<WeeklySchedule> WeeklySchedule::parse(const QString &text, const QByteArray &ianaZone)
{
    if (ianaZone.isEmpty() || !QTimeZone::isTimeZoneIdAvailable(ianaZone))
        return Error::invalid(
            QStringLiteral("Unknown time zone '%1': use an IANA name such as Europe/Berlin")
                .arg(QString::fromUtf8(ianaZone)));
    QList<MaintenanceWindow> windows;
    for (const QString &part : text.split(QLatin1Char(';'))) {
        if (part.trimmed().isEmpty())
            continue;
        auto window = MaintenanceWindow::parse(part);
        if (!window)
            return window.error();
        windows << *window;
    }
    if (windows.isEmpty())
        return Error::invalid(QStringLiteral("A maintenance schedule needs at least one window, "
                                             "e.g. \"Mon-Fri 01:00-05:00\" (around the clock: "
                                             "\"Daily 00:00-24:00\")"));
    return WeeklySchedule(QTimeZone(ianaZone), std::move(windows));
}

QString WeeklySchedule::toString() const
{
    QStringList parts;
    for (const MaintenanceWindow &w : m_windows)
        parts << w.toString();
    return parts.join(QLatin1String("; "));
}

QList<TimeInterval> WeeklySchedule::periodsOpeningBetween(QDate first, QDate last) const
{
    QList<TimeInterval> occurrences;
    for (QDate day = first; day <= last; day = day.addDays(1)) {
        const int weekday = day.dayOfWeek();
        for (const MaintenanceWindow &w : m_windows) {
            if (!w.opensOn(weekday))
                continue;
            const QDateTime start = WallClock::firstInstantShowing(m_zone, day, w.startMinute());
            const QDateTime end = WallClock::firstInstantShowing(
                m_zone, w.crossesMidnight() ? day.addDays(1) : day, w.endMinute());
            // Empty when the whole window lies in the hour skipped by a spring-forward change.
            if (start.isValid() && end.isValid() && start < end)
                occurrences.append({start, end});
        }
    }
    std::sort(occurrences.begin(), occurrences.end(),
              [](const TimeInterval &a, const TimeInterval &b) { return a.start < b.start; });
    QList<TimeInterval> merged;
    for (const TimeInterval &o : std::as_const(occurrences)) {
        if (!merged.isEmpty() && o.start <= merged.back().end)
            merged.back().end = std::max(merged.back().end, o.end);
        else
            merged.append(o);
    }
    return merged;
}

std::optional<TimeInterval> WeeklySchedule::periodAround(const QDateTime &utc) const
{
    if (!utc.isValid() || !m_zone.isValid())
        return std::nullopt;
    const QDate day = localDate(utc, m_zone);
    for (const TimeInterval &p : periodsOpeningBetween(day.addDays(-2), day.addDays(1)))
        if (p.contains(utc))
            return p;
    return std::nullopt;
}

bool WeeklySchedule::isOpen(const QDateTime &utc) const
{
    return periodAround(utc).has_value();
}

std::optional<QDateTime> WeeklySchedule::nextOpening(const QDateTime &utc) const
{
    if (!utc.isValid() || !m_zone.isValid())
        return std::nullopt;
    const QDate day = localDate(utc, m_zone);
    for (const TimeInterval &p :
         periodsOpeningBetween(day.addDays(-2), day.addDays(kLookAheadDays)))
        if (p.start >= utc)
            return p.start;
    return std::nullopt;
}

std::optional<QDateTime> WeeklySchedule::currentWindowEnd(const QDateTime &utc) const
{
    if (!utc.isValid() || !m_zone.isValid())
        return std::nullopt;
    const QDate day = localDate(utc, m_zone);
    for (const TimeInterval &p : periodsOpeningBetween(day.addDays(-2), day.addDays(9))) {
        if (!p.contains(utc))
            continue;
        if (utc.secsTo(p.end) > kAroundTheClockSeconds)
            return std::nullopt;
        return p.end;
    }
    return std::nullopt;
}

std::optional<QDateTime> WeeklySchedule::openAtOrAfter(const QDateTime &utc) const
{
    if (isOpen(utc))
        return utc;
    return nextOpening(utc);
}

QList<TimeInterval> WeeklySchedule::openIntervals(const QDateTime &fromUtc,
                                                  const QDateTime &toUtc) const
{
    QList<TimeInterval> result;
    if (!fromUtc.isValid() || !toUtc.isValid() || !m_zone.isValid() || toUtc <= fromUtc)
        return result;
    const QList<TimeInterval> periods = periodsOpeningBetween(
        localDate(fromUtc, m_zone).addDays(-2), localDate(toUtc, m_zone).addDays(1));
    for (const TimeInterval &p : periods)
        if (p.end > fromUtc && p.start < toUtc)
            result.append(p);
    return result;
}

} // namespace fleet
