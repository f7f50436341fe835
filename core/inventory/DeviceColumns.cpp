#include "DeviceColumns.h"

#include <array>

namespace fleet {

namespace {

struct ColumnSpec
{
    const char *key;
    const char *title;
    const char *select;
    const char *sort; // nullptr: same as select; terms separated by ", "
    bool visible;
    bool indexed;
};

// Order must follow DeviceColumns::Column.
constexpr std::array<ColumnSpec, DeviceColumns::Count> kColumns = {{
    {"uid", "Device ID", "d.uid", nullptr, true, true},
    {"name", "Name", "d.name", nullptr, true, true},
    {"serial", "Serial", "d.serial", nullptr, false, true},
    {"vendor", "Vendor", "d.vendor", nullptr, false, false},
    // By firmware within a model: the order the (model, fw_version) index serves.
    {"model", "Model", "d.model", "d.model, d.fw_version", true, true},
    {"hw_revision", "HW rev", "d.hw_revision", nullptr, true, false},
    {"fw_version", "Firmware", "d.fw_version", nullptr, true, true},
    {"fw_previous", "Previous FW", "d.fw_previous", nullptr, false, false},
    {"fw_known_good", "Known-good FW", "d.fw_known_good", nullptr, false, false},
    {"site", "Site", "s.name", nullptr, true, false},
    {"time_zone", "Time zone", "s.time_zone", nullptr, false, false},
    {"state", "State", "d.state", nullptr, true, true},
    {"online", "Online", "d.online", nullptr, true, true},
    {"health", "Health", "d.health", nullptr, true, false},
    {"last_seen", "Last seen (UTC)", "d.last_seen", nullptr, true, true},
    {"first_seen", "First seen (UTC)", "d.first_seen", nullptr, false, false},
    {"connection", "Connection", "d.connection", nullptr, false, false},
    {"mac", "MAC", "d.mac", nullptr, false, false},
    {"ip", "IP address", "d.ip", nullptr, true, false},
    {"hostname", "Hostname", "d.hostname", nullptr, false, false},
    {"tags", "Tags",
     "(SELECT group_concat(tag, ', ') FROM (SELECT tag FROM device_tags WHERE device_id = d.id "
     "ORDER BY tag))",
     nullptr, true, false},
    {"groups", "Groups",
     "(SELECT group_concat(name, ', ') FROM (SELECT g.name FROM group_members gm JOIN "
     "device_groups g ON g.id = gm.group_id WHERE gm.device_id = d.id ORDER BY g.name))",
     nullptr, false, false},
    {"config_hash", "Config hash", "d.config_hash", nullptr, false, false},
    {"notes", "Notes", "d.notes", nullptr, false, false},
}};

} // namespace

QString DeviceColumns::key(int column)
{
    return column >= 0 && column < Count ? QString::fromLatin1(kColumns[column].key) : QString();
}

QString DeviceColumns::title(int column)
{
    return column >= 0 && column < Count ? QString::fromLatin1(kColumns[column].title)
                                         : QString();
}

int DeviceColumns::fromKey(const QString &key)
{
    for (int c = 0; c < Count; ++c)
        if (key == QLatin1String(kColumns[c].key))
            return c;
    return -1;
}

QStringList DeviceColumns::keys()
{
    QStringList out;
    for (const auto &spec : kColumns)
        out << QString::fromLatin1(spec.key);
    return out;
}

bool DeviceColumns::visibleByDefault(int column)
{
    return column >= 0 && column < Count && kColumns[column].visible;
}

QString DeviceColumns::selectList()
{
    QStringList parts;
    for (const auto &spec : kColumns)
        parts << QString::fromLatin1(spec.select);
    parts << QStringLiteral("d.id");
    return parts.join(QStringLiteral(", "));
}

QString DeviceColumns::fromClause()
{
    return QStringLiteral("FROM devices d LEFT JOIN sites s ON s.id = d.site_id");
}

QString DeviceColumns::orderBy(int column, bool descending)
{
    if (column < 0 || column >= Count)
        column = Name;
    const auto &spec = kColumns[column];
    const QString dir = descending ? QStringLiteral(" DESC") : QString();
    QStringList terms;
    if (spec.sort) {
        for (const QString &term : QString::fromLatin1(spec.sort).split(QStringLiteral(", ")))
            terms << term + dir;
    } else {
        terms << QString::fromLatin1(spec.select) + dir;
    }
    terms << QStringLiteral("d.id") + dir;
    return terms.join(QStringLiteral(", "));
}

bool DeviceColumns::hasSortIndex(int column)
{
    return column >= 0 && column < Count && kColumns[column].indexed;
}

} // namespace fleet
