#pragma once

#include "inventory/DeviceQuery.h"
#include "util/Result.h"

#include <QItemSelection>
#include <QList>
#include <QPair>

namespace fleet {

class DeviceTableModel;

// The rows selected in the device table, in a form a background task can turn into devices on
// its own connection: the query and the selected row ranges. When every selected row is
// loaded, the ids are taken as shown; otherwise (say "select all" over a million rows) they are
// read in the task, in the table's order.
struct DeviceSelection
{
    DeviceQuery query{{}, 0, false};
    QList<QPair<int, int>> rowRanges; // first and last row, ascending, not overlapping
    QList<qint64> loadedIds;          // the ids of all selected rows when all were loaded

    static DeviceSelection fromSelection(const DeviceTableModel &model,
                                         const QItemSelection &selection);
    qint64 rowCount() const;
    bool isEmpty() const { return rowRanges.isEmpty(); }
    // The selected devices' ids in row order.
    Result<QList<qint64>> resolveIds(SqliteDatabase &db) const;
};

} // namespace fleet
