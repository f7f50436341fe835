#pragma once

#include "rollout/ExcludedDevice.h"
#include "rollout/WavePlan.h"
#include "rollout/WaveSplit.h"
#include "util/Result.h"

#include <QStringList>

namespace fleet {

// Cuts a rollout's devices into a pilot and waves. Deterministic: the same input gives the same
// plan, device for device, because the order is the caller's target order (and the pilot's own
// order for the pilot); nothing is sorted or hashed into order here.
//
// - Excluded devices (incompatible model, wrong current version, ...: decided by the caller)
//   are left out of every wave and listed with their reasons; a device excluded twice keeps
//   both reasons.
// - Pilot devices are updated first, in the pilot's order, whether or not they are in the
//   target set (a pilot is typically a lab group); a target device that is also a pilot device
//   is only in the pilot.
// - A device listed twice is planned once, at its first place.
// - The rest are split as WaveSplit describes.
class WavePlanner
{
public:
    static Result<WavePlan> plan(const QStringList &targets, const QStringList &pilot,
                                 const QList<ExcludedDevice> &excluded, const WaveSplit &split);
};

} // namespace fleet
