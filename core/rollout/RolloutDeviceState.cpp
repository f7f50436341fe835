#include "RolloutDeviceState.h"

#include <QStringList>

namespace fleet {

namespace {

struct StateName
{
    RolloutDeviceState state;
    const char *name;
    const char *display;
};

constexpr StateName kNames[] = {
    {RolloutDeviceState::Queued, "queued", "queued"},
    {RolloutDeviceState::Notified, "notified", "notified"},
    {RolloutDeviceState::Downloading, "downloading", "downloading"},
    {RolloutDeviceState::Downloaded, "downloaded", "downloaded"},
    {RolloutDeviceState::Verified, "verified", "verified"},
    {RolloutDeviceState::Installing, "installing", "installing"},
    {RolloutDeviceState::Rebooting, "rebooting", "rebooting"},
    {RolloutDeviceState::Validating, "validating", "validating"},
    {RolloutDeviceState::Succeeded, "succeeded", "succeeded"},
    {RolloutDeviceState::Failed, "failed", "failed"},
    {RolloutDeviceState::Rejected, "rejected", "rejected"},
    {RolloutDeviceState::TimedOut, "timed_out", "timed out"},
    {RolloutDeviceState::Cancelled, "cancelled", "cancelled"},
    {RolloutDeviceState::Removed, "removed", "removed"},
    {RolloutDeviceState::RolledBack, "rolled_back", "rolled back"},
};

const StateName &entry(RolloutDeviceState state)
{
    for (const StateName &n : kNames) {
        if (n.state == state)
            return n;
    }
    Q_UNREACHABLE();
}

} // namespace

QList<RolloutDeviceState> RolloutDeviceStates::all()
{
    QList<RolloutDeviceState> states;
    for (const StateName &n : kNames)
        states << n.state;
    return states;
}

QString RolloutDeviceStates::name(RolloutDeviceState state)
{
    return QLatin1String(entry(state).name);
}

QString RolloutDeviceStates::displayName(RolloutDeviceState state)
{
    return QLatin1String(entry(state).display);
}

Result<RolloutDeviceState> RolloutDeviceStates::parse(const QString &name)
{
    const QString wanted = name.trimmed().toLower();
    QStringList known;
    for (const StateName &n : kNames) {
        if (wanted == QLatin1String(n.name))
            return n.state;
        known << QLatin1String(n.name);
    }
    return Error::invalid(QStringLiteral("'%1' is not a device state in a rollout; expected one "
                                         "of: %2")
                              .arg(name, known.join(QLatin1String(", "))));
}

bool RolloutDeviceStates::isTerminal(RolloutDeviceState state)
{
    switch (state) {
    case RolloutDeviceState::Succeeded:
    case RolloutDeviceState::Failed:
    case RolloutDeviceState::Rejected:
    case RolloutDeviceState::TimedOut:
    case RolloutDeviceState::Cancelled:
    case RolloutDeviceState::Removed:
    case RolloutDeviceState::RolledBack:
        return true;
    default:
        return false;
    }
}

bool RolloutDeviceStates::isInProgress(RolloutDeviceState state)
{
    return state >= RolloutDeviceState::Notified && state <= RolloutDeviceState::Validating;
}

bool RolloutDeviceStates::isRetryable(RolloutDeviceState state)
{
    return state == RolloutDeviceState::Failed || state == RolloutDeviceState::TimedOut;
}

bool RolloutDeviceStates::hasStartedInstalling(RolloutDeviceState state)
{
    return state >= RolloutDeviceState::Installing && state <= RolloutDeviceState::Validating;
}

void RolloutDeviceStates::addTo(WaveCounts &counts, RolloutDeviceState state)
{
    switch (state) {
    case RolloutDeviceState::Queued:
        ++counts.pending;
        return;
    case RolloutDeviceState::Notified:
    case RolloutDeviceState::Downloading:
    case RolloutDeviceState::Downloaded:
    case RolloutDeviceState::Verified:
    case RolloutDeviceState::Installing:
    case RolloutDeviceState::Rebooting:
    case RolloutDeviceState::Validating:
        ++counts.inProgress;
        return;
    case RolloutDeviceState::Succeeded:
        ++counts.succeeded;
        return;
    case RolloutDeviceState::Failed:
        ++counts.failed;
        return;
    case RolloutDeviceState::Rejected:
        ++counts.rejected;
        return;
    case RolloutDeviceState::TimedOut:
        ++counts.timedOut;
        return;
    case RolloutDeviceState::Cancelled:
        ++counts.cancelled;
        return;
    case RolloutDeviceState::Removed:
        ++counts.removed;
        return;
    case RolloutDeviceState::RolledBack:
        ++counts.rolledBack;
        return;
    }
}

WaveCounts RolloutDeviceStates::count(const QList<RolloutDeviceState> &states)
{
    WaveCounts counts;
    for (RolloutDeviceState s : states)
        addTo(counts, s);
    return counts;
}

} // namespace fleet
