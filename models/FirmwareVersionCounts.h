#pragma once

#include "util/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace fleet {

class SqliteDatabase;

// How many devices report each firmware version: what the Firmware view charts. Read on a
// worker's own connection (a GROUP BY over the whole fleet is not for the GUI thread).
class FirmwareVersionCounts
{
public:
    struct Entry
    {
        QString version; // as the devices report it; empty when they report none
        qint64 devices = 0;
    };

    // Every reported version with its device count, most devices first (then by version), for
    // devices of `models` only when that is not empty.
    static Result<QList<Entry>> query(SqliteDatabase &db, const QStringList &models = {});
};

} // namespace fleet
