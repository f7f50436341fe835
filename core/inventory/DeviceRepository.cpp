#include "DeviceRepository.h"

#include "storage/SqliteDatabase.h"

#include <QCryptographicHash>
#include <type_traits>

namespace fleet {

namespace {

enum Slot {
    FindId,
    Insert,
    Update,
    FindSite,
    InsertSite,
    AddTag,
    FindGroup,
    AddMember,
    Index,
    LoadDevice,
    LoadTags,
    LoadGroups,
    LoadComponents,
    LoadConfig,
    SlotCount
};

const char *const kInsert =
    "INSERT INTO devices (uid, name, serial, vendor, model, hw_revision, fw_version, "
    "fw_previous, fw_known_good, config_hash, mac, ip, hostname, connection, site_id, state, "
    "first_seen, last_seen, online, health, notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
    "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)";

const char *const kUpdate =
    "UPDATE devices SET uid = ?1, name = ?2, serial = ?3, vendor = ?4, model = ?5, "
    "hw_revision = ?6, fw_version = ?7, fw_previous = ?8, fw_known_good = ?9, "
    // Without a configuration or a reported hash, the stored configuration and its hash stay.
    "config_hash = CASE WHEN ?10 = '' THEN config_hash ELSE ?10 END, "
    "mac = ?11, ip = ?12, hostname = ?13, connection = ?14, site_id = ?15, state = ?16, "
    "first_seen = ?17, last_seen = ?18, online = ?19, health = ?20, notes = ?21 WHERE id = ?22";

void bindTime(SqliteStatement &s, int index, const QDateTime &t)
{
    if (t.isValid())
        s.bind(index, t.toMSecsSinceEpoch());
    else
        s.bindNull(index);
}

QDateTime timeColumn(const SqliteStatement &s, int column)
{
    if (s.isNull(column))
        return {};
    return QDateTime::fromMSecsSinceEpoch(s.int64(column), Qt::UTC);
}

} // namespace

DeviceRepository::DeviceRepository(SqliteDatabase &db)
    : m_db(db)
{}

Result<SqliteStatement *> DeviceRepository::cached(int slot, const char *sql)
{
    static_assert(SlotCount == std::extent_v<decltype(m_statements)>);
    SqliteStatement &s = m_statements[slot];
    if (!s.isValid()) {
        auto prepared = m_db.prepare(QString::fromLatin1(sql));
        if (!prepared)
            return prepared.error();
        s = std::move(prepared.value());
    }
    s.reset();
    return &s;
}

Status DeviceRepository::indexForSearch(qint64 id, const Device &d)
{
    auto s = cached(Index, "INSERT INTO device_search (rowid, uid, name, serial, vendor, model, "
                           "hostname, ip, mac, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!s)
        return s.status();
    SqliteStatement &st = *s.value();
    st.bind(1, id);
    st.bind(2, d.uid);
    st.bind(3, d.name.isEmpty() ? d.uid : d.name);
    st.bind(4, d.serial);
    st.bind(5, d.vendor);
    st.bind(6, d.model);
    st.bind(7, d.hostname);
    st.bind(8, d.ip);
    st.bind(9, d.mac);
    st.bind(10, d.notes);
    return st.exec();
}

Result<std::optional<qint64>> DeviceRepository::idForUid(const QString &uid)
{
    auto s = cached(FindId, "SELECT id FROM devices WHERE uid = ?");
    if (!s)
        return s.error();
    s.value()->bind(1, uid);
    auto row = s.value()->step();
    if (!row)
        return row.error();
    std::optional<qint64> id;
    if (row.value())
        id = s.value()->int64(0);
    s.value()->reset();
    return id;
}

Result<qint64> DeviceRepository::ensureSite(const QString &name, const QString &timeZone)
{
    auto find = cached(FindSite, "SELECT id FROM sites WHERE name = ?");
    if (!find)
        return find.error();
    find.value()->bind(1, name);
    auto row = find.value()->step();
    if (!row)
        return row.error();
    if (row.value()) {
        const qint64 id = find.value()->int64(0);
        find.value()->reset();
        if (!timeZone.isEmpty()) {
            if (Status s = m_db.execute(QStringLiteral("UPDATE sites SET time_zone = ? WHERE id "
                                                       "= ? AND time_zone <> ?"),
                                        {timeZone, id, timeZone});
                !s)
                return s.error();
        }
        return id;
    }
    find.value()->reset();
    auto insert = cached(InsertSite, "INSERT INTO sites (name, time_zone) VALUES (?, ?)");
    if (!insert)
        return insert.error();
    insert.value()->bind(1, name);
    insert.value()->bind(2, timeZone.isEmpty() ? QStringLiteral("UTC") : timeZone);
    if (Status s = insert.value()->exec(); !s)
        return s.error();
    return m_db.lastInsertRowId();
}

Result<std::optional<qint64>> DeviceRepository::groupId(const QString &name)
{
    auto find = cached(FindGroup, "SELECT id FROM device_groups WHERE name = ?");
    if (!find)
        return find.error();
    find.value()->bind(1, name);
    auto row = find.value()->step();
    if (!row)
        return row.error();
    std::optional<qint64> id;
    if (row.value())
        id = find.value()->int64(0);
    find.value()->reset();
    return id;
}

Result<qint64> DeviceRepository::ensureGroup(const QString &name)
{
    auto existing = groupId(name);
    if (!existing)
        return existing.error();
    if (existing.value())
        return *existing.value();
    if (Status s =
            m_db.execute(QStringLiteral("INSERT INTO device_groups (name) VALUES (?)"), {name});
        !s)
        return s.error();
    return m_db.lastInsertRowId();
}

Result<DeviceRepository::Upserted> DeviceRepository::upsert(const Device &d)
{
    if (d.uid.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("A device needs an id"));
    auto existing = idForUid(d.uid);
    if (!existing)
        return existing.error();

    QVariant siteId;
    if (!d.site.isEmpty()) {
        auto site = ensureSite(d.site, d.siteTimeZone);
        if (!site)
            return site.error();
        siteId = site.value();
    }

    auto s = cached(existing.value() ? Update : Insert, existing.value() ? kUpdate : kInsert);
    if (!s)
        return s.error();
    SqliteStatement &st = *s.value();
    st.bind(1, d.uid);
    st.bind(2, d.name.isEmpty() ? d.uid : d.name);
    st.bind(3, d.serial);
    st.bind(4, d.vendor);
    st.bind(5, d.model);
    st.bind(6, d.hwRevision);
    st.bind(7, d.fwVersion);
    st.bind(8, d.fwPrevious);
    st.bind(9, d.fwKnownGood);
    st.bind(10, d.config.isEmpty() ? d.configHash : configurationHash(d.config));
    st.bind(11, d.mac);
    st.bind(12, d.ip);
    st.bind(13, d.hostname);
    st.bind(14, d.connection.isEmpty() ? QStringLiteral("mqtt") : d.connection);
    st.bindVariant(15, siteId);
    st.bind(16, d.state.isEmpty() ? QStringLiteral("registered") : d.state);
    bindTime(st, 17, d.firstSeen);
    bindTime(st, 18, d.lastSeen);
    st.bind(19, d.online);
    st.bind(20, d.health.isEmpty() ? QStringLiteral("unknown") : d.health);
    st.bind(21, d.notes);
    if (existing.value())
        st.bind(22, *existing.value());
    if (Status r = st.exec(); !r)
        return Error::invalid(QStringLiteral("Device %1: %2").arg(d.uid, r.message()));

    Upserted result;
    result.created = !existing.value();
    result.id = existing.value() ? *existing.value() : m_db.lastInsertRowId();
    if (result.created)
        if (Status r = indexForSearch(result.id, d); !r)
            return r.error();

    for (const QString &tag : d.tags)
        if (Status r = addTag(result.id, tag); !r)
            return r.error();
    for (const QString &group : d.groups) {
        auto gid = ensureGroup(group);
        if (!gid)
            return gid.error();
        if (Status r = addToGroup(result.id, gid.value()); !r)
            return r.error();
    }
    if (!d.components.isEmpty())
        if (Status r = replaceComponents(result.id, d.components); !r)
            return r.error();
    if (!d.config.isEmpty())
        if (Status r = replaceConfig(result.id, d.config); !r)
            return r.error();
    return result;
}

Result<Device> DeviceRepository::load(qint64 id)
{
    // Cached statements: bulk actions load every selected device, thousands at a time.
    auto s = cached(
        LoadDevice,
        "SELECT d.id, d.uid, d.name, d.serial, d.vendor, d.model, d.hw_revision, d.fw_version, "
        "d.fw_previous, d.fw_known_good, d.config_hash, d.mac, d.ip, d.hostname, d.connection, "
        "s.name, s.time_zone, d.state, d.first_seen, d.last_seen, d.online, d.health, d.notes, "
        "d.fw_assigned, (SELECT group_concat(kind, ', ') FROM device_drift WHERE device_id = "
        "d.id) FROM devices d LEFT JOIN sites s ON s.id = d.site_id WHERE d.id = ?");
    if (!s)
        return s.error();
    SqliteStatement &row = *s.value();
    row.bind(1, id);
    auto found = row.step();
    if (!found)
        return found.error();
    if (!found.value()) {
        row.reset();
        return Error::notFound(QStringLiteral("No device with row id %1").arg(id));
    }
    Device d;
    d.id = row.int64(0);
    d.uid = row.text(1);
    d.name = row.text(2);
    d.serial = row.text(3);
    d.vendor = row.text(4);
    d.model = row.text(5);
    d.hwRevision = row.text(6);
    d.fwVersion = row.text(7);
    d.fwPrevious = row.text(8);
    d.fwKnownGood = row.text(9);
    d.configHash = row.text(10);
    d.mac = row.text(11);
    d.ip = row.text(12);
    d.hostname = row.text(13);
    d.connection = row.text(14);
    d.site = row.text(15);
    d.siteTimeZone = row.text(16);
    d.state = row.text(17);
    d.firstSeen = timeColumn(row, 18);
    d.lastSeen = timeColumn(row, 19);
    d.online = row.int64(20) != 0;
    d.health = row.text(21);
    d.notes = row.text(22);
    d.fwAssigned = row.text(23);
    d.drift = row.text(24);
    // Reset at once: a statement left on a row keeps its read snapshot open.
    row.reset();

    // Runs one of the per-device child queries, handing each row to `read`.
    auto children = [&](int slot, const char *sql, auto read) -> Status {
        auto c = cached(slot, sql);
        if (!c)
            return c.status();
        SqliteStatement &st = *c.value();
        st.bind(1, id);
        while (st.next())
            read(st);
        const QString error = st.lastStepError();
        st.reset();
        return error.isEmpty() ? Status() : Status(Error::failed(error));
    };
    if (Status r =
            children(LoadTags, "SELECT tag FROM device_tags WHERE device_id = ? ORDER BY tag",
                     [&d](const SqliteStatement &st) { d.tags << st.text(0); });
        !r)
        return r.error();
    if (Status r = children(LoadGroups,
                            "SELECT g.name FROM group_members gm JOIN device_groups g ON g.id = "
                            "gm.group_id WHERE gm.device_id = ? ORDER BY g.name",
                            [&d](const SqliteStatement &st) { d.groups << st.text(0); });
        !r)
        return r.error();
    if (Status r =
            children(LoadComponents,
                     "SELECT name, version, purl, cpe FROM device_components WHERE "
                     "device_id = ? ORDER BY name, version",
                     [&d](const SqliteStatement &st) {
                         d.components << Component{st.text(0), st.text(1), st.text(2), st.text(3)};
                     });
        !r)
        return r.error();
    if (Status r = children(
            LoadConfig, "SELECT key, value FROM device_config WHERE device_id = ? ORDER BY key",
            [&d](const SqliteStatement &st) { d.config.insert(st.text(0), st.text(1)); });
        !r)
        return r.error();
    return d;
}

Result<Device> DeviceRepository::loadByUid(const QString &uid)
{
    auto id = idForUid(uid);
    if (!id)
        return id.error();
    if (!id.value())
        return Error::notFound(QStringLiteral("No device with id '%1'").arg(uid));
    return load(*id.value());
}

Status DeviceRepository::setState(qint64 id, const QString &state)
{
    return m_db.execute(QStringLiteral("UPDATE devices SET state = ? WHERE id = ?"), {state, id});
}

Status DeviceRepository::setNotes(qint64 id, const QString &notes)
{
    return m_db.execute(QStringLiteral("UPDATE devices SET notes = ? WHERE id = ?"), {notes, id});
}

Status DeviceRepository::addTag(qint64 id, const QString &tag)
{
    const QString t = tag.trimmed();
    if (t.isEmpty())
        return {};
    auto s = cached(AddTag, "INSERT OR IGNORE INTO device_tags (device_id, tag) VALUES (?, ?)");
    if (!s)
        return s.status();
    s.value()->bind(1, id);
    s.value()->bind(2, t);
    return s.value()->exec();
}

Status DeviceRepository::removeTag(qint64 id, const QString &tag)
{
    return m_db.execute(QStringLiteral("DELETE FROM device_tags WHERE device_id = ? AND tag = ?"),
                        {id, tag.trimmed()});
}

Status DeviceRepository::addToGroup(qint64 id, qint64 groupId)
{
    auto s = cached(AddMember,
                    "INSERT OR IGNORE INTO group_members (group_id, device_id) VALUES (?, ?)");
    if (!s)
        return s.status();
    s.value()->bind(1, groupId);
    s.value()->bind(2, id);
    return s.value()->exec();
}

Status DeviceRepository::removeFromGroup(qint64 id, qint64 groupId)
{
    return m_db.execute(
        QStringLiteral("DELETE FROM group_members WHERE group_id = ? AND device_id = ?"),
        {groupId, id});
}

Status DeviceRepository::replaceComponents(qint64 id, const QList<Component> &components)
{
    if (Status s =
            m_db.execute(QStringLiteral("DELETE FROM device_components WHERE device_id = ?"), {id});
        !s)
        return s;
    auto insert = m_db.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO device_components (device_id, name, version, purl, cpe) "
        "VALUES (?, ?, ?, ?, ?)"));
    if (!insert)
        return insert.status();
    for (const Component &c : components) {
        if (c.name.trimmed().isEmpty())
            return Error::invalid(QStringLiteral("A component needs a name"));
        insert->bind(1, id);
        insert->bind(2, c.name);
        insert->bind(3, c.version);
        insert->bind(4, c.purl);
        insert->bind(5, c.cpe);
        if (Status s = insert->exec(); !s)
            return s;
    }
    return {};
}

