#include "MaintenanceWindow.h"

#include <QStringList>
#include <array>

namespace fleet {

namespace {

constexpr int kMinutesPerDay = 24 * 60;
constexpr quint8 kAllDays = 0x7f;
const std::array<const char *, 7> kDayNames = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

Error notAWindow(const QString &text, const QString &why)
{
    return Error::invalid(
        QStringLiteral("'%1' is not a maintenance window (e.g. \"Mon-Fri 01:00-05:00\"): %2")
            .arg(text, why));
}

int dayFromName(const QString &name)
{
    for (int i = 0; i < 7; ++i)
        if (name.compare(QLatin1String(kDayNames[i]), Qt::CaseInsensitive) == 0)
            return i + 1;
    return 0;
}

// Returns the bit set, or an error message.
std::optional<quint8> parseDays(const QString &spec, QString *why)
{
    if (spec.compare(QLatin1String("daily"), Qt::CaseInsensitive) == 0)
        return kAllDays;
    quint8 days = 0;
    for (const QString &item : spec.split(QLatin1Char(','))) {
        const QStringList ends = item.split(QLatin1Char('-'));
        if (ends.size() > 2 || ends.front().isEmpty()) {
            *why = QStringLiteral("'%1' is not a day or a range of days").arg(item);
            return std::nullopt;
        }
        const int first = dayFromName(ends.front());
        const int last = ends.size() == 2 ? dayFromName(ends.back()) : first;
        if (first == 0 || last == 0) {
            *why = QStringLiteral("unknown day in '%1' (use Mon, Tue, Wed, Thu, Fri, Sat, Sun)")
                       .arg(item);
            return std::nullopt;
        }
        // A range may wrap over the weekend: Fri-Mon is Fri, Sat, Sun, Mon.
        for (int d = first;; d = d % 7 + 1) {
            days |= quint8(1u << (d - 1));
            if (d == last)
                break;
        }
    }
    return days;
}

std::optional<int> parseClock(const QString &text, bool allow24)
{
    const QStringList parts = text.split(QLatin1Char(':'));
    if (parts.size() != 2 || parts[0].size() != 2 || parts[1].size() != 2)
        return std::nullopt;
    bool okH = false;
    bool okM = false;
    const int h = parts[0].toInt(&okH);
    const int m = parts[1].toInt(&okM);
    if (!okH || !okM || h < 0 || m < 0 || m > 59)
        return std::nullopt;
    if (h == 24 && m == 0 && allow24)
        return kMinutesPerDay;
    if (h > 23)
        return std::nullopt;
    return h * 60 + m;
}

QString clockText(int minute)
{
    return QStringLiteral("%1:%2")
        .arg(minute / 60, 2, 10, QLatin1Char('0'))
        .arg(minute % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

Result<MaintenanceWindow> MaintenanceWindow::fromParts(quint8 days, int startMinute, int endMinute)
{
    if ((days & kAllDays) == 0 || (days & ~kAllDays) != 0)
        return Error::invalid(QStringLiteral("A maintenance window needs at least one day"));
    if (startMinute < 0 || startMinute >= kMinutesPerDay)
        return Error::invalid(QStringLiteral("A window must open between 00:00 and 23:59"));
    if (endMinute <= 0 || endMinute > kMinutesPerDay)
        return Error::invalid(QStringLiteral("A window must close between 00:01 and 24:00"));
    if (startMinute == endMinute)
        return Error::invalid(
            QStringLiteral("A window that opens and closes at %1 is ambiguous; write a whole day "
                           "as 00:00-24:00")
                .arg(clockText(startMinute)));
    MaintenanceWindow w;
    w.m_days = days;
    w.m_startMinute = startMinute;
    w.m_endMinute = endMinute;
    return w;
}

Result<MaintenanceWindow> MaintenanceWindow::parse(const QString &input)
{
    const QString text = input.simplified();
    if (text.isEmpty())
        return Error::invalid(QStringLiteral("A maintenance window cannot be empty"));
    const QStringList fields = text.split(QLatin1Char(' '));
    if (fields.size() != 2)
        return notAWindow(text, QStringLiteral("expected days and a time range"));
    QString why;
    const std::optional<quint8> days = parseDays(fields[0], &why);
    if (!days)
        return notAWindow(text, why);
    const QStringList range = fields[1].split(QLatin1Char('-'));
    if (range.size() != 2)
        return notAWindow(text, QStringLiteral("the time range must be HH:MM-HH:MM"));
    const std::optional<int> start = parseClock(range[0], false);
    if (!start)
        return notAWindow(text,
                          QStringLiteral("'%1' is not a time from 00:00 to 23:59").arg(range[0]));
    const std::optional<int> end = parseClock(range[1], true);
    if (!end)
        return notAWindow(text,
                          QStringLiteral("'%1' is not a time from 00:00 to 24:00").arg(range[1]));
    if (*end == *start)
        return notAWindow(text, QStringLiteral("it opens and closes at the same time; write a "
                                               "whole day as 00:00-24:00"));
    // "22:00-00:00" means until midnight; store it as 24:00 so it does not look like a
    // window crossing into the next day by zero minutes.
    const int endMinute = *end == 0 ? kMinutesPerDay : *end;
    auto window = fromParts(*days, *start, endMinute);
    if (!window)
        return notAWindow(text, window.message());
    return window;
}

int MaintenanceWindow::wallClockMinutes() const
{
    return crossesMidnight() ? kMinutesPerDay - m_startMinute + m_endMinute
                             : m_endMinute - m_startMinute;
}

QString MaintenanceWindow::toString() const
{
    QString days;
    if (m_days == kAllDays) {
        days = QStringLiteral("Daily");
    } else {
        // Runs of consecutive days, Monday first; a run of three or more is written as a range.
        QStringList items;
        int d = 1;
        while (d <= 7) {
            if (!opensOn(d)) {
                ++d;
                continue;
            }
            int last = d;
            while (last < 7 && opensOn(last + 1))
                ++last;
            if (last - d >= 2)
                items << QStringLiteral("%1-%2").arg(QLatin1String(kDayNames[d - 1]),
                                                     QLatin1String(kDayNames[last - 1]));
            else
                for (int i = d; i <= last; ++i)
                    items << QLatin1String(kDayNames[i - 1]);
            d = last + 1;
        }
        days = items.join(QLatin1Char(','));
    }
    return QStringLiteral("%1 %2-%3").arg(days, clockText(m_startMinute), clockText(m_endMinute));
}

} // namespace fleet
