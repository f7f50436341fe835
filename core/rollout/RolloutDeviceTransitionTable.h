#pragma once

#include "rollout/RolloutDeviceState.h"
#include "util/Result.h"

#include <QList>
#include <utility>

namespace fleet {

// Which per-device state changes a rollout allows, as one table that the machine consults for
// every change and the tests check pair by pair. The rules behind it:
// - The in-progress states only move forward, and may skip states: transports do not report
//   every step (an MQTT device may go from "queued" straight to "installing").
// - Succeeded only follows validating: installed-and-rebooted is not success until the device
//   proved it runs the target version and is healthy.
// - Failed and timed out go back to queued only through a retry (which also needs budget), or
//   to rolled back.
// - Rejected, cancelled, removed and rolled back are final for this rollout.
// - Succeeded can still become rolled back, when the whole rollout is rolled back.
// - Rolled back needs something installed: it follows installing, rebooting, validating,
//   succeeded, failed and timed out, never an earlier state.
class RolloutDeviceTransitionTable
{
public:
    // Every allowed (from, to) pair, in table order.
    static QList<std::pair<RolloutDeviceState, RolloutDeviceState>> allowed();
    static bool allows(RolloutDeviceState from, RolloutDeviceState to);
    // Success, or an Error::invalid whose sentence says why the change makes no sense
    // ("A device that is rebooting cannot become downloading: it is already past that step,
    // so the report is late or out of order.").
    static Status check(RolloutDeviceState from, RolloutDeviceState to);
};

} // namespace fleet