Status DeviceRepository::replaceConfig(qint64 id, const QMap<QString, QString> &config)
{
    if (Status s =
            m_db.execute(QStringLiteral("DELETE FROM device_config WHERE device_id = ?"), {id});
        !s)
        return s;
    auto insert = m_db.prepare(
        QStringLiteral("INSERT INTO device_config (device_id, key, value) VALUES (?, ?, ?)"));
    if (!insert)
        return insert.status();
    for (auto it = config.cbegin(); it != config.cend(); ++it) {
        insert->bind(1, id);
        insert->bind(2, it.key());
        insert->bind(3, it.value());
        if (Status s = insert->exec(); !s)
            return s;
    }
    return m_db.execute(QStringLiteral("UPDATE devices SET config_hash = ? WHERE id = ?"),
                        {configurationHash(config), id});
}

Status DeviceRepository::recordFirmwareChange(qint64 id, const FirmwareChange &change)
{
    return m_db.execute(
        QStringLiteral("INSERT INTO firmware_history (device_id, at_ms, "
                       "from_version, to_version, source) VALUES (?, ?, ?, ?, ?)"),
        {id, change.at.toMSecsSinceEpoch(), change.fromVersion, change.toVersion, change.source});
}

Result<QList<FirmwareChange>> DeviceRepository::firmwareHistory(qint64 id)
{
    auto s = m_db.prepare(QStringLiteral("SELECT at_ms, from_version, to_version, source FROM "
                                         "firmware_history WHERE device_id = ? ORDER BY at_ms "
                                         "DESC, id DESC"));
    if (!s)
        return s.error();
    s->bind(1, id);
    QList<FirmwareChange> out;
    for (;;) {
        auto row = s->step();
        if (!row)
            return row.error();
        if (!row.value())
            break;
        out << FirmwareChange{QDateTime::fromMSecsSinceEpoch(s->int64(0), Qt::UTC), s->text(1),
                              s->text(2), s->text(3)};
    }
    return out;
}

