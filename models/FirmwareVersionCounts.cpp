#include "FirmwareVersionCounts.h"

#include "storage/SqliteDatabase.h"

namespace fleet {

Result<QList<FirmwareVersionCounts::Entry>> FirmwareVersionCounts::query(SqliteDatabase &db,
                                                                         const QStringList &models)
{
    QString sql = QStringLiteral("SELECT coalesce(fw_version, ''), count(*) FROM devices");
    QVariantList binds;
    if (!models.isEmpty()) {
        QStringList marks;
        for (const QString &model : models) {
            marks << QStringLiteral("?");
            binds << model;
        }
        sql += QStringLiteral(" WHERE model IN (%1)").arg(marks.join(QLatin1Char(',')));
    }
    sql += QStringLiteral(" GROUP BY 1 ORDER BY 2 DESC, 1");
    auto statement = db.prepare(sql);
    if (!statement)
        return statement.error();
    statement->bindAll(binds);
    QList<Entry> entries;
    while (statement->next())
        entries.append(Entry{statement->text(0), statement->int64(1)});
    if (!statement->lastStepError().isEmpty())
        return Error::failed(QStringLiteral("Counting devices by firmware version failed: %1")
                                 .arg(statement->lastStepError()));
    return entries;
}

} // namespace fleet
