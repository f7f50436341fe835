#include "LifecycleState.h"

#include <array>

namespace fleet {

namespace {
struct StateName
{
    LifecycleState state;
    const char16_t *name;
};
constexpr std::array kStates = {
    StateName{LifecycleState::Registered, u"registered"},
    StateName{LifecycleState::Active, u"active"},
    StateName{LifecycleState::Maintenance, u"maintenance"},
    StateName{LifecycleState::Quarantined, u"quarantined"},
    StateName{LifecycleState::Decommissioning, u"decommissioning"},
    StateName{LifecycleState::Retired, u"retired"},
};
} // namespace

QString lifecycleStateName(LifecycleState state)
{
    for (const auto &s : kStates)
        if (s.state == state)
            return QString::fromUtf16(s.name);
    return {};
}

std::optional<LifecycleState> lifecycleStateFromName(const QString &name)
{
    const QString wanted = name.trimmed().toLower();
    for (const auto &s : kStates)
        if (wanted == QString::fromUtf16(s.name))
            return s.state;
    return std::nullopt;
}

QStringList lifecycleStateNames()
{
    QStringList names;
    for (const auto &s : kStates)
        names << QString::fromUtf16(s.name);
    return names;
}

bool isRiskyTarget(LifecycleState state)
{
    return state == LifecycleState::Quarantined || state == LifecycleState::Decommissioning ||
           state == LifecycleState::Retired;
}

} // namespace fleet
