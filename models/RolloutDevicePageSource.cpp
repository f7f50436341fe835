#include "RolloutDevicePageSource.h"

#include "storage/SqliteDatabase.h"
#include "storage/SqliteStatement.h"

namespace fleet {

namespace {

// The states in the order a device passes them, as an SQL expression over rd.state: sorting
// by state then reads like the device's progress, not like the alphabet.
QString stateRank()
{
    QString sql = QStringLiteral("CASE rd.state");
    const QList<RolloutDeviceState> states = RolloutDeviceStates::all();
    for (int i = 0; i < states.size(); ++i)
        sql +=
            QStringLiteral(" WHEN '%1' THEN %2").arg(RolloutDeviceStates::name(states[i])).arg(i);
    return sql + QStringLiteral(" ELSE 99 END");
}

QString orderExpression(RolloutDeviceQuery::SortKey key)
{
    using K = RolloutDeviceQuery::SortKey;
    switch (key) {
    case K::Device:
        return QStringLiteral("d.uid");
    case K::Wave:
        return QStringLiteral("rd.wave");
    case K::State:
        return stateRank();
    case K::Progress:
        return QStringLiteral("coalesce(j.percent, -1)");
    case K::Attempts:
        return QStringLiteral("rd.attempts");
    case K::Started:
        return QStringLiteral("rd.started_ms");
    case K::Finished:
        return QStringLiteral("rd.finished_ms");
    case K::Reason:
        return QStringLiteral("rd.reason");
    case K::KnownGood:
        return QStringLiteral("rd.known_good");
    case K::Reported:
        return QStringLiteral("d.fw_version");
    }
    return QStringLiteral("rd.wave");
}

QString likePattern(const QString &text)
{
    QString escaped = text.trimmed();
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    escaped.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

} // namespace

QString RolloutDevicePageSource::fromWhere(QVariantList &binds) const
{
    QString sql =
        QStringLiteral(" FROM rollout_devices rd JOIN devices d ON d.id = rd.device_id"
                       " LEFT JOIN jobs j ON j.id = coalesce(rd.rollback_job_row, rd.job_row)"
                       " WHERE rd.rollout_id = ?");
    binds << m_query.rolloutId;
    if (!m_query.states.isEmpty()) {
        QStringList marks;
        for (RolloutDeviceState state : m_query.states) {
            marks << QStringLiteral("?");
            binds << RolloutDeviceStates::name(state);
        }
        sql += QStringLiteral(" AND rd.state IN (%1)").arg(marks.join(QLatin1Char(',')));
    }
    if (!m_query.text.trimmed().isEmpty()) {
        // LIKE is case-insensitive for ASCII, which uids and reasons are in practice.
        sql += QStringLiteral(" AND (d.uid LIKE ?1x ESCAPE '\\' OR d.name LIKE ?1x ESCAPE '\\'"
                              " OR rd.reason LIKE ?1x ESCAPE '\\'"
                              " OR coalesce(rd.failure_kind, '') LIKE ?1x ESCAPE '\\')");
        const QString pattern = likePattern(m_query.text);
        sql.replace(QStringLiteral("?1x"), QStringLiteral("?"));
        binds << pattern << pattern << pattern << pattern;
    }
    return sql;
}

Result<qint64> RolloutDevicePageSource::count(SqliteDatabase &db) const
{
    QVariantList binds;
    const QString sql = QStringLiteral("SELECT count(*)") + fromWhere(binds);
    auto n = db.scalar(sql, binds);
    if (!n)
        return n.error();
    return n.value().toLongLong();
}

Result<PageRows> RolloutDevicePageSource::page(SqliteDatabase &db, qint64 offset, int limit,
                                               qint64 /*matching*/) const
{
    QVariantList binds;
    const QString direction = m_query.descending ? QStringLiteral(" DESC") : QStringLiteral(" ASC");
    // NULL times (not started yet) sort last either way: they are the least interesting.
    const QString order = orderExpression(m_query.sortKey);
    const QString sql =
        QStringLiteral("SELECT rd.device_id, d.uid, d.name, rd.wave, rd.state, j.percent, "
                       "rd.attempts, rd.started_ms, rd.finished_ms, rd.failure_kind, rd.reason, "
                       "rd.health_problem, rd.known_good, d.fw_version, "
                       "rd.rollback_requested_ms, j.state, (SELECT group_concat(kind, ', ') FROM "
                       "device_drift WHERE device_id = rd.device_id)") +
        fromWhere(binds) +
        QStringLiteral(" ORDER BY (%1) IS NULL, %1%2, rd.wave, d.uid LIMIT ? OFFSET ?")
            .arg(order, direction);
    binds << limit << offset;
    auto s = db.prepare(sql);
    if (!s)
        return s.error();
    s->bindAll(binds);
    PageRows rows;
    while (s->next()) {
        QVector<QVariant> row(FieldCount);
        for (int i = 0; i < FieldCount; ++i)
            row[i] = s->value(i);
        rows.append(row);
    }
    if (!s->lastStepError().isEmpty())
        return Error::failed(
            QStringLiteral("Cannot read the rollout's devices: %1").arg(s->lastStepError()));
    return rows;
}

} // namespace fleet
