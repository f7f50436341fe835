#include "WallClock.h"

#include <algorithm>
#include <array>
#include <optional>

namespace fleet {

namespace {

constexpr qint64 kMsPerSecond = 1000;
// Far enough either side of a wall-clock reading to see the offsets before and after any
// transition that could affect it (UTC offsets stay within +-14 h).
constexpr qint64 kOffsetProbeMs = 36LL * 3600 * 1000;

int offsetAt(const QTimeZone &zone, qint64 utcMs)
{
    return zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(utcMs, Qt::UTC));
}

} // namespace

QDateTime WallClock::firstInstantShowing(const QTimeZone &zone, QDate date, int minuteOfDay)
{
    if (!zone.isValid() || !date.isValid() || minuteOfDay < 0 || minuteOfDay > 24 * 60)
        return {};
    // The wall-clock reading written as if it were UTC: instant = naive - offset.
    const qint64 naiveMs =
        QDateTime(date, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch() + qint64(minuteOfDay) * 60'000;

    const std::array<int, 3> offsets = {offsetAt(zone, naiveMs - kOffsetProbeMs),
                                        offsetAt(zone, naiveMs),
                                        offsetAt(zone, naiveMs + kOffsetProbeMs)};
    std::optional<qint64> earliest;
    for (int offset : offsets) {
        const qint64 candidate = naiveMs - offset * kMsPerSecond;
        if (offsetAt(zone, candidate) == offset && (!earliest || candidate < *earliest))
            earliest = candidate;
    }
    if (earliest)
        return QDateTime::fromMSecsSinceEpoch(*earliest, Qt::UTC);

    // The reading falls into a gap: no offset maps back onto it. The clock passes it at the
    // moment of the change, which lies between the two candidate instants. Search for the first
    // whole second whose wall-clock reading is at or after the wanted one (transitions happen on
    // whole seconds in the tz database).
    const auto [lowIt, highIt] = std::minmax_element(offsets.begin(), offsets.end());
    const int lowOffset = *lowIt;
    const int highOffset = *highIt;
    qint64 low = (naiveMs - highOffset * kMsPerSecond) / kMsPerSecond; // shows earlier than wanted
    qint64 high = (naiveMs - lowOffset * kMsPerSecond) / kMsPerSecond; // shows at or after wanted
    while (high - low > 1) {
        const qint64 mid = low + (high - low) / 2;
        const qint64 shownMs =
            mid * kMsPerSecond + offsetAt(zone, mid * kMsPerSecond) * kMsPerSecond;
        if (shownMs >= naiveMs)
            high = mid;
        else
            low = mid;
    }
    return QDateTime::fromMSecsSinceEpoch(high * kMsPerSecond, Qt::UTC);
}

} // namespace fleet
