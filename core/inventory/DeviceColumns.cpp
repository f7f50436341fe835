#include "DeviceColumns.h"

#include "inventory/Device.h"

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
    const char *index; // the index that returns rows in this column's order, or nullptr
};

// Order must follow DeviceColumns::Column.
constexpr std::array<ColumnSpec, DeviceColumns::Count> kColumns = {{
    {"uid", "Device ID", "d.uid", nullptr, true, "sqlite_autoindex_devices_1"},
    {"name", "Name", "d.name", nullptr, true, "devices_name"},
    {"serial", "Serial", "d.serial", nullptr, false, "devices_serial"},
    {"vendor", "Vendor", "d.vendor", nullptr, false, nullptr},
    // Facet columns sort by name within the value: the order their (facet, name) index serves.
    {"model", "Model", "d.model", "d.model, d.name", true, "devices_model_name"},
    {"hw_revision", "HW rev", "d.hw_revision", nullptr, true, nullptr},
    {"fw_version", "Firmware", "d.fw_version", "d.fw_version, d.name", true, "devices_fw_name"},
    {"fw_previous", "Previous FW", "d.fw_previous", nullptr, false, nullptr},
    {"fw_known_good", "Known-good FW", "d.fw_known_good", nullptr, false, nullptr},
    {"site", "Site", "s.name", nullptr, true, nullptr},
    {"time_zone", "Time zone", "s.time_zone", nullptr, false, nullptr},
    {"state", "State", "d.state", "d.state, d.name", true, "devices_state_name"},
    {"online", "Online", "d.online", "d.online, d.name", true, "devices_online_name"},
    {"health", "Health", "d.health", nullptr, true, nullptr},
    {"last_seen", "Last seen (UTC)", "d.last_seen", nullptr, true, "devices_last_seen"},
    {"first_seen", "First seen (UTC)", "d.first_seen", nullptr, false, nullptr},
    {"connection", "Connection", "d.connection", nullptr, false, nullptr},
    {"mac", "MAC", "d.mac", nullptr, false, nullptr},
    {"ip", "IP address", "d.ip", nullptr, true, nullptr},
    {"hostname", "Hostname", "d.hostname", nullptr, false, nullptr},
    {"tags", "Tags",
     "(SELECT group_concat(tag, ', ') FROM (SELECT tag FROM device_tags WHERE device_id = d.id "
     "ORDER BY tag))",
     nullptr, true, nullptr},
    {"groups", "Groups",
     "(SELECT group_concat(name, ', ') FROM (SELECT g.name FROM group_members gm JOIN "
     "device_groups g ON g.id = gm.group_id WHERE gm.device_id = d.id ORDER BY g.name))",
     nullptr, false, nullptr},
    {"config_hash", "Config hash", "d.config_hash", nullptr, false, nullptr},
    {"notes", "Notes", "d.notes", nullptr, false, nullptr},
    // Written by the drift scanner (core/rollout/DriftScanner); empty when all is well.
    {"drift", "Drift", "(SELECT group_concat(kind, ', ') FROM device_drift WHERE device_id = d.id)",
     nullptr, true, nullptr},
}};

} // namespace

QString DeviceColumns::key(int column)
{
    return column >= 0 && column < Count ? QString::fromLatin1(kColumns[column].key) : QString();
}

QString DeviceColumns::title(int column)
{
    return column >= 0 && column < Count ? QString::fromLatin1(kColumns[column].title) : QString();
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

QVariant DeviceColumns::value(const Device &d, int column)
{
    auto ms = [](const QDateTime &t) {
        return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant();
    };
    switch (column) {
    case DeviceColumns::Uid:
        return d.uid;
    case DeviceColumns::Name:
        return d.name;
    case DeviceColumns::Serial:
        return d.serial;
    case DeviceColumns::Vendor:
        return d.vendor;
    case DeviceColumns::Model:
        return d.model;
    case DeviceColumns::HwRevision:
        return d.hwRevision;
    case DeviceColumns::Firmware:
        return d.fwVersion;
    case DeviceColumns::PreviousFirmware:
        return d.fwPrevious;
    case DeviceColumns::KnownGoodFirmware:
        return d.fwKnownGood;
    case DeviceColumns::Site:
        return d.site;
    case DeviceColumns::TimeZone:
        return d.siteTimeZone;
    case DeviceColumns::State:
        return d.state;
    case DeviceColumns::Online:
        return d.online ? 1 : 0;
    case DeviceColumns::Health:
        return d.health;
    case DeviceColumns::LastSeen:
        return ms(d.lastSeen);
    case DeviceColumns::FirstSeen:
        return ms(d.firstSeen);
    case DeviceColumns::Connection:
        return d.connection;
    case DeviceColumns::Mac:
        return d.mac;
    case DeviceColumns::Ip:
        return d.ip;
    case DeviceColumns::Hostname:
        return d.hostname;
    case DeviceColumns::Tags:
        return d.tags.join(QStringLiteral(", "));
    case DeviceColumns::Groups:
        return d.groups.join(QStringLiteral(", "));
    case DeviceColumns::ConfigHash:
        return d.configHash;
    case DeviceColumns::Notes:
        return d.notes;
    case DeviceColumns::Drift:
        return d.drift;
    default:
        return {};
    }
}

bool DeviceColumns::hasSortIndex(int column)
{
    return !sortIndex(column).isEmpty();
}

QString DeviceColumns::sortIndex(int column)
{
    if (column < 0 || column >= Count || !kColumns[column].index)
        return {};
    return QString::fromLatin1(kColumns[column].index);
}

} // namespace fleet
