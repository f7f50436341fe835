#include "DeviceFieldRules.h"

#include "inventory/Device.h"
#include "inventory/LifecycleState.h"

#include <QHash>
#include <QTimeZone>

namespace fleet {

namespace {

std::optional<QString> oneOf(const QString &text, const QStringList &allowed)
{
    const QString wanted = text.trimmed().toLower();
    for (const QString &value : allowed)
        if (wanted == value)
            return value;
    return std::nullopt;
}

bool hasUtcOffset(QStringView timePart)
{
    return timePart.contains(QLatin1Char('Z')) || timePart.contains(QLatin1Char('z')) ||
           timePart.contains(QLatin1Char('+')) || timePart.contains(QLatin1Char('-'));
}

// Area/Location names as the tz database spells them. QTimeZone alone is too lenient: on Linux
// it reads any string without a slash as a POSIX TZ rule ("aaaa" is a valid zone to it), and a
// path with ".." segments still finds the zone file.
bool looksLikeIanaId(const QString &id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    for (QStringView segment : QStringView(id).split(QLatin1Char('/'))) {
        if (segment.isEmpty() || !segment.front().isLetter())
            return false;
        for (QChar c : segment) {
            const bool allowed = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
                                 (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) ||
                                 (c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
                                 c == QLatin1Char('_') || c == QLatin1Char('-') ||
                                 c == QLatin1Char('+');
            if (!allowed)
                return false;
        }
    }
    return true;
}

} // namespace

std::optional<QDateTime> DeviceFieldRules::parseTimestamp(const QString &text)
{
    QString iso = text.trimmed();
    if (iso.size() < 10)
        return std::nullopt;
    if (iso.size() == 10)
        iso += QStringLiteral("T00:00:00");
    else if (iso.at(10) == QLatin1Char(' '))
        iso[10] = QLatin1Char('T');
    if (iso.at(10) != QLatin1Char('T'))
        return std::nullopt;
    // Qt reads a time without an offset as local time; the files we read mean UTC.
    if (!hasUtcOffset(QStringView(iso).mid(11)))
        iso += QLatin1Char('Z');
    const QDateTime parsed = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!parsed.isValid())
        return std::nullopt;
    return parsed.toUTC();
}

QString DeviceFieldRules::formatTimestamp(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    return time.toUTC().toString(Qt::ISODateWithMs);
}

std::optional<bool> DeviceFieldRules::parseBool(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("true") || t == QLatin1String("yes") || t == QLatin1String("1"))
        return true;
    if (t == QLatin1String("false") || t == QLatin1String("no") || t == QLatin1String("0"))
        return false;
    return std::nullopt;
}

std::optional<QString> DeviceFieldRules::normalizeState(const QString &text)
{
    const auto state = lifecycleStateFromName(text);
    if (!state)
        return std::nullopt;
    return lifecycleStateName(*state);
}

std::optional<QString> DeviceFieldRules::normalizeConnection(const QString &text)
{
    return oneOf(text, connectionKinds());
}

std::optional<QString> DeviceFieldRules::normalizeHealth(const QString &text)
{
    return oneOf(text, healthValues());
}

bool DeviceFieldRules::isValidTimeZone(const QString &id)
{
    if (id.trimmed().isEmpty()) // QTimeZone("") is the system zone: not what a file means
        return false;
    thread_local QHash<QString, bool> known;
    if (const auto it = known.constFind(id); it != known.cend())
        return it.value();
    const bool valid = looksLikeIanaId(id) &&
                       (QTimeZone::isTimeZoneIdAvailable(id.toUtf8()) ||
                        (id.contains(QLatin1Char('/')) && QTimeZone(id.toUtf8()).isValid()));
    if (known.size() < 1000) // hostile files must not grow the cache without bound
        known.insert(id, valid);
    return valid;
}

QStringList DeviceFieldRules::splitList(const QString &cell)
{
    QStringList values;
    if (cell.isEmpty())
        return values;
    for (QStringView part : QStringView(cell).split(listSeparator())) {
        const QString value = part.trimmed().toString();
        if (!value.isEmpty() && !values.contains(value))
            values << value;
    }
    return values;
}

QString DeviceFieldRules::joinList(const QStringList &values)
{
    return values.join(listSeparator());
}

} // namespace fleet
