#pragma once

#include "inventory/DeviceFilter.h"
#include "util/Result.h"

#include <QIODevice>
#include <QStringList>

namespace fleet {

class SqliteDatabase;

// Writes the devices matching a filter as CSV (a header row of DeviceColumns keys, RFC 4180
// quoting, CSV-injection-safe: cells starting with = + - @ are prefixed with ') or as JSON (an
// array of device objects with tags, groups, components and configuration). Streams: memory
// stays flat for a million devices.
class InventoryExporter
{
public:
    enum class Format { Csv, Json };
    static Result<qint64> write(SqliteDatabase &db, const DeviceFilter &filter, Format format,
                                QIODevice &out, const QStringList &columnKeys = {});
};

} // namespace fleet
