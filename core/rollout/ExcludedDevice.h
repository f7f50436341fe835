#pragma once

#include <QString>

namespace fleet {

// A device of the target set that the rollout will not touch, and why, shown in the wizard and
// kept with the plan so "why was pump-17 not updated?" has an answer.
struct ExcludedDevice
{
    QString deviceUid;
    QString reason;
    friend bool operator==(const ExcludedDevice &, const ExcludedDevice &) = default;
};

} // namespace fleet