Result<qint64> DeviceRepository::count()
{
    auto v = m_db.scalar(QStringLiteral("SELECT count(*) FROM devices"));
    if (!v)
        return v.error();
    return v.value().toLongLong();
}

namespace {
Result<QStringList> names(SqliteDatabase &db, const QString &sql)
{
    auto s = db.prepare(sql);
    if (!s)
        return s.error();
    QStringList out;
    for (;;) {
        auto row = s->step();
        if (!row)
            return row.error();
        if (!row.value())
            break;
        out << s->text(0);
    }
    return out;
}
} // namespace

Result<QStringList> DeviceRepository::groupNames()
{
    return names(m_db, QStringLiteral("SELECT name FROM device_groups ORDER BY name"));
}

Result<QStringList> DeviceRepository::siteNames()
{
    return names(m_db, QStringLiteral("SELECT name FROM sites ORDER BY name"));
}

QString DeviceRepository::configurationHash(const QMap<QString, QString> &config)
{
    if (config.isEmpty())
        return {};
    // Backslash-escape what would make two configurations serialize alike: '\' and newlines
    // everywhere, '=' in keys. Ordinary keys and values are hashed as they are.
    auto escape = [](QString text, bool key) {
        text.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
        text.replace(QLatin1Char('\n'), QLatin1String("\\n"));
        if (key)
            text.replace(QLatin1Char('='), QLatin1String("\\="));
        return text;
    };
    QCryptographicHash h(QCryptographicHash::Sha256);
    for (auto it = config.cbegin(); it != config.cend(); ++it) // QMap iterates sorted by key
        h.addData(QStringLiteral("%1=%2\n")
                      .arg(escape(it.key(), true), escape(it.value(), false))
                      .toUtf8());
    return QString::fromLatin1(h.result().toHex());
}

} // namespace fleet
