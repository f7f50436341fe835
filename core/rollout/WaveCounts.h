#pragma once

#include <QtGlobal>

namespace fleet {

// How the devices of one wave stand right now, by per-device state, as the gate sees them.
// The wave's size is the sum: a device is in exactly one state.
struct WaveCounts
{
    qint64 pending = 0;    // queued, not yet started (or waiting for its window)
    qint64 inProgress = 0; // notified .. validating
    qint64 succeeded = 0;  // installed, rebooted and validated
    qint64 failed = 0;     // failed (retry budget spent)
    qint64 rejected = 0;   // refused by the device: not retryable
    qint64 timedOut = 0;
    qint64 rolledBack = 0; // updated, failed validation, back on its known-good version
    qint64 cancelled = 0;  // skipped or cancelled by an operator
    qint64 removed = 0;    // left the target set during the rollout

    qint64 total() const
    {
        return pending + inProgress + succeeded + failed + rejected + timedOut + rolledBack +
               cancelled + removed;
    }
    // Outcomes that count against the release.
    qint64 failures() const { return failed + rejected + timedOut + rolledBack; }
    // Devices with an outcome that says something about the release.
    qint64 finished() const { return succeeded + failures(); }
    // The devices the wave is judged on: operator-cancelled and removed devices neither help
    // nor hurt (hawkBit likewise stopped counting deleted targets, PR #328).
    qint64 counted() const { return total() - cancelled - removed; }
    qint64 unfinished() const { return pending + inProgress; }

    // Adds `other`, `times` over (a grouped count of devices in one state, or a wave's counts
    // into a rollout's total).
    void add(const WaveCounts &other, qint64 times = 1)
    {
        pending += other.pending * times;
        inProgress += other.inProgress * times;
        succeeded += other.succeeded * times;
        failed += other.failed * times;
        rejected += other.rejected * times;
        timedOut += other.timedOut * times;
        rolledBack += other.rolledBack * times;
        cancelled += other.cancelled * times;
        removed += other.removed * times;
    }
};

} // namespace fleet
