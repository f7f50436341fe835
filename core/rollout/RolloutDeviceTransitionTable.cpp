#include "RolloutDeviceTransitionTable.h"

#include <initializer_list>

namespace fleet {

namespace {

using S = RolloutDeviceState;

struct Row
{
    S from;
    std::initializer_list<S> to;
};

// The table. One row per state: the states it may move to.
const Row kTable[] = {
    {S::Queued, {S::Notified, S::Cancelled, S::Removed}},
    {S::Notified,
     {S::Downloading, S::Downloaded, S::Verified, S::Installing, S::Rebooting, S::Validating,
      S::Failed, S::Rejected, S::TimedOut, S::Cancelled, S::Removed}},
    {S::Downloading,
     {S::Downloaded, S::Verified, S::Installing, S::Rebooting, S::Validating, S::Failed,
      S::Rejected, S::TimedOut, S::Cancelled, S::Removed}},
    {S::Downloaded,
     {S::Verified, S::Installing, S::Rebooting, S::Validating, S::Failed, S::Rejected, S::TimedOut,
      S::Cancelled, S::Removed}},
    {S::Verified,
     {S::Installing, S::Rebooting, S::Validating, S::Failed, S::Rejected, S::TimedOut, S::Cancelled,
      S::Removed}},
    {S::Installing,
     {S::Rebooting, S::Validating, S::Failed, S::Rejected, S::TimedOut, S::Cancelled, S::Removed,
      S::RolledBack}},
    {S::Rebooting,
     {S::Validating, S::Failed, S::Rejected, S::TimedOut, S::Cancelled, S::Removed, S::RolledBack}},
    {S::Validating,
     {S::Succeeded, S::Failed, S::Rejected, S::TimedOut, S::Cancelled, S::Removed, S::RolledBack}},
    {S::Succeeded, {S::RolledBack}},
    {S::Failed, {S::Queued, S::RolledBack}},
    {S::Rejected, {}},
    {S::TimedOut, {S::Queued, S::RolledBack}},
    {S::Cancelled, {}},
    {S::Removed, {}},
    {S::RolledBack, {}},
};

// Why `from` -> `to` is not in the table, in words an engineer on a night shift follows.
QString whyNot(S from, S to)
{
    if (from == to)
        return QStringLiteral("it already is, so a repeated report changes nothing");
    switch (from) {
    case S::Rejected:
        return QStringLiteral("the device refused this update, and a refused update is never "
                              "retried or resumed");
    case S::Cancelled:
        return QStringLiteral("it was cancelled or skipped in this rollout; add it to a new "
                              "rollout to update it");
    case S::Removed:
        return QStringLiteral("it has left this rollout's target set");
    case S::RolledBack:
        return QStringLiteral("it is back on its known-good version and is kept out of the rest "
                              "of this rollout");
    case S::Succeeded:
        return QStringLiteral("it already installed and validated the update; only a rollback "
                              "can change that");
    case S::Failed:
    case S::TimedOut:
        return QStringLiteral("it must first be retried (back to queued) or rolled back");
    default:
        break;
    }
    if (to == S::Succeeded)
        return QStringLiteral("a device only succeeds after post-update validation, when it "
                              "reports the target version and passes its health checks");
    if (to == S::Queued)
        return QStringLiteral("only a failed or timed-out device goes back to the queue, by a "
                              "retry");
    if (from == S::Queued)
        return QStringLiteral("it has not been sent the update yet");
    if (to == S::RolledBack)
        return QStringLiteral("it has not installed anything yet, so there is nothing to roll "
                              "back");
    if (RolloutDeviceStates::isInProgress(to) && to < from)
        return QStringLiteral("it is already past that step, so the report is late or out of "
                              "order");
    return QStringLiteral("the rollout has no such step");
}

} // namespace

QList<std::pair<RolloutDeviceState, RolloutDeviceState>> RolloutDeviceTransitionTable::allowed()
{
    QList<std::pair<S, S>> pairs;
    for (const Row &row : kTable) {
        for (S to : row.to)
            pairs.append({row.from, to});
    }
    return pairs;
}

bool RolloutDeviceTransitionTable::allows(RolloutDeviceState from, RolloutDeviceState to)
{
    for (const Row &row : kTable) {
        if (row.from != from)
            continue;
        for (S t : row.to) {
            if (t == to)
                return true;
        }
        return false;
    }
    return false;
}

Status RolloutDeviceTransitionTable::check(RolloutDeviceState from, RolloutDeviceState to)
{
    if (allows(from, to))
        return Status::success();
    return Error::invalid(QStringLiteral("A device that is %1 cannot become %2: %3.")
                              .arg(RolloutDeviceStates::displayName(from),
                                   RolloutDeviceStates::displayName(to), whyNot(from, to)));
}

} // namespace fleet
