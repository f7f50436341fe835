#pragma once

#include "rollout/RolloutDeviceState.h"
#include "rollout/RolloutPlanSpec.h"
#include "rollout/RolloutState.h"
#include "rollout/RolloutTargeting.h"
#include "util/Result.h"

#include <QList>
#include <QString>
#include <optional>

namespace fleet {

class SqliteDatabase;

// A rollout as stored: its header row and, when loaded in full, its devices and exclusions.
struct StoredRollout
{
    qint64 id = 0;
    QString name;
    qint64 releaseId = 0;
    RolloutState state = RolloutState::Draft;
    QString createdBy;
    qint64 createdMs = 0;
    RolloutPlanSpec plan;
    QString reason;
    // Schema 10: what the engine and the operator actions keep.
    int currentWave = 0;
    QString approvedBy;
    std::optional<qint64> startAtMs;
    std::optional<qint64> startedMs;
    std::optional<qint64> finishedMs;
    std::optional<qint64> waveStartedMs;
    qint64 updatedMs = 0;
    bool windowsOverridden = false;
    qint64 acknowledgedFailures = 0;

    struct Device
    {
        qint64 deviceId = 0;
        QString uid;
        int wave = 0; // 0 = the pilot
        RolloutDeviceState state = RolloutDeviceState::Queued;
        int attempts = 0;
        qint64 updatedMs = 0;
    };
    QList<Device> devices;              // by wave, then by the order they were planned
    QList<TargetingExclusion> excluded; // by uid
};

// The SQL of the rollout tables (schema 9), nothing else: no transactions, no audit, no rules.
// RolloutService decides what is written and wraps it in an audited transaction.
class RolloutStore
{
public:
    explicit RolloutStore(SqliteDatabase &db);

    // The new row's id. A taken name fails (the UNIQUE constraint), naming the rollout.
    Result<qint64> insertRollout(const StoredRollout &rollout);
    // Devices are stored in the order given, which is the planned order within each wave.
    Status insertDevices(qint64 rolloutId, const QList<StoredRollout::Device> &devices);
    Status insertExclusions(qint64 rolloutId, const QList<TargetingExclusion> &excluded);

    Result<std::optional<qint64>> idByName(const QString &name);
    // Every rollout's header (no devices, no exclusions), newest first.
    Result<QList<StoredRollout>> list();
    // One rollout in full; not found for an unknown id.
    Result<StoredRollout> load(qint64 id);
    // The header only (no devices, no exclusions): what the engine and the actions need.
    Result<StoredRollout> header(qint64 id);
    // By name first, then, if no rollout has that name and it is a number, by id. The header
    // only.
    Result<StoredRollout> find(const QString &idOrName);

private:
    Result<QList<StoredRollout>> headers(const QString &where, const QVariantList &binds);

    SqliteDatabase &m_db;
};

} // namespace fleet
