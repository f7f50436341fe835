#pragma once

#include "inventory/Device.h"
#include "inventory/DeviceRepository.h"
#include "util/Result.h"

#include <QList>

namespace fleet {

class AuditLog;
class SqliteDatabase;

// The changes a person (or the system) makes to the inventory. Each call is one transaction
// holding the change and its audit entries: if the audit entry cannot be written, nothing
// changes. Bulk calls take row ids, as the device table's selection provides them.
class InventoryService
{
public:
    InventoryService(SqliteDatabase &db, AuditLog &audit);

    // Returns how many devices actually changed (a device already in `state` is skipped).
    Result<int> setState(const QList<qint64> &ids, const QString &state, const QString &reason);
    Result<int> addTag(const QList<qint64> &ids, const QString &tag, const QString &reason = {});
    Result<int> removeTag(const QList<qint64> &ids, const QString &tag, const QString &reason = {});
    // Creates the group if it does not exist.
    Result<int> addToGroup(const QList<qint64> &ids, const QString &group,
                           const QString &reason = {});
    Result<int> removeFromGroup(const QList<qint64> &ids, const QString &group,
                                const QString &reason = {});
    Status setNotes(qint64 id, const QString &notes);
    // Replaces the device's SBOM; `source` names where it came from (a file name).
    Status attachSbom(qint64 id, const QList<Component> &components, const QString &source);
    // Creates or updates one device (by uid), recording before/after. Moving an existing
    // device into a state that takes it out of service needs a reason, as with setState().
    Result<DeviceRepository::Upserted> saveDevice(const Device &device, const QString &reason = {});
    Status createGroup(const QString &name, const QString &description = {});
    Status deleteGroup(const QString &name, const QString &reason);

    // Ids of devices by uid, failing on the first unknown one.
    Result<QList<qint64>> idsForUids(const QStringList &uids);

private:
    template<typename Change> Result<int> forEachDevice(const QList<qint64> &ids, Change change);

    SqliteDatabase &m_db;
    AuditLog &m_audit;
    DeviceRepository m_repo;
};

} // namespace fleet
