#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <optional>

namespace fleet {

// How imported and exported device values are spelled, shared by the CSV and JSON importers
// and the exporter so that what one writes the others read back unchanged.
class DeviceFieldRules
{
public:
    // ISO-8601 date and time; without an offset it is UTC. A date alone is midnight UTC.
    static std::optional<QDateTime> parseTimestamp(const QString &text);
    // ISO-8601 in UTC with milliseconds ("2026-03-02T09:00:00.000Z"); empty when invalid.
    static QString formatTimestamp(const QDateTime &time);

    // true/false, yes/no, 1/0 (any case).
    static std::optional<bool> parseBool(const QString &text);
    // The stored spelling of a lifecycle state, connection or health value (any case and
    // surrounding space accepted); nullopt when it is not one.
    static std::optional<QString> normalizeState(const QString &text);
    static std::optional<QString> normalizeConnection(const QString &text);
    static std::optional<QString> normalizeHealth(const QString &text);

    // An IANA time zone id this system knows ("Europe/Berlin", "Etc/UTC", "UTC"); not POSIX
    // rules, offsets or abbreviations ("CEST"). Answers are cached per thread: a million-row
    // import names a handful of zones, and constructing a QTimeZone per row would dominate it.
    static bool isValidTimeZone(const QString &id);

    // Tags and groups in one CSV cell: "a; b;c" -> {a, b, c}, blanks and repeats dropped.
    static QStringList splitList(const QString &cell);
    static QString joinList(const QStringList &values);
    static constexpr QChar listSeparator() { return QLatin1Char(';'); }
};

} // namespace fleet
