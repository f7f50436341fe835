#pragma once

#include "inventory/DeviceFilter.h"
#include "util/Result.h"

#include <QList>
#include <QVariant>
#include <QVector>

namespace fleet {

class SqliteDatabase;

// One page of rows: each row holds DeviceColumns::Count values followed by the device row id.
using DeviceRows = QVector<QVector<QVariant>>;

// Counts and pages through the devices matching a filter, sorted, entirely in SQL. Used by the
// device table's worker thread and by `fleetctl inventory list`.
class DeviceQuery
{
public:
    DeviceQuery(DeviceFilter filter, int sortColumn, bool descending);

    Result<qint64> count(SqliteDatabase &db) const;
    // `matching` is count()'s answer when known: it lets a large text search walk the sort
    // index instead of sorting every match (see pageStatement()).
    Result<DeviceRows> page(SqliteDatabase &db, qint64 offset, int limit,
                            qint64 matching = -1) const;
    // Row ids of every matching device in sort order (bulk actions on "all matching").
    Result<QList<qint64>> ids(SqliteDatabase &db, qint64 limit = -1) const;

    // The statements count(), page() and ids() run, with their parameters: for EXPLAIN QUERY
    // PLAN checks of the indexes they rely on.
    struct Statement
    {
        QString sql;
        QVariantList binds;
    };
    Statement countStatement() const;
    Statement pageStatement(qint64 offset, int limit, qint64 matching = -1) const;
    // From this many text matches on, a page walks the sort column's index and keeps the rows
    // whose id is among the matches (an index-only test), instead of sorting every match.
    static constexpr qint64 kWalkSortIndexFrom = 20000;
    Statement idsStatement(qint64 limit = -1) const;

    const DeviceFilter &filter() const { return m_filter; }
    int sortColumn() const { return m_sortColumn; }
    bool descending() const { return m_descending; }

    // Distinct values of a facet with their counts, for the filter menus: "model",
    // "fw_version", "site", "group", "state", "tag".
    static Result<QList<QPair<QString, qint64>>> facetValues(SqliteDatabase &db,
                                                             const QString &facet);

private:
    DeviceFilter m_filter;
    int m_sortColumn;
    bool m_descending;
};

} // namespace fleet
