#pragma once

#include "inventory/Device.h"
#include "util/Result.h"

#include <QByteArray>
#include <QList>

namespace fleet {

class AuditLog;
class SqliteDatabase;

// Imports the JSON that InventoryExporter writes (an array of device objects). All or nothing,
// like the CSV importer; each problem names the array index and field.
class JsonInventoryImporter
{
public:
    struct Report
    {
        qint64 devices = 0;
        qint64 created = 0;
        qint64 updated = 0;
        QStringList errors;
        bool committed = false;
    };
    static Result<QList<Device>> parse(const QByteArray &json, QStringList *errors);
    static Result<Report> import(SqliteDatabase &db, AuditLog &audit, const QString &filePath,
                                 bool dryRun, const QString &reason = {});
};

} // namespace fleet
