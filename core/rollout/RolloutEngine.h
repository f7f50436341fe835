#pragma once

#include "rollout/RolloutRuntimeStore.h"
#include "rollout/RolloutStore.h"
#include "rollout/RolloutTransport.h"
#include "rollout/WaveVerdict.h"
#include "util/Result.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace fleet {

class AuditLog;
class Clock;
class RolloutTransport;
class SqliteDatabase;

// What one tick did, for logs, the status bar and tests.
struct RolloutTickReport
{
    int rollouts = 0;    // rollouts looked at
    int started = 0;     // devices handed to the transport
    int transitions = 0; // device transitions committed
    int decisions = 0;   // automatic rollout decisions (gate, finish, stop, scheduled start)
    int rollbacks = 0;   // rollback jobs handed out
    QStringList problems;
};

// Runs rollouts: on every tick it reads what devices reported (through the transport), moves
// each device's machine, judges the current wave's gate, and starts the next devices within
// the plan's rate, concurrency cap and the devices' maintenance windows.
//
// Crash safety: every tick's work for a rollout is one audited transaction. The transitions it
// decides and the jobs it hands out commit together, before anything reaches a device (the
// dispatcher and the update server only see committed jobs). Killed at any moment, the engine
// loses at most the tick in progress, which the next tick redoes from the stored state: a
// device is either still queued (and started once, later) or notified with its job (and
// never handed a second install).
//
// Time comes from the injected clock only, so tests run a week of windows in milliseconds.
// Not thread-safe: one engine per connection, on one thread (RolloutEngineRunner).
class RolloutEngine
{
public:
    RolloutEngine(SqliteDatabase &db, AuditLog &audit, const Clock &clock,
                  RolloutTransport &transport);

    // At most this many devices are started per rollout and tick, keeping each transaction
    // short; the rate limiter usually allows fewer.
    void setMaxStartsPerTick(int n) { m_maxStartsPerTick = n; }

    // One pass over every rollout that is scheduled, running, paused or stopping.
    Result<RolloutTickReport> tick();
    Result<RolloutTickReport> tickRollout(qint64 rolloutId);

    // How long a device that came back on its old version must have been seen for, after its
    // job said succeeded, before it counts as fallen back (its inventory may lag the job).
    static constexpr qint64 fallBackGraceMs = 30'000;

private:
    struct Context;
    Result<RolloutDeviceMachine> machineOf(const Context &c,
                                           const RolloutDeviceRecord &record) const;
    // Commits the machine's transitions to the record and the timeline, counted in the report.
    Status apply(Context &c, RolloutDeviceRecord &record, const RolloutDeviceMachine &machine,
                 const QList<RolloutDeviceTransition> &transitions);
    Status observe(Context &c);
    Status observeDevice(Context &c, RolloutDeviceRecord &record);
    Status handleRollback(Context &c, RolloutDeviceRecord &record, RolloutDeviceMachine &machine);
    Status afterFailure(Context &c, RolloutDeviceRecord &record, RolloutDeviceMachine &machine);
    Status judge(Context &c);
    Status removeLeavers(Context &c);
    Status startDevices(Context &c);
    Status decide(Context &c, RolloutAction action, const QString &reason,
                  const QString &auditAction);
    Status advanceWave(Context &c, int wave, const QString &reason);
    Result<QList<qint64>> openDevices(Context &c, int limit);

    SqliteDatabase &m_db;
    AuditLog &m_audit;
    const Clock &m_clock;
    RolloutTransport &m_transport;
    int m_maxStartsPerTick = 2000;
    // The job states of the rollout being observed, read once per tick.
    QHash<qint64, TransportJobState> m_jobStates;
};

} // namespace fleet
