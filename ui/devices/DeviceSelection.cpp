#include "DeviceSelection.h"

#include "DeviceTableModel.h"

#include <algorithm>

namespace fleet {

DeviceSelection DeviceSelection::fromSelection(const DeviceTableModel &model,
                                               const QItemSelection &selection)
{
    DeviceSelection s;
    s.query = model.query();
    QList<QPair<int, int>> ranges;
    for (const QItemSelectionRange &range : selection)
        ranges.append({range.top(), range.bottom()});
    std::sort(ranges.begin(), ranges.end());
    for (const auto &range : ranges) {
        if (!s.rowRanges.isEmpty() && range.first <= s.rowRanges.last().second + 1)
            s.rowRanges.last().second = std::max(s.rowRanges.last().second, range.second);
        else
            s.rowRanges.append(range);
    }
    // Small selections are usually fully loaded; reading ids then costs nothing.
    constexpr qint64 kMaxRowsToReadFromCache = 10000;
    if (s.rowCount() > kMaxRowsToReadFromCache)
        return s;
    for (const auto &[first, last] : s.rowRanges) {
        for (int row = first; row <= last; ++row) {
            const qint64 id = model.idAt(row);
            if (id == 0) {
                s.loadedIds.clear();
                return s;
            }
            s.loadedIds.append(id);
        }
    }
    return s;
}

qint64 DeviceSelection::rowCount() const
{
    qint64 n = 0;
    for (const auto &[first, last] : rowRanges)
        n += last - first + 1;
    return n;
}

Result<QList<qint64>> DeviceSelection::resolveIds(SqliteDatabase &db) const
{
    if (!loadedIds.isEmpty() || rowRanges.isEmpty())
        return loadedIds;
    auto all = query.ids(db, qint64(rowRanges.last().second) + 1);
    if (!all)
        return all.error();
    QList<qint64> ids;
    ids.reserve(rowCount());
    for (const auto &[first, last] : rowRanges)
        for (int row = first; row <= last && row < all->size(); ++row)
            ids.append(all->at(row));
    return ids;
}

} // namespace fleet
