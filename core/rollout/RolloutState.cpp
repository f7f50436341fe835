#include "RolloutState.h"

#include <QStringList>

namespace fleet {

namespace {

struct StateName
{
    RolloutState state;
    const char *name;
};

constexpr StateName kStates[] = {
    {RolloutState::Draft, "draft"},
    {RolloutState::WaitingForApproval, "waiting_for_approval"},
    {RolloutState::Ready, "ready"},
    {RolloutState::Scheduled, "scheduled"},
    {RolloutState::Running, "running"},
    {RolloutState::Paused, "paused"},
    {RolloutState::Stopping, "stopping"},
    {RolloutState::Stopped, "stopped"},
    {RolloutState::Finished, "finished"},
};

struct ActionName
{
    RolloutAction action;
    const char *name;
};

constexpr ActionName kActions[] = {
    {RolloutAction::Submit, "submit"},
    {RolloutAction::Approve, "approve"},
    {RolloutAction::Deny, "deny"},
    {RolloutAction::Start, "start"},
    {RolloutAction::BeginScheduled, "begin_scheduled"},
    {RolloutAction::Pause, "pause"},
    {RolloutAction::Resume, "resume"},
    {RolloutAction::Cancel, "cancel"},
    {RolloutAction::ForceNextWave, "force_next_wave"},
    {RolloutAction::Finish, "finish"},
    {RolloutAction::StopCompleted, "stop_completed"},
};

} // namespace

QList<RolloutState> RolloutStates::all()
{
    QList<RolloutState> states;
    for (const StateName &s : kStates)
        states << s.state;
    return states;
}

QString RolloutStates::name(RolloutState state)
{
    for (const StateName &s : kStates) {
        if (s.state == state)
            return QLatin1String(s.name);
    }
    return {};
}

QString RolloutStates::displayName(RolloutState state)
{
    return name(state).replace(QLatin1Char('_'), QLatin1Char(' '));
}

Result<RolloutState> RolloutStates::parse(const QString &name)
{
    const QString wanted = name.trimmed().toLower();
    QStringList known;
    for (const StateName &s : kStates) {
        if (wanted == QLatin1String(s.name))
            return s.state;
        known << QLatin1String(s.name);
    }
    return Error::invalid(QStringLiteral("'%1' is not a rollout state; expected one of: %2")
                              .arg(name, known.join(QLatin1String(", "))));
}

bool RolloutStates::isTerminal(RolloutState state)
{
    return state == RolloutState::Stopped || state == RolloutState::Finished;
}

QList<RolloutAction> RolloutStates::allActions()
{
    QList<RolloutAction> actions;
    for (const ActionName &a : kActions)
        actions << a.action;
    return actions;
}

QString RolloutStates::actionName(RolloutAction action)
{
    for (const ActionName &a : kActions) {
        if (a.action == action)
            return QLatin1String(a.name);
    }
    return {};
}

Result<RolloutAction> RolloutStates::parseAction(const QString &name)
{
    const QString wanted = name.trimmed().toLower().replace(QLatin1Char('-'), QLatin1Char('_'));
    QStringList known;
    for (const ActionName &a : kActions) {
        if (wanted == QLatin1String(a.name))
            return a.action;
        known << QLatin1String(a.name);
    }
    return Error::invalid(QStringLiteral("'%1' is not a rollout action; expected one of: %2")
                              .arg(name, known.join(QLatin1String(", "))));
}

} // namespace fleet
