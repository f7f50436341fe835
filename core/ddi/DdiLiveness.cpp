#include "ddi/DdiLiveness.h"

#include "storage/SqliteDatabase.h"

#include <QMutexLocker>
#include <algorithm>

namespace fleet {

void DdiLiveness::note(qint64 deviceId, qint64 atMs)
{
    QMutexLocker lock(&m_mutex);
    qint64 &seen = m_lastSeen[deviceId];
    seen = std::max(seen, atMs);
}

qsizetype DdiLiveness::pending() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastSeen.size();
}

Result<DdiLiveness::Flushed> DdiLiveness::flush(SqliteDatabase &db, qint64 nowMs,
                                                qint64 offlineAfterMs, bool sweepOffline)
{
    QHash<qint64, qint64> batch;
    {
        QMutexLocker lock(&m_mutex);
        batch.swap(m_lastSeen);
    }
    auto keep = [&] {
        QMutexLocker lock(&m_mutex);
        for (auto it = batch.cbegin(); it != batch.cend(); ++it) {
            qint64 &seen = m_lastSeen[it.key()];
            seen = std::max(seen, it.value());
        }
    };
    Flushed flushed;
    if (batch.isEmpty() && !sweepOffline)
        return flushed;
    SqliteTransaction tx(db);
    if (!tx.beginStatus()) {
        keep();
        return tx.beginStatus().error();
    }
    auto update =
        db.prepare(QStringLiteral("UPDATE devices SET last_seen = max(coalesce(last_seen, "
                                  "0), ?1), first_seen = coalesce(first_seen, ?1), "
                                  "online = 1 WHERE id = ?2"));
    if (!update) {
        keep();
        return update.error();
    }
    QList<qint64> ids = batch.keys();
    std::sort(ids.begin(), ids.end()); // row order: fewer page visits
    for (qint64 id : ids) {
        update->reset();
        update->bind(1, batch.value(id));
        update->bind(2, id);
        if (auto r = update->step(); !r) {
            keep();
            return r.error();
        }
        flushed.seen += db.changes();
    }
    if (sweepOffline) {
        if (Status s = db.execute(QStringLiteral("UPDATE devices SET online = 0 WHERE connection = "
                                                 "'ddi' AND online = 1 AND last_seen < ?"),
                                  {nowMs - offlineAfterMs});
            !s) {
            keep();
            return s.error();
        }
        flushed.wentOffline = db.changes();
    }
    if (Status s = tx.commit(); !s) {
        keep();
        return s.error();
    }
    return flushed;
}

} // namespace fleet
