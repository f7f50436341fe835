#pragma once

#include "util/Result.h"

#include <QHash>
#include <QMutex>

namespace fleet {

class SqliteDatabase;

// When DDI devices were last heard from. Every poll is noted in memory (any server thread) and
// written in one transaction per flush, so thousands of devices polling cost one write per
// second instead of one per request. The flush also takes DDI devices offline that stopped
// polling: silent for longer than `offlineAfterMs` (a few poll intervals).
class DdiLiveness
{
public:
    void note(qint64 deviceId, qint64 atMs);
    qsizetype pending() const;

    struct Flushed
    {
        int seen = 0; // devices whose last_seen was written
        int wentOffline = 0;
    };
    // Writes what was noted; on failure the notes are kept for the next flush. The offline
    // sweep only runs when `sweepOffline` (the server has been up for offlineAfterMs: before
    // that, silence says nothing).
    Result<Flushed> flush(SqliteDatabase &db, qint64 nowMs, qint64 offlineAfterMs,
                          bool sweepOffline);

private:
    mutable QMutex m_mutex;
    QHash<qint64, qint64> m_lastSeen; // device id -> ms
};

} // namespace fleet
