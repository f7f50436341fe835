#pragma once

#include <QString>
#include <QStringList>
#include <optional>

namespace fleet {

// Where a device is in its life. Stored as the lower-case names below.
enum class LifecycleState {
    Registered,
    Active,
    Maintenance,
    Quarantined,
    Decommissioning,
    Retired
};

QString lifecycleStateName(LifecycleState state);
std::optional<LifecycleState> lifecycleStateFromName(const QString &name);
QStringList lifecycleStateNames();
// Moving into these states takes a device out of service: the change needs a reason.
bool isRiskyTarget(LifecycleState state);

} // namespace fleet
