#include "InventoryService.h"

#include "audit/AuditLog.h"
#include "inventory/LifecycleState.h"
#include "storage/SqliteDatabase.h"

#include <QJsonArray>

namespace fleet {

namespace {

QJsonObject deviceSnapshot(const Device &d)
{
    QJsonObject o;
    o.insert(QStringLiteral("name"), d.name);
    o.insert(QStringLiteral("serial"), d.serial);
    o.insert(QStringLiteral("vendor"), d.vendor);
    o.insert(QStringLiteral("model"), d.model);
    o.insert(QStringLiteral("hw_revision"), d.hwRevision);
    o.insert(QStringLiteral("fw_version"), d.fwVersion);
    o.insert(QStringLiteral("site"), d.site);
    o.insert(QStringLiteral("state"), d.state);
    o.insert(QStringLiteral("connection"), d.connection);
    o.insert(QStringLiteral("ip"), d.ip);
    o.insert(QStringLiteral("mac"), d.mac);
    o.insert(QStringLiteral("hostname"), d.hostname);
    o.insert(QStringLiteral("tags"), QJsonArray::fromStringList(d.tags));
    o.insert(QStringLiteral("groups"), QJsonArray::fromStringList(d.groups));
    return o;
}

QJsonObject single(const char *key, const QString &value)
{
    QJsonObject o;
    o.insert(QLatin1String(key), value);
    return o;
}

} // namespace

InventoryService::InventoryService(SqliteDatabase &db, AuditLog &audit)
    : m_db(db)
    , m_audit(audit)
    , m_repo(db)
{}

// Runs `change(change, device)` for each device inside one audited transaction. `change`
// returns true when it changed the device, false to skip it, or an error to abandon all.
template<typename Change>
Result<int> InventoryService::forEachDevice(const QList<qint64> &ids, Change change)
{
    if (ids.isEmpty())
        return 0;
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    int changed = 0;
    for (qint64 id : ids) {
        auto device = m_repo.load(id);
        if (!device)
            return device.error();
        Result<bool> r = change(tx, device.value());
        if (!r)
            return r.error();
        if (r.value())
            ++changed;
    }
    if (Status s = tx.commit(); !s)
        return s.error();
    return changed;
}

Result<int> InventoryService::setState(const QList<qint64> &ids, const QString &state,
                                       const QString &reason)
{
    const auto target = lifecycleStateFromName(state);
    if (!target)
        return Error::invalid(QStringLiteral("Unknown state '%1'; expected one of: %2")
                                  .arg(state, lifecycleStateNames().join(QStringLiteral(", "))));
    const QString name = lifecycleStateName(*target);
    const bool risky = isRiskyTarget(*target);
    if (risky && reason.trimmed().isEmpty())
        return Error::invalid(
            QStringLiteral("Setting devices to '%1' takes them out of service: give a reason")
                .arg(name));
    return forEachDevice(ids, [&](AuditedChange &tx, const Device &d) -> Result<bool> {
        if (d.state == name)
            return false;
        if (Status s = m_repo.setState(d.id, name); !s)
            return s.error();
        if (Status s = tx.record({QStringLiteral("device.set-state"), QStringLiteral("device"),
                                  d.uid, single("state", d.state), single("state", name), reason},
                                 risky);
            !s)
            return s.error();
        return true;
    });
}

Result<int> InventoryService::addTag(const QList<qint64> &ids, const QString &tag,
                                     const QString &reason)
{
    const QString t = tag.trimmed();
    if (t.isEmpty())
        return Error::invalid(QStringLiteral("A tag cannot be empty"));
    return forEachDevice(ids, [&](AuditedChange &tx, const Device &d) -> Result<bool> {
        if (d.tags.contains(t))
            return false;
        if (Status s = m_repo.addTag(d.id, t); !s)
            return s.error();
        if (Status s = tx.record({QStringLiteral("device.add-tag"),
                                  QStringLiteral("device"),
                                  d.uid,
                                  {},
                                  single("tag", t),
                                  reason});
            !s)
            return s.error();
        return true;
    });
}

Result<int> InventoryService::removeTag(const QList<qint64> &ids, const QString &tag,
                                        const QString &reason)
{
    const QString t = tag.trimmed();
    return forEachDevice(ids, [&](AuditedChange &tx, const Device &d) -> Result<bool> {
        if (!d.tags.contains(t))
            return false;
        if (Status s = m_repo.removeTag(d.id, t); !s)
            return s.error();
        if (Status s = tx.record({QStringLiteral("device.remove-tag"),
                                  QStringLiteral("device"),
                                  d.uid,
                                  single("tag", t),
                                  {},
                                  reason});
            !s)
            return s.error();
        return true;
    });
}

Result<int> InventoryService::addToGroup(const QList<qint64> &ids, const QString &group,
                                         const QString &reason)
{
    const QString g = group.trimmed();
    if (g.isEmpty())
        return Error::invalid(QStringLiteral("A group needs a name"));
    qint64 groupId = 0;
    return forEachDevice(ids, [&](AuditedChange &tx, const Device &d) -> Result<bool> {
        if (d.groups.contains(g))
            return false;
        if (groupId == 0) {
            auto id = m_repo.ensureGroup(g);
            if (!id)
                return id.error();
            groupId = id.value();
        }
        if (Status s = m_repo.addToGroup(d.id, groupId); !s)
            return s.error();
        if (Status s = tx.record({QStringLiteral("device.add-to-group"),
                                  QStringLiteral("device"),
                                  d.uid,
                                  {},
                                  single("group", g),
                                  reason});
            !s)
            return s.error();
        return true;
    });
}

Result<int> InventoryService::removeFromGroup(const QList<qint64> &ids, const QString &group,
                                              const QString &reason)
{
    const QString g = group.trimmed();
    auto gid = m_repo.groupId(g);
    if (!gid)
        return gid.error();
    if (!gid.value())
        return Error::notFound(QStringLiteral("No group named '%1'").arg(g));
    return forEachDevice(ids, [&](AuditedChange &tx, const Device &d) -> Result<bool> {
        if (!d.groups.contains(g))
            return false;
        if (Status s = m_repo.removeFromGroup(d.id, *gid.value()); !s)
            return s.error();
        if (Status s = tx.record({QStringLiteral("device.remove-from-group"),
                                  QStringLiteral("device"),
                                  d.uid,
                                  single("group", g),
                                  {},
                                  reason});
            !s)
            return s.error();
        return true;
    });
}

Status InventoryService::setNotes(qint64 id, const QString &notes)
{
    return forEachDevice({id},
                         [&](AuditedChange &tx, const Device &d) -> Result<bool> {
                             if (d.notes == notes)
                                 return false;
                             if (Status s = m_repo.setNotes(d.id, notes); !s)
                                 return s.error();
                             if (Status s = tx.record({QStringLiteral("device.set-notes"),
                                                       QStringLiteral("device"),
                                                       d.uid,
                                                       single("notes", d.notes),
                                                       single("notes", notes),
                                                       {}});
                                 !s)
                                 return s.error();
                             return true;
                         })
        .status();
}

Status InventoryService::attachSbom(qint64 id, const QList<Component> &components,
                                    const QString &source)
{
    return forEachDevice({id},
                         [&](AuditedChange &tx, const Device &d) -> Result<bool> {
                             if (Status s = m_repo.replaceComponents(d.id, components); !s)
                                 return s.error();
                             QJsonObject before;
                             before.insert(QStringLiteral("components"), int(d.components.size()));
                             QJsonObject after;
                             after.insert(QStringLiteral("components"), int(components.size()));
                             after.insert(QStringLiteral("source"), source);
                             if (Status s = tx.record({QStringLiteral("device.attach-sbom"),
                                                       QStringLiteral("device"),
                                                       d.uid,
                                                       before,
                                                       after,
                                                       {}});
                                 !s)
                                 return s.error();
                             return true;
                         })
        .status();
}

Result<DeviceRepository::Upserted> InventoryService::saveDevice(const Device &device,
                                                                const QString &reason)
{
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    QJsonObject before;
    bool risky = false;
    auto existing = m_repo.idForUid(device.uid);
    if (!existing)
        return existing.error();
    if (existing.value()) {
        auto old = m_repo.load(*existing.value());
        if (!old)
            return old.error();
        before = deviceSnapshot(old.value());
        // Editing a device into a state that takes it out of service is the same decision as
        // setState(): it needs a reason.
        const auto target = lifecycleStateFromName(device.state);
        risky = target && isRiskyTarget(*target) && lifecycleStateName(*target) != old->state;
        if (risky && reason.trimmed().isEmpty())
            return Error::invalid(QStringLiteral("Setting %1 to '%2' takes it out of service: "
                                                 "give a reason")
                                      .arg(device.uid, lifecycleStateName(*target)));
    }
    auto saved = m_repo.upsert(device);
    if (!saved)
        return saved.error();
    auto now = m_repo.load(saved->id);
    if (!now)
        return now.error();
    const QString action =
        saved->created ? QStringLiteral("device.create") : QStringLiteral("device.update");
    if (Status s = tx.record({action, QStringLiteral("device"), device.uid, before,
                              deviceSnapshot(now.value()), reason},
                             risky);
        !s)
        return s.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return saved;
}

Status InventoryService::createGroup(const QString &name, const QString &description)
{
    const QString g = name.trimmed();
    if (g.isEmpty())
        return Error::invalid(QStringLiteral("A group needs a name"));
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus();
    auto existing = m_repo.groupId(g);
    if (!existing)
        return existing.status();
    if (existing.value())
        return Error::invalid(QStringLiteral("A group named '%1' already exists").arg(g));
    if (Status s = m_db.execute(
            QStringLiteral("INSERT INTO device_groups (name, description) VALUES (?, ?)"),
            {g, description});
        !s)
        return s;
    if (Status s = tx.record({QStringLiteral("group.create"),
                              QStringLiteral("group"),
                              g,
                              {},
                              single("description", description),
                              {}});
        !s)
        return s;
    return tx.commit();
}

Status InventoryService::deleteGroup(const QString &name, const QString &reason)
{
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus();
    auto gid = m_repo.groupId(name);
    if (!gid)
        return gid.status();
    if (!gid.value())
        return Error::notFound(QStringLiteral("No group named '%1'").arg(name));
    auto members = m_db.scalar(QStringLiteral("SELECT count(*) FROM group_members WHERE "
                                              "group_id = ?"),
                               {*gid.value()});
    if (!members)
        return members.status();
    if (Status s =
            m_db.execute(QStringLiteral("DELETE FROM device_groups WHERE id = ?"), {*gid.value()});
        !s)
        return s;
    QJsonObject before;
    before.insert(QStringLiteral("members"), members.value().toLongLong());
    if (Status s = tx.record(
            {QStringLiteral("group.delete"), QStringLiteral("group"), name, before, {}, reason},
            true);
        !s)
        return s;
    return tx.commit();
}

Result<QList<qint64>> InventoryService::idsForUids(const QStringList &uids)
{
    QList<qint64> ids;
    for (const QString &uid : uids) {
        auto id = m_repo.idForUid(uid);
        if (!id)
            return id.error();
        if (!id.value())
            return Error::notFound(QStringLiteral("No device with id '%1'").arg(uid));
        ids << *id.value();
    }
    return ids;
}

} // namespace fleet
