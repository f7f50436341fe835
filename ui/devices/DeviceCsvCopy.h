#pragma once

#include "DeviceSelection.h"

namespace fleet {

// The selected rows as CSV text for the clipboard: a header row of column titles, then one line
// per device with the visible columns as the table shows them. Built on a background connection
// so rows that were never loaded are copied too.
class DeviceCsvCopy
{
public:
    // More than this is an export, not a copy.
    static constexpr qint64 kMaxRows = 100000;
    static Result<QString> build(SqliteDatabase &db, const DeviceSelection &selection,
                                 const QList<int> &columns);
};

} // namespace fleet
