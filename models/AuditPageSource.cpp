#include "AuditPageSource.h"

namespace fleet {

Result<qint64> AuditPageSource::count(SqliteDatabase &db) const
{
    return AuditQuery::count(db, m_filter);
}

Result<PageRows> AuditPageSource::page(SqliteDatabase &db, qint64 offset, int limit,
                                       qint64 /*matching*/) const
{
    auto entries = AuditQuery::list(db, m_filter, offset, limit, /*newestFirst=*/true);
    if (!entries)
        return entries.error();
    PageRows rows;
    rows.reserve(entries->size());
    for (const AuditEntry &e : entries.value())
        rows.append(toRow(e));
    return rows;
}

QVector<QVariant> AuditPageSource::toRow(const AuditEntry &entry)
{
    QVector<QVariant> row(FieldCount);
    row[Seq] = entry.seq;
    row[TimeMs] = entry.tsMs;
    row[Operator] = entry.operatorName;
    row[OsUser] = entry.osUser;
    row[Host] = entry.host;
    row[Action] = entry.action;
    row[ObjectType] = entry.objectType;
    row[ObjectId] = entry.objectId;
    row[Reason] = entry.reason;
    row[Before] = entry.beforeJson;
    row[After] = entry.afterJson;
    row[Hash] = entry.hash;
    return row;
}

} // namespace fleet
