#pragma once

#include "PageSource.h"
#include "inventory/DeviceQuery.h"

namespace fleet {

// The device table's rows: a DeviceQuery (filter + sort). Each row holds DeviceColumns::Count
// values followed by the device row id.
class DevicePageSource final : public PageSource
{
public:
    explicit DevicePageSource(DeviceQuery query)
        : m_query(std::move(query))
    {}
    Result<qint64> count(SqliteDatabase &db) const override { return m_query.count(db); }
    Result<PageRows> page(SqliteDatabase &db, qint64 offset, int limit,
                          qint64 matching) const override
    {
        return m_query.page(db, offset, limit, matching);
    }
    const DeviceQuery &query() const { return m_query; }

private:
    DeviceQuery m_query;
};

} // namespace fleet
