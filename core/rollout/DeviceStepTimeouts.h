#pragma once

#include "rollout/RolloutDeviceState.h"
#include "util/Result.h"

#include <QString>
#include <optional>

namespace fleet {

// The steps a device's update is timed by. Several device states share a step because the
// device's reports within a step are optional (an Azure agent reports only start and end, a
// DDI client may never say "verified"): the timer runs from the step's first state to its last.
enum class DeviceStep {
    None,       // queued or finished: no timer
    Download,   // notified, downloading
    Install,    // downloaded, verified, installing
    Reboot,     // rebooting
    Validation, // validating: target version and health checks within N minutes of the reboot
};

// How long each step may take, and optionally the whole attempt. Modelled on AWS IoT Jobs: a
// step timer that restarts at each step, bounded by an in-progress timer that runs from the
// notification and can never be outlasted. The defaults suit a device on a slow plant network.
struct DeviceStepTimeouts
{
    qint64 downloadMs = 60 * 60 * 1000;
    qint64 installMs = 30 * 60 * 1000;
    qint64 rebootMs = 10 * 60 * 1000;
    qint64 validationMs = 15 * 60 * 1000;
    std::optional<qint64> inProgressMs; // the whole attempt, from notification to validated

    // Every limit must be positive: a step without a timer could leave a device (and its
    // wave) in progress for ever.
    Status validate() const;
    qint64 limitFor(DeviceStep step) const; // 0 for DeviceStep::None

    static DeviceStep stepOf(RolloutDeviceState state);
    // "download", "install", "reboot", "validation", "none".
    static QString stepName(DeviceStep step);
    // "90 minutes", "1 minute", "45 seconds": for sentences.
    static QString durationText(qint64 ms);
};

} // namespace fleet
