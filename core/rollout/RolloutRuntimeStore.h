#pragma once

#include "rollout/RolloutDeviceMachine.h"
#include "rollout/RolloutState.h"
#include "rollout/RolloutStatus.h"
#include "rollout/WaveCounts.h"
#include "util/Result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QVariantList>
#include <optional>

namespace fleet {

class SqliteDatabase;
struct StoredRollout;

// One device of a running rollout as the engine and the operator actions read and write it:
// the machine's snapshot plus the jobs that carry its attempt and its rollback.
struct RolloutDeviceRecord
{
    qint64 deviceId = 0;
    QString uid;
    int wave = 0;
    int attempts = 0;
    RolloutDeviceMachine::Snapshot snapshot;
    std::optional<qint64> jobRow;
    std::optional<qint64> rollbackJobRow;
    std::optional<qint64> rollbackRequestedMs;
    std::optional<qint64> startedMs;
    std::optional<qint64> finishedMs;
    QString knownGood;
    QString reason;
    qint64 updatedMs = 0;
};

// The SQL of a rollout that runs (schema 10): device snapshots, the timeline, the rollout's
// engine columns and the per-wave counts. No transactions and no rules: RolloutEngine and
// RolloutControl decide, inside their audited transactions.
class RolloutRuntimeStore
{
public:
    explicit RolloutRuntimeStore(SqliteDatabase &db);

    // The rollout's devices matching `where` (SQL over rollout_devices aliased rd, e.g.
    // "rd.state = 'queued' AND rd.wave <= ?"), by wave then planned order, at most `limit`.
    Result<QList<RolloutDeviceRecord>> devices(qint64 rolloutId, const QString &where = {},
                                               const QVariantList &binds = {}, int limit = -1);
    // Writes every mutable column of the device's row.
    Status saveDevice(qint64 rolloutId, const RolloutDeviceRecord &device);
    // Applies the machine's committed transitions to the record (state, reason, times) and
    // puts each on the timeline with `actor`. The caller then saves the record.
    Status applyTransitions(qint64 rolloutId, RolloutDeviceRecord &device,
                            const RolloutDeviceMachine &machine,
                            const QList<RolloutDeviceTransition> &transitions,
                            const QString &actor);
    Status addEvent(qint64 rolloutId, const RolloutEvent &event);

    Status setRolloutState(qint64 rolloutId, RolloutState state, qint64 nowMs);
    // Any of the engine's columns of the rollouts row ("current_wave", "pace_credit" ...).
    Status setRolloutColumns(qint64 rolloutId, const QHash<QString, QVariant> &columns);

    // Counts per wave, by device state (WaveCounts), every wave of the rollout present.
    Result<QMap<int, WaveCounts>> waveCounts(qint64 rolloutId);
    // Devices underway (notified .. validating).
    Result<qint64> inProgressCount(qint64 rolloutId);

    // The machine's setup for a device of this rollout.
    static RolloutDeviceMachine::Setup
    setupFor(const StoredRollout &rollout, const QString &targetVersion, const QString &knownGood);
    // "1,0,2,0" <-> retries used per kind.
    static QString retriesText(const std::array<int, 4> &used);
    static std::array<int, 4> parseRetries(const QString &text);

private:
    SqliteDatabase &m_db;
};

} // namespace fleet
