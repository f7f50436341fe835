#include "ingest/LivenessSweeper.h"

#include "storage/SqliteDatabase.h"
#include "storage/SqliteStatement.h"
#include "util/Clock.h"

#include <algorithm>

namespace fleet {

LivenessSweeper::LivenessSweeper(SqliteDatabase &db, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_clock(clock)
    , m_timer(this)
{
    m_timer.setInterval(defaultSweepIntervalMs);
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        auto stale = sweep();
        if (!stale)
            emit sweepFailed(stale.message());
        else if (!stale->isEmpty())
            emit devicesWentStale(stale.value());
    });
}

void LivenessSweeper::connectionUp()
{
    m_connectedSinceMs = m_clock.nowMs();
    m_timer.start();
}

void LivenessSweeper::connectionDown()
{
    m_connectedSinceMs.reset();
    m_timer.stop();
}

Result<QList<qint64>> LivenessSweeper::sweep()
{
    const qint64 now = m_clock.nowMs();
    if (!m_connectedSinceMs || now - *m_connectedSinceMs < m_staleAfterMs)
        return QList<qint64>{};
    // The range on devices_last_seen visits only the stale rows, not the whole fleet. A device
    // never seen (last_seen NULL) is not online by ingest, so it is left alone.
    auto statement = m_db.prepare(QStringLiteral(
        "UPDATE devices SET online = 0 WHERE last_seen < ? AND online = 1 AND connection = "
        "'mqtt' RETURNING id"));
    if (!statement)
        return statement.error();
    SqliteStatement &update = statement.value();
    update.bind(1, now - m_staleAfterMs);
    QList<qint64> stale;
    while (update.next())
        stale << update.int64(0);
    if (!update.lastStepError().isEmpty())
        return Error::failed(QStringLiteral("Marking silent devices offline failed: %1")
                                 .arg(update.lastStepError()));
    std::sort(stale.begin(), stale.end());
    return stale;
}

} // namespace fleet
