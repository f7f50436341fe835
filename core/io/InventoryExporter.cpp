#include "InventoryExporter.h"

#include "inventory/Device.h"
#include "inventory/DeviceColumns.h"
#include "io/CsvImporter.h"
#include "io/CsvWriter.h"
#include "io/DeviceFieldRules.h"
#include "storage/SqliteDatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <optional>

namespace fleet {

namespace {

// The device row, in the order readDevice() takes it apart.
const char *const kSelectDevices =
    "SELECT d.id, d.uid, d.name, d.serial, d.vendor, d.model, d.hw_revision, d.fw_version, "
    "d.fw_previous, d.fw_known_good, d.config_hash, d.mac, d.ip, d.hostname, d.connection, "
    "s.name, s.time_zone, d.state, d.first_seen, d.last_seen, d.online, d.health, d.notes "
    "FROM devices d LEFT JOIN sites s ON s.id = d.site_id";

QDateTime timeColumn(const SqliteStatement &s, int column)
{
    if (s.isNull(column))
        return {};
    return QDateTime::fromMSecsSinceEpoch(s.int64(column), Qt::UTC);
}

void readDevice(const SqliteStatement &s, Device &d)
{
    d.id = s.int64(0);
    d.uid = s.text(1);
    d.name = s.text(2);
    d.serial = s.text(3);
    d.vendor = s.text(4);
    d.model = s.text(5);
    d.hwRevision = s.text(6);
    d.fwVersion = s.text(7);
    d.fwPrevious = s.text(8);
    d.fwKnownGood = s.text(9);
    d.configHash = s.text(10);
    d.mac = s.text(11);
    d.ip = s.text(12);
    d.hostname = s.text(13);
    d.connection = s.text(14);
    d.site = s.text(15);
    d.siteTimeZone = s.text(16);
    d.state = s.text(17);
    d.firstSeen = timeColumn(s, 18);
    d.lastSeen = timeColumn(s, 19);
    d.online = s.int64(20) != 0;
    d.health = s.text(21);
    d.notes = s.text(22);
}

// The per-device lists, each one prepared statement reused for every device.
class DeviceDetails
{
public:
    explicit DeviceDetails(SqliteDatabase &db)
        : m_db(db)
    {}

    Status prepare()
    {
        const char *const sql[] = {
            "SELECT tag FROM device_tags WHERE device_id = ? ORDER BY tag",
            "SELECT g.name FROM group_members gm JOIN device_groups g ON g.id = gm.group_id "
            "WHERE gm.device_id = ? ORDER BY g.name",
            "SELECT name, version, purl, cpe FROM device_components WHERE device_id = ? "
            "ORDER BY name, version",
            "SELECT key, value FROM device_config WHERE device_id = ? ORDER BY key"};
        for (int i = 0; i < 4; ++i) {
            auto s = m_db.prepare(QString::fromLatin1(sql[i]));
            if (!s)
                return s.status();
            m_statements[i] = std::move(s.value());
        }
        return {};
    }

    Status readTags(Device &d) { return readList(m_statements[0], d.id, d.tags); }
    Status readGroups(Device &d) { return readList(m_statements[1], d.id, d.groups); }

    Status readComponents(Device &d)
    {
        SqliteStatement &s = m_statements[2];
        d.components.clear();
        s.bind(1, d.id);
        while (s.next())
            d.components.append({s.text(0), s.text(1), s.text(2), s.text(3)});
        return finish(s);
    }

    Status readConfig(Device &d)
    {
        SqliteStatement &s = m_statements[3];
        d.config.clear();
        s.bind(1, d.id);
        while (s.next())
            d.config.insert(s.text(0), s.text(1));
        return finish(s);
    }

private:
    static Status readList(SqliteStatement &s, qint64 id, QStringList &out)
    {
        out.clear();
        s.bind(1, id);
        while (s.next())
            out.append(s.text(0));
        return finish(s);
    }

    static Status finish(SqliteStatement &s)
    {
        const QString error = s.lastStepError();
        s.reset();
        if (!error.isEmpty())
            return Error::failed(error);
        return {};
    }

