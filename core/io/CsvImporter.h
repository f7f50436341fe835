#pragma once

#include "inventory/Device.h"
#include "util/Result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

namespace fleet {

class AuditLog;
class SqliteDatabase;

// Which device field each CSV column fills. Field keys are DeviceColumns keys ("uid", "name",
// "model", ..., "site", "time_zone", "tags", "groups") plus "" for "ignore this column".
struct CsvColumnMapping
{
    QStringList fieldForColumn; // index = CSV column
    // Guesses the mapping from a header row ("Serial Number" -> serial, "firmware" -> fw_version).
    static CsvColumnMapping guess(const QStringList &header);
    // Field keys the importer accepts.
    static QStringList importableFields();
};

struct CsvLineError
{
    qint64 line = 0; // 1-based physical line number in the file
    QString message;
};

// What the importer would do or did.
struct CsvImportReport
{
    QStringList header;
    QList<QStringList> previewRows; // the first rows, as parsed, for the mapping dialog
    qint64 rows = 0;
    qint64 created = 0;
    qint64 updated = 0;
    QList<CsvLineError> errors; // every bad line (capped at 1000, then `moreErrors` counts)
    qint64 moreErrors = 0;
    QString fileSha256;
    bool committed = false;
    bool cancelled = false; // the progress callback asked to stop: nothing was written
};

// Imports devices from CSV: RFC 4180 quoting, UTF-8 only (invalid bytes are a line error),
// lines over the size limit rejected, duplicate device ids within the file reported.
// All-or-nothing: one transaction with one audit entry; any error imports nothing.
class CsvImporter
{
public:
    struct Options
    {
        CsvColumnMapping mapping; // empty: guess from the header
        bool dryRun = false;      // validate and report, write nothing
        int previewRows = 20;
        qint64 maxLineBytes = 1 << 20; // 1 MiB
        QString reason;
    };

    // Reads the header and the first rows only (for the mapping preview).
    static Result<CsvImportReport> preview(const QString &filePath, int rows = 20);
    // `progress(done, total bytes)` is called now and then; returning false cancels.
    static Result<CsvImportReport> import(SqliteDatabase &db, AuditLog &audit,
                                          const QString &filePath, const Options &options,
                                          const std::function<bool(qint64, qint64)> &progress = {});
};

} // namespace fleet
