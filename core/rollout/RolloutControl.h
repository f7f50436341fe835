#pragma once

#include "rollout/RolloutDeviceMachine.h"
#include "rollout/RolloutRuntimeStore.h"
#include "rollout/RolloutStateMachine.h"
#include "rollout/RolloutStore.h"
#include "util/Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

namespace fleet {

class AuditLog;
class Clock;
class Ed25519PrivateKey;
class SqliteDatabase;

// What an action on some of a rollout's devices did: the devices it changed and, for each one
// it left alone, why ("pump-7 is succeeded, only failed or timed out devices can be retried").
struct RolloutDeviceActionOutcome
{
    QStringList changed;
    QList<QPair<QString, QString>> refused; // uid, reason
};

// Everything an operator does to a rollout, each in one audited transaction with a reason:
// the rollout's own transitions (through RolloutStateMachine) and the actions on its devices
// (through RolloutDeviceMachine). Nothing here talks to a device: the engine
// (RolloutEngine) acts on what was committed, on its next tick, in whichever process runs it
// (the window or `fleetctl serve`). That is what lets fleetctl and the window drive one engine.
class RolloutControl
{
public:
    RolloutControl(SqliteDatabase &db, AuditLog &audit, const Clock &clock);

    // draft -> waiting for approval (the plan requires approval) or ready.
    Result<StoredRollout> submit(const QString &idOrName, const QString &reason = {});
    // A second operator approves (four-eyes) or sends it back to draft.
    Result<StoredRollout> approve(const QString &idOrName, const QString &reason = {});
    Result<StoredRollout> deny(const QString &idOrName, const QString &reason);
    // ready -> running, or scheduled when `at` is in the future. The test gate: a signed pass
    // record for the release's artifact hash, or a pilot wave that will produce one.
    Result<StoredRollout> start(const QString &idOrName, const QString &reason,
                                const std::optional<QDateTime> &at = std::nullopt);
    Result<StoredRollout> pause(const QString &idOrName, const QString &reason);
    // Only a person resumes. Resuming after a gate paused the wave acknowledges the failures
    // seen so far; after a pilot that passed, a signing key records the pilot's pass (the
    // test gate) in the same transaction.
    Result<StoredRollout> resume(const QString &idOrName, const QString &reason,
                                 const Ed25519PrivateKey *pilotSigningKey = nullptr);
    // Running/paused/scheduled -> stopping: queued devices are cancelled, devices underway may
    // finish; the engine stops the rollout when the last one has.
    Result<StoredRollout> cancel(const QString &idOrName, const QString &reason);
    // Starts the next wave without waiting for this one's gate.
    Result<StoredRollout> forceNextWave(const QString &idOrName, const QString &reason);
    // Lets devices start outside their maintenance windows (or restores the windows).
    Result<StoredRollout> overrideWindows(const QString &idOrName, bool overridden,
                                          const QString &reason);

    // Device actions. An empty uid list means every device the action applies to.
    // retry: failed or timed out devices go back to queued (spending a retry of their kind).
    Result<RolloutDeviceActionOutcome> retryDevices(const QString &idOrName,
                                                    const QStringList &uids, const QString &reason);
    // skip: queued devices are cancelled and left out of the rollout.
    Result<RolloutDeviceActionOutcome> skipDevices(const QString &idOrName, const QStringList &uids,
                                                   const QString &reason);
    // rollback: failed, timed out or succeeded devices are put back on their known-good version
    // by the engine; with an empty list, every failed and timed out one.
    Result<RolloutDeviceActionOutcome>
    rollbackDevices(const QString &idOrName, const QStringList &uids, const QString &reason);
    // The whole rollout back: cancel it (if still going) and roll back every device that
    // succeeded or failed.
    Result<RolloutDeviceActionOutcome> rollbackRollout(const QString &idOrName,
                                                       const QString &reason);

    // The columns a rollout gets when it starts running (now, or when its scheduled start came):
    // the first wave, the wave's start, and a pace bucket holding one credit.
    static Status beginRunning(RolloutRuntimeStore &runtime, const StoredRollout &rollout,
                               qint64 nowMs);
    // Cancels every queued device of the rollout (a stopping rollout starts nobody new), each
    // with a timeline entry.
    static Status cancelQueued(SqliteDatabase &db, qint64 rolloutId, qint64 nowMs,
                               const QString &actor, const QString &reason);
    // Marks a device for the engine to put back on its known-good version.
    static Status requestRollback(const StoredRollout &rollout, RolloutDeviceRecord &record,
                                  RolloutDeviceState state, qint64 nowMs,
                                  RolloutRuntimeStore &runtime, const QString &actor,
                                  const QString &reason);

private:
    using StateEffects = std::function<Status(const StoredRollout &, const RolloutStateChange &,
                                              RolloutRuntimeStore &, QJsonObject &after)>;
    using DeviceEffect =
        std::function<Status(const StoredRollout &, RolloutDeviceRecord &, RolloutDeviceMachine &,
                             qint64 nowMs, RolloutRuntimeStore &, const QString &actor)>;

    Result<StoredRollout> act(const QString &idOrName, RolloutAction action, const QString &reason,
                              const std::optional<qint64> &startAtMs, const StateEffects &effects);
    Result<RolloutDeviceActionOutcome> devices(const QString &idOrName, const QStringList &uids,
                                               const QString &reason, const QString &action,
                                               const QString &allWhere, const DeviceEffect &effect);

    SqliteDatabase &m_db;
    AuditLog &m_audit;
    const Clock &m_clock;
};

} // namespace fleet
