#include "StartableTimeline.h"

#include <algorithm>

namespace fleet {

namespace {

constexpr qint64 kMsPerMinute = 60'000;
constexpr qint64 kChunkMinutes = 7LL * 24 * 60;

QDateTime utcAt(qint64 minute)
{
    return QDateTime::fromMSecsSinceEpoch(minute * kMsPerMinute, Qt::UTC);
}

qint64 floorMinute(const QDateTime &t)
{
    const qint64 ms = t.toMSecsSinceEpoch();
    return ms >= 0 ? ms / kMsPerMinute : -((-ms + kMsPerMinute - 1) / kMsPerMinute);
}

qint64 ceilMinute(const QDateTime &t)
{
    const qint64 floor = floorMinute(t);
    return floor * kMsPerMinute == t.toMSecsSinceEpoch() ? floor : floor + 1;
}

} // namespace

StartableTimeline::StartableTimeline(std::optional<WeeklySchedule> schedule,
                                     qint64 minutesPerDevice, qint64 fromMinute,
                                     qint64 horizonMinute)
    : m_schedule(std::move(schedule))
    , m_duration(minutesPerDevice)
    , m_horizon(horizonMinute)
    , m_loadedUntil(fromMinute)
{
    if (!m_schedule) {
        // Around the clock: one span that outlasts the horizon by a device's duration.
        m_spans.append({fromMinute, horizonMinute + minutesPerDevice});
        m_loadedUntil = horizonMinute + minutesPerDevice;
    }
}

bool StartableTimeline::hasLongEnoughWindow() const
{
    if (!m_schedule)
        return true;
    // Two weeks of merged periods: touching windows can make a period longer than any single
    // window, and a daylight-saving day can make one longer than on other days.
    const QDateTime from = utcAt(m_loadedUntil);
    const QList<TimeInterval> periods = m_schedule->openIntervals(from, from.addDays(15));
    return std::any_of(periods.begin(), periods.end(),
                       [this](const TimeInterval &p) { return p.seconds() >= m_duration * 60; });
}

bool StartableTimeline::loadMore()
{
    // Load past the horizon by a device's duration: a device starting just before the horizon
    // needs to know its window is still open when it finishes.
    if (!m_schedule || m_loadedUntil >= m_horizon + m_duration)
        return false;
    const qint64 from = m_loadedUntil;
    const qint64 to = from + kChunkMinutes;
    for (const TimeInterval &p : m_schedule->openIntervals(utcAt(from), utcAt(to))) {
        const Span span{ceilMinute(p.start), floorMinute(p.end)};
        if (span.end <= span.start)
            continue;
        if (!m_spans.isEmpty() && span.start <= m_spans.back().end) {
            m_spans.back().end = std::max(m_spans.back().end, span.end);
        } else if (m_spans.isEmpty() || span.start > m_spans.back().start) {
            m_spans.append(span);
        }
    }
    m_loadedUntil = to;
    return true;
}

std::optional<qint64> StartableTimeline::earliestStartAtOrAfter(qint64 minute)
{
    // The simulation only moves forward; should a caller step back, search from the start
    // rather than answer wrongly.
    if (minute < m_lastQuery)
        m_cursor = 0;
    m_lastQuery = minute;
    for (;;) {
        if (minute >= m_horizon)
            return std::nullopt;
        // Skip spans that end too soon for a device starting at `minute` or later.
        while (m_cursor < m_spans.size() && m_spans[m_cursor].end - m_duration < minute &&
               m_spans[m_cursor].end < m_loadedUntil)
            ++m_cursor;
        if (m_cursor >= m_spans.size()) {
            if (!loadMore())
                return std::nullopt;
            continue;
        }
        const Span &span = m_spans[m_cursor];
        const qint64 candidate = std::max(minute, span.start);
        if (candidate >= m_horizon)
            return std::nullopt;
        if (candidate + m_duration <= span.end)
            return candidate;
        // The span may be cut short only because the next week is not loaded yet; if it
        // really ends here, move on.
        if (span.end >= m_loadedUntil) {
            if (!loadMore())
                return std::nullopt;
            continue;
        }
        ++m_cursor;
    }
}

} // namespace fleet