    SqliteDatabase &m_db;
    SqliteStatement m_statements[4];
};

// A CSV cell as the importer reads it back: online as true/false, ISO-8601 times, and lists
// separated the importer's way.
QString csvCell(const Device &d, int column)
{
    switch (column) {
    case DeviceColumns::Online:
        return d.online ? QStringLiteral("true") : QStringLiteral("false");
    case DeviceColumns::LastSeen:
        return DeviceFieldRules::formatTimestamp(d.lastSeen);
    case DeviceColumns::FirstSeen:
        return DeviceFieldRules::formatTimestamp(d.firstSeen);
    case DeviceColumns::Tags:
        return DeviceFieldRules::joinList(d.tags);
    case DeviceColumns::Groups:
        return DeviceFieldRules::joinList(d.groups);
    default:
        return DeviceColumns::value(d, column).toString();
    }
}

QJsonValue timeValue(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(DeviceFieldRules::formatTimestamp(t)) : QJsonValue();
}

QJsonObject deviceObject(const Device &d)
{
    QJsonObject o;
    o.insert(QStringLiteral("uid"), d.uid);
    o.insert(QStringLiteral("name"), d.name);
    o.insert(QStringLiteral("serial"), d.serial);
    o.insert(QStringLiteral("vendor"), d.vendor);
    o.insert(QStringLiteral("model"), d.model);
    o.insert(QStringLiteral("hw_revision"), d.hwRevision);
    o.insert(QStringLiteral("fw_version"), d.fwVersion);
    o.insert(QStringLiteral("fw_previous"), d.fwPrevious);
    o.insert(QStringLiteral("fw_known_good"), d.fwKnownGood);
    o.insert(QStringLiteral("config_hash"), d.configHash);
    o.insert(QStringLiteral("mac"), d.mac);
    o.insert(QStringLiteral("ip"), d.ip);
    o.insert(QStringLiteral("hostname"), d.hostname);
    o.insert(QStringLiteral("connection"), d.connection);
    o.insert(QStringLiteral("site"), d.site);
    o.insert(QStringLiteral("time_zone"), d.siteTimeZone);
    o.insert(QStringLiteral("state"), d.state);
    o.insert(QStringLiteral("first_seen"), timeValue(d.firstSeen));
    o.insert(QStringLiteral("last_seen"), timeValue(d.lastSeen));
    o.insert(QStringLiteral("online"), d.online);
    o.insert(QStringLiteral("health"), d.health);
    o.insert(QStringLiteral("notes"), d.notes);
    o.insert(QStringLiteral("tags"), QJsonArray::fromStringList(d.tags));
    o.insert(QStringLiteral("groups"), QJsonArray::fromStringList(d.groups));
    QJsonArray components;
    for (const Component &c : d.components) {
        QJsonObject component;
        component.insert(QStringLiteral("name"), c.name);
        component.insert(QStringLiteral("version"), c.version);
        component.insert(QStringLiteral("purl"), c.purl);
        component.insert(QStringLiteral("cpe"), c.cpe);
        components.append(component);
    }
    o.insert(QStringLiteral("components"), components);
    QJsonObject config;
    for (auto it = d.config.cbegin(); it != d.config.cend(); ++it)
        config.insert(it.key(), it.value());
    o.insert(QStringLiteral("config"), config);
    return o;
}

Result<QList<int>> resolveColumns(const QStringList &keys)
{
    // By default every column the CSV importer reads back, so export -> import round-trips.
    const QStringList wanted = keys.isEmpty() ? CsvColumnMapping::importableFields() : keys;
    QList<int> columns;
    for (const QString &key : wanted) {
        const int column = DeviceColumns::fromKey(key);
        if (column < 0)
            return Error::invalid(QStringLiteral("Unknown column '%1'; use any of: %2")
                                      .arg(key, DeviceColumns::keys().join(QStringLiteral(", "))));
        columns << column;
    }
    return columns;
}

Error writeFailed(const QIODevice &out)
{
    return Error::failed(
        QStringLiteral("Could not write the export: %1")
            .arg(out.errorString().isEmpty() ? QStringLiteral("write failed") : out.errorString()));
}

} // namespace

Result<qint64> InventoryExporter::write(SqliteDatabase &db, const DeviceFilter &filter,
                                        Format format, QIODevice &out,
                                        const QStringList &columnKeys)
{
    QList<int> columns;
    if (format == Format::Csv) {
        auto resolved = resolveColumns(columnKeys);
        if (!resolved)
            return resolved.error();
        columns = std::move(resolved.value());
    }
    const bool wantsTags = format == Format::Json || columns.contains(DeviceColumns::Tags);
    const bool wantsGroups = format == Format::Json || columns.contains(DeviceColumns::Groups);

    // One statement streams the devices; the read transaction it holds keeps the export
    // consistent even when another connection writes meanwhile.
    const SqlCondition condition = DeviceFilterSql::build(filter);
    auto devices = db.prepare(QStringLiteral("%1 %2 ORDER BY d.uid")
                                  .arg(QString::fromLatin1(kSelectDevices), condition.where));
    if (!devices)
        return devices.error();
    devices->bindAll(condition.binds);
    DeviceDetails details(db);
    if (Status s = details.prepare(); !s)
        return s.error();

    std::optional<CsvWriter> csv;
    if (format == Format::Csv) {
        csv.emplace(out);
        QStringList header;
        for (int column : std::as_const(columns))
            header << DeviceColumns::key(column);
        csv->writeRow(header);
    } else if (out.write("[\n") != 2) {
        return writeFailed(out);
    }

    qint64 written = 0;
    Device device;
    QStringList cells;
    while (devices->next()) {
        readDevice(*devices, device);
        if (wantsTags)
            if (Status s = details.readTags(device); !s)
                return s.error();
        if (wantsGroups)
            if (Status s = details.readGroups(device); !s)
                return s.error();
        if (csv) {
            cells.clear();
            for (int column : std::as_const(columns))
                cells << csvCell(device, column);
            csv->writeRow(cells);
            if (!csv->ok())
                return writeFailed(out);
        } else {
            if (Status s = details.readComponents(device); !s)
                return s.error();
            if (Status s = details.readConfig(device); !s)
                return s.error();
            QByteArray object = QJsonDocument(deviceObject(device)).toJson(QJsonDocument::Compact);
            if (written > 0)
                object.prepend(",\n");
            if (out.write(object) != object.size())
                return writeFailed(out);
        }
        ++written;
    }
    if (!devices->lastStepError().isEmpty())
        return Error::failed(devices->lastStepError());
    if (format == Format::Json) {
        const QByteArray end = written > 0 ? QByteArray("\n]\n") : QByteArray("]\n");
        if (out.write(end) != end.size())
            return writeFailed(out);
    }
    return written;
}

} // namespace fleet
