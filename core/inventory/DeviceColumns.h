#pragma once

#include <QString>
#include <QStringList>
#include <QVariant>

namespace fleet {

struct Device;

// The columns of the device table and of `fleetctl inventory list`: how each is selected and
// sorted in SQL, its key (CLI, CSV, saved settings) and its title.
class DeviceColumns
{
public:
    enum Column {
        Uid,
        Name,
        Serial,
        Vendor,
        Model,
        HwRevision,
        Firmware,
        PreviousFirmware,
        KnownGoodFirmware,
        Site,
        TimeZone,
        State,
        Online,
        Health,
        LastSeen,
        FirstSeen,
        Connection,
        Mac,
        Ip,
        Hostname,
        Tags,
        Groups,
        ConfigHash,
        Notes,
        Drift,
        Count
    };

    static QString key(int column);
    static QString title(int column);
    static int fromKey(const QString &key); // -1 when unknown
    static QStringList keys();
    static bool visibleByDefault(int column);
    // The SELECT list for all columns, in enum order, followed by d.id; joined with sites.
    static QString selectList();
    // FROM clause matching selectList().
    static QString fromClause();
    // ORDER BY expression for the column (ties broken by d.id so pages never overlap).
    static QString orderBy(int column, bool descending);
    // True when an index serves this sort, so the first page of 1M rows is instant.
    static bool hasSortIndex(int column);
    // A loaded device's value for `column`, as the SELECT list would give it (online as 0/1,
    // times as UTC milliseconds, tags and groups joined with ", ").
    static QVariant value(const Device &device, int column);
    // The name of that index ("" when none), for INDEXED BY.
    static QString sortIndex(int column);
    // Columns holding UTC milliseconds since the epoch.
    static bool isTimestamp(int column) { return column == LastSeen || column == FirstSeen; }
};

} // namespace fleet
