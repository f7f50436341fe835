#include "AuditQuery.h"

#include "io/CsvWriter.h"
#include "storage/SqliteDatabase.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace fleet {

namespace {

const QString kColumns = QStringLiteral(
    "seq, ts_ms, os_user, operator, host, action, object_type, object_id, before_json, "
    "after_json, reason, prev_hash, hash");

AuditEntry readEntry(const SqliteStatement &s)
{
    AuditEntry e;
    e.seq = s.int64(0);
    e.tsMs = s.int64(1);
    e.osUser = s.text(2);
    e.operatorName = s.text(3);
    e.host = s.text(4);
    e.action = s.text(5);
    e.objectType = s.text(6);
    e.objectId = s.text(7);
    e.beforeJson = s.text(8);
    e.afterJson = s.text(9);
    e.reason = s.text(10);
    e.prevHash = s.text(11);
    e.hash = s.text(12);
    return e;
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

QString AuditFilter::whereClause(QVariantList *binds) const
{
    QStringList clauses;
    if (from.isValid()) {
        clauses << QStringLiteral("ts_ms >= ?");
        *binds << from.toMSecsSinceEpoch();
    }
    if (to.isValid()) {
        clauses << QStringLiteral("ts_ms < ?");
        *binds << to.toMSecsSinceEpoch();
    }
    if (!actor.trimmed().isEmpty()) {
        clauses << QStringLiteral("(instr(lower(os_user), lower(?)) > 0 OR "
                                  "instr(lower(operator), lower(?)) > 0)");
        *binds << actor.trimmed() << actor.trimmed();
    }
    if (!action.trimmed().isEmpty()) {
        clauses << QStringLiteral("substr(action, 1, length(?)) = ?");
        *binds << action.trimmed() << action.trimmed();
    }
    if (!objectType.trimmed().isEmpty()) {
        clauses << QStringLiteral("object_type = ?");
        *binds << objectType.trimmed();
    }
    if (!objectId.trimmed().isEmpty()) {
        clauses << QStringLiteral("object_id = ?");
        *binds << objectId.trimmed();
    }
    return clauses.isEmpty() ? QString()
                             : QStringLiteral("WHERE ") + clauses.join(QStringLiteral(" AND "));
}

Result<qint64> AuditQuery::count(SqliteDatabase &db, const AuditFilter &filter)
{
    QVariantList binds;
    const QString where = filter.whereClause(&binds);
    auto v = db.scalar(QStringLiteral("SELECT count(*) FROM audit_log %1").arg(where), binds);
    if (!v)
        return v.error();
    return v.value().toLongLong();
}

Result<QList<AuditEntry>> AuditQuery::list(SqliteDatabase &db, const AuditFilter &filter,
                                           qint64 offset, int limit, bool newestFirst)
{
    QVariantList binds;
    const QString where = filter.whereClause(&binds);
    auto s = db.prepare(
        QStringLiteral("SELECT %1 FROM audit_log %2 ORDER BY seq %3 LIMIT ? "
                       "OFFSET ?")
            .arg(kColumns, where, newestFirst ? QStringLiteral("DESC") : QStringLiteral("ASC")));
    if (!s)
        return s.error();
    binds << limit << offset;
    s->bindAll(binds);
    QList<AuditEntry> out;
    while (s->next())
        out << readEntry(*s);
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return out;
}

Result<qint64> AuditQuery::exportTo(SqliteDatabase &db, const AuditFilter &filter, Format format,
                                    QIODevice &out)
{
    QVariantList binds;
    const QString where = filter.whereClause(&binds);
    auto s =
        db.prepare(QStringLiteral("SELECT %1 FROM audit_log %2 ORDER BY seq").arg(kColumns, where));
    if (!s)
        return s.error();
    s->bindAll(binds);
    qint64 n = 0;
    CsvWriter csv(out);
    if (format == Format::Csv)
        csv.writeRow({QStringLiteral("seq"), QStringLiteral("time_utc"), QStringLiteral("os_user"),
                      QStringLiteral("operator"), QStringLiteral("host"), QStringLiteral("action"),
                      QStringLiteral("object_type"), QStringLiteral("object_id"),
                      QStringLiteral("before"), QStringLiteral("after"), QStringLiteral("reason"),
                      QStringLiteral("prev_hash"), QStringLiteral("hash")});
    else
        out.write("[\n");
    while (s->next()) {
        const AuditEntry e = readEntry(*s);
        if (format == Format::Csv) {
            csv.writeRow({QString::number(e.seq), isoTime(e.tsMs), e.osUser, e.operatorName, e.host,
                          e.action, e.objectType, e.objectId, e.beforeJson, e.afterJson, e.reason,
                          e.prevHash, e.hash});
        } else {
            QJsonObject o;
            o.insert(QStringLiteral("seq"), e.seq);
            o.insert(QStringLiteral("time_utc"), isoTime(e.tsMs));
            o.insert(QStringLiteral("ts_ms"), e.tsMs);
            o.insert(QStringLiteral("os_user"), e.osUser);
            o.insert(QStringLiteral("operator"), e.operatorName);
            o.insert(QStringLiteral("host"), e.host);
            o.insert(QStringLiteral("action"), e.action);
            o.insert(QStringLiteral("object_type"), e.objectType);
            o.insert(QStringLiteral("object_id"), e.objectId);
            o.insert(QStringLiteral("before"),
                     QJsonDocument::fromJson(e.beforeJson.toUtf8()).object());
            o.insert(QStringLiteral("after"),
                     QJsonDocument::fromJson(e.afterJson.toUtf8()).object());
            o.insert(QStringLiteral("reason"), e.reason);
            o.insert(QStringLiteral("prev_hash"), e.prevHash);
            o.insert(QStringLiteral("hash"), e.hash);
            if (n > 0)
                out.write(",\n");
            out.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
        }
        ++n;
    }
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    if (format == Format::Json)
        out.write("\n]\n");
    return n;
}

} // namespace fleet
