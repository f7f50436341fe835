#pragma once

#include "rollout/WaveCounts.h"
#include "util/Result.h"

#include <QList>
#include <QString>

namespace fleet {

// Where one device stands in one rollout. The set merges AWS IoT Jobs' execution states (with
// its split of retryable FAILED/TIMED_OUT against final REJECTED/REMOVED/CANCELED),
// ThingsBoard's download/verify/update steps and Mender's reboot step, and adds our own
// post-update validation, because a device that installed and rebooted has not yet proved it
// runs the target version and is healthy.
//
// The in-progress states are declared in the order a device passes them: the transition table
// (RolloutDeviceTransitions) uses that order to tell a step forward from a stale report.
enum class RolloutDeviceState {
    Queued,      // in the rollout, not yet sent anything (waiting for its wave, window, rate)
    Notified,    // the job or DDI action was handed to the transport
    Downloading, //
    Downloaded,  //
    Verified,    // the device checked the artifact's hash and signature
    Installing,  //
    Rebooting,   //
    Validating,  // back up: must report the target version and pass its health checks
    Succeeded,   // validated: counts as a success
    Failed,      // retryable failure (download, install or validation)
    Rejected,    // the device refused the update (incompatible, no space): never retried
    TimedOut,    // a step took longer than allowed: retryable
    Cancelled,   // cancelled or skipped by an operator: not counted by the wave's gate
    Removed,     // left the target set during the rollout: not counted either
    RolledBack,  // back on its known-good version: kept out of the rest of the rollout
};

// Names, the words stored in the workspace and printed by `status --json`, and the
// classification that the gate and the engine need, in one place.
class RolloutDeviceStates
{
public:
    // Every state, in declaration order.
    static QList<RolloutDeviceState> all();
    // "timed_out": the stored and machine-readable name.
    static QString name(RolloutDeviceState state);
    // "timed out": for sentences shown to a person.
    static QString displayName(RolloutDeviceState state);
    // The state called `name` (as name() writes it; surrounding blanks and case ignored).
    static Result<RolloutDeviceState> parse(const QString &name);

    // The device's current attempt is over: its outcome counts (or, for cancelled and removed,
    // is set aside). Succeeded is terminal although a rollback of the whole rollout can still
    // move it to rolled_back, and failed/timed_out are terminal although a retry re-queues them.
    static bool isTerminal(RolloutDeviceState state);
    // Notified .. validating: the device is working on it, so a step timer runs.
    static bool isInProgress(RolloutDeviceState state);
    // Failed and timed out may be retried (if the budget allows); nothing else may.
    static bool isRetryable(RolloutDeviceState state);
    // The device has been told to install something and may have changed: from installing
    // on, cancelling could leave it half-flashed, so an operator cannot cancel it.
    static bool hasStartedInstalling(RolloutDeviceState state);

    // Adds one device in `state` to the wave's counts. Failed counts as failed while the device
    // waits for a retry decision: until it is re-queued the gate must see the failure.
    static void addTo(WaveCounts &counts, RolloutDeviceState state);
    static WaveCounts count(const QList<RolloutDeviceState> &states);
};

} // namespace fleet
