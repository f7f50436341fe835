#pragma once

#include "inventory/DeviceFilter.h"
#include "util/Result.h"

#include <QList>

namespace fleet {

class AuditLog;
class SqliteDatabase;

// Dynamic groups: named device filters whose members are whoever matches now.
class SavedFilters
{
public:
    struct Entry
    {
        QString name;
        DeviceFilter filter;
    };

    SavedFilters(SqliteDatabase &db, AuditLog &audit);
    Result<QList<Entry>> list();
    Result<DeviceFilter> get(const QString &name);
    // Creates or replaces the filter named `name`. Names are trimmed here and in get()/remove().
    Status save(const QString &name, const DeviceFilter &filter);
    Status remove(const QString &name);

private:
    SqliteDatabase &m_db;
    AuditLog &m_audit;
};

} // namespace fleet
