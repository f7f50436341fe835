#pragma once

#include "util/Result.h"

#include <QList>
#include <QObject>
#include <QTimer>
#include <optional>

namespace fleet {

class Clock;
class SqliteDatabase;

// Marks MQTT devices offline when nothing has been heard from them for longer than the
// staleness limit. A device's last will covers it dropping off while the broker lives; when the
// broker itself dies, or restarts without persistence, no will is ever sent, and a device that
// never comes back would otherwise be shown online forever.
//
// Silence only means something while Fleetdesk is connected: a sweep runs only once the
// connection has lasted the whole limit, so a Fleetdesk that was itself away (or just
// reconnected) never declares the fleet offline for what it could not hear.
class LivenessSweeper : public QObject
{
    Q_OBJECT

public:
    // Five missed heartbeats at the protocol's default interval of 60 s.
    static constexpr qint64 defaultStaleAfterMs = 5 * 60 * 1000;
    static constexpr int defaultSweepIntervalMs = 30 * 1000;

    // `db` is used only from this object's thread (the engine's connection).
    LivenessSweeper(SqliteDatabase &db, const Clock &clock, QObject *parent = nullptr);

    void setStaleAfterMs(qint64 ms) { m_staleAfterMs = ms; }
    qint64 staleAfterMs() const { return m_staleAfterMs; }
    void setSweepIntervalMs(int ms) { m_timer.setInterval(ms); }

    // The connection to the broker came up (sweeps start timing from now) or went away.
    void connectionUp();
    void connectionDown();

    // Marks every stale MQTT device offline and returns their ids (sorted); nothing while the
    // connection has lasted less than the limit. The timer calls it.
    Result<QList<qint64>> sweep();

signals:
    void devicesWentStale(const QList<qint64> &deviceIds);
    void sweepFailed(const QString &message);

private:
    SqliteDatabase &m_db;
    const Clock &m_clock;
    QTimer m_timer;
    qint64 m_staleAfterMs = defaultStaleAfterMs;
    std::optional<qint64> m_connectedSinceMs;
};

} // namespace fleet
