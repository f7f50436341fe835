#pragma once

#include "rollout/RolloutState.h"
#include "rollout/RolloutStatus.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>
#include <optional>

namespace fleet {

// One line of the rollout list.
struct RolloutListEntry
{
    qint64 id = 0;
    QString name;
    QString releaseName;
    QString releaseVersion;
    RolloutState state = RolloutState::Draft;
    qint64 total = 0;
    qint64 succeeded = 0;
    qint64 failures = 0; // failed, rejected, timed out, rolled back
    qint64 createdMs = 0;
    std::optional<qint64> startedMs;
    qint64 updatedMs = 0;
};

// When a wave's devices ran: from the first start to the last finish (or now, while some are
// still unfinished). Read from rollout_devices, so it holds however the engine logs waves.
struct RolloutWaveSpan
{
    int wave = 0;
    std::optional<qint64> startMs;
    std::optional<qint64> endMs; // the last finish; meaningful once `unfinished` is 0
    qint64 total = 0;
    qint64 finished = 0; // succeeded or failed for good (cancelled and removed included)
    qint64 unfinished = 0;
};

// Everything the Rollouts page shows, read in one go on the page's worker thread.
struct RolloutSnapshot
{
    quint64 request = 0;
    QString error; // empty when every part was read
    QList<RolloutListEntry> rollouts;
    qint64 rolloutId = 0; // the rollout the details are of; 0 for none
    bool hasDetails = false;
    RolloutStatus status;
    QList<RolloutStatusSample> samples;
    QList<RolloutEvent> markers; // the timeline without per-device transitions, oldest first
    QList<RolloutWaveSpan> spans;
    QByteArray zone; // the IANA zone most of the rollout's devices are in (their site's)
    qint64 nowMs = 0;
};

} // namespace fleet

Q_DECLARE_METATYPE(fleet::RolloutSnapshot)
