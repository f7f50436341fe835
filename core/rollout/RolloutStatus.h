#pragma once

#include "rollout/DriftFinding.h"
#include "rollout/RolloutDeviceState.h"
#include "rollout/RolloutStore.h"
#include "rollout/TestPassStore.h"
#include "rollout/WaveCounts.h"
#include "util/Result.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace fleet {

class SqliteDatabase;

struct RolloutWaveStatus
{
    int wave = 0; // 0 = the pilot
    QString name; // "pilot", "wave 1"
    WaveCounts counts;
    bool current = false;
};

// One device's line in the execution table and in `status --json`.
struct RolloutDeviceStatus
{
    qint64 deviceId = 0;
    QString uid;
    QString name;
    QString site;
    int wave = 0;
    RolloutDeviceState state = RolloutDeviceState::Queued;
    QString step; // DeviceStepTimeouts::stepName
    int attempts = 0;
    QString jobId;
    QString jobState;
    std::optional<int> percent;
    QString failureKind;
    QString reason;
    QString knownGood;
    QString reportedVersion;
    bool rollbackRequested = false;
    QStringList drift; // the drift scanner's findings (driftKindName), e.g. "fell_back"
    std::optional<qint64> startedMs;
    std::optional<qint64> finishedMs;
    qint64 updatedMs = 0;
};

// One line of the rollout's timeline (table rollout_events).
struct RolloutEvent
{
    qint64 id = 0;
    qint64 atMs = 0;
    std::optional<qint64> deviceId;
    QString deviceUid;
    std::optional<int> wave;
    QString kind; // rollout, wave, device, decision, operator
    QString fromState;
    QString toState;
    QString actor;
    QString reason;
};

// The devices by outcome at one moment, for the status-over-time chart.
struct RolloutStatusSample
{
    qint64 atMs = 0;
    qint64 queued = 0;
    qint64 inProgress = 0;
    qint64 succeeded = 0;
    qint64 failed = 0; // failed, rejected, timed out
    qint64 rolledBack = 0;
};

struct RolloutStatus
{
    StoredRollout rollout; // the header, without devices and exclusions
    QString releaseName;
    QString releaseVersion;
    QString releaseSha256;
    QList<TestPassRecord> testPasses;
    bool testGatePassed = false;
    QList<RolloutWaveStatus> waves;
    WaveCounts total;
    qint64 excludedCount = 0;
};

// Reads where a rollout stands for the window, `rollout status` and reports. Read-only; SQL
// does the counting, so a 100,000-device rollout's status costs a few grouped queries.
class RolloutStatusReader
{
public:
    explicit RolloutStatusReader(SqliteDatabase &db);

    Result<RolloutStatus> status(qint64 rolloutId);
    // The devices, by wave then planned order; only those in `state` when given.
    Result<QList<RolloutDeviceStatus>> devices(qint64 rolloutId,
                                               std::optional<RolloutDeviceState> state = {},
                                               int limit = -1, int offset = 0);
    // The timeline, oldest first; of one device when given; only events after `afterId`.
    Result<QList<RolloutEvent>> events(qint64 rolloutId, std::optional<qint64> deviceId = {},
                                       qint64 afterId = 0);
    // The devices by outcome after each change, replayed from the timeline; at most
    // `maxSamples` samples, evenly thinned, always keeping the last.
    Result<QList<RolloutStatusSample>> statusOverTime(qint64 rolloutId, int maxSamples = 500);

private:
    SqliteDatabase &m_db;
};

} // namespace fleet
