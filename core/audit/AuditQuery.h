#pragma once

#include "audit/AuditEntry.h"
#include "util/Result.h"

#include <QDateTime>
#include <QIODevice>
#include <QList>
#include <QVariantList>

namespace fleet {

class SqliteDatabase;

// Which audit entries to show or export. Empty fields match everything.
struct AuditFilter
{
    QDateTime from; // inclusive
    QDateTime to;   // exclusive
    QString actor;  // matches the OS user or the operator name (substring, case-insensitive)
    QString action; // prefix: "device." matches every device action
    QString objectType;
    QString objectId;

    QString whereClause(QVariantList *binds) const; // "" or "WHERE ..."
};

class AuditQuery
{
public:
    static Result<qint64> count(SqliteDatabase &db, const AuditFilter &filter);
    // Newest first when `newestFirst`.
    static Result<QList<AuditEntry>> list(SqliteDatabase &db, const AuditFilter &filter,
                                          qint64 offset, int limit, bool newestFirst = true);
    enum class Format { Csv, Json };
    // Streams every matching entry, oldest first, hashes included so the export can be checked.
    static Result<qint64> exportTo(SqliteDatabase &db, const AuditFilter &filter, Format format,
                                   QIODevice &out);
};

} // namespace fleet
