#pragma once

#include "PageSource.h"
#include "audit/AuditQuery.h"

namespace fleet {

// The audit table's rows: the entries matching an AuditFilter, newest first. Each row holds
// the values in AuditPageSource::Field order.
class AuditPageSource final : public PageSource
{
public:
    enum Field {
        Seq,
        TimeMs,
        Operator,
        OsUser,
        Host,
        Action,
        ObjectType,
        ObjectId,
        Reason,
        Before,
        After,
        Hash,
        FieldCount
    };

    explicit AuditPageSource(AuditFilter filter)
        : m_filter(std::move(filter))
    {}
    Result<qint64> count(SqliteDatabase &db) const override;
    Result<PageRows> page(SqliteDatabase &db, qint64 offset, int limit,
                          qint64 matching) const override;
    const AuditFilter &filter() const { return m_filter; }

    static QVector<QVariant> toRow(const AuditEntry &entry);

private:
    AuditFilter m_filter;
};

} // namespace fleet
