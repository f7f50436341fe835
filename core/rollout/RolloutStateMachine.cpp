#include "RolloutStateMachine.h"

#include <QDateTime>
#include <QStringList>

namespace fleet {

namespace {

using S = RolloutState;
using A = RolloutAction;
using W = RolloutActor;

QString display(S state)
{
    return RolloutStates::displayName(state);
}

// What the action does, for "Cannot <verb> the rollout".
QString verb(A action)
{
    switch (action) {
    case A::Submit:
        return QStringLiteral("submit");
    case A::Approve:
        return QStringLiteral("approve");
    case A::Deny:
        return QStringLiteral("deny approval of");
    case A::Start:
        return QStringLiteral("start");
    case A::BeginScheduled:
        return QStringLiteral("begin the scheduled start of");
    case A::Pause:
        return QStringLiteral("pause");
    case A::Resume:
        return QStringLiteral("resume");
    case A::Cancel:
        return QStringLiteral("cancel");
    case A::ForceNextWave:
        return QStringLiteral("force the next wave of");
    case A::Finish:
        return QStringLiteral("finish");
    case A::StopCompleted:
        return QStringLiteral("mark as stopped");
    }
    return {};
}

bool needsReason(A action, bool automatic)
{
    switch (action) {
    case A::Submit:
    case A::Approve:
    case A::BeginScheduled:
    case A::Finish:
    case A::StopCompleted:
        return false;
    case A::Pause:
    case A::Cancel:
        return true; // an operator's reason, or the gate's figures
    default:
        return !automatic;
    }
}

QString sameName(const QString &name)
{
    return name.trimmed().toCaseFolded();
}

// Why `action` does not apply to a rollout in `from`, beyond "not in the table".
QString hint(S from, A action)
{
    if (from == S::Stopped || from == S::Finished)
        return QStringLiteral("it has ended; create a new rollout instead");
    if (from == S::Stopping)
        return QStringLiteral("it is being cancelled and waits for the devices still installing "
                              "to finish");
    if (action == A::ForceNextWave && from == S::Paused)
        return QStringLiteral("it is paused, so someone must look at why and resume it before "
                              "more devices are started");
    if (action == A::Start && from == S::Paused)
        return QStringLiteral("it is paused; resume it instead");
    if (action == A::Start && from == S::Draft)
        return QStringLiteral("it is still a draft; submit it first");
    if (action == A::Start && from == S::WaitingForApproval)
        return QStringLiteral("it is waiting for a second operator's approval");
    QStringList where;
    for (const RolloutStateMachine::Row &row : RolloutStateMachine::table()) {
        if (row.action == action && !where.contains(display(row.from)))
            where << display(row.from);
    }
    return QStringLiteral("it is %1, and that is only possible when it is %2")
        .arg(display(from), where.join(QLatin1String(" or ")));
}

} // namespace

const QList<RolloutStateMachine::Row> &RolloutStateMachine::table()
{
    static const QList<Row> rows = {
        {S::Draft, A::Submit, S::WaitingForApproval, W::Operator}, // or ready: see apply()
        {S::Draft, A::Cancel, S::Stopped, W::Operator},
        {S::WaitingForApproval, A::Approve, S::Ready, W::Operator},
        {S::WaitingForApproval, A::Deny, S::Draft, W::Operator},
        {S::WaitingForApproval, A::Cancel, S::Stopped, W::Operator},
        {S::Ready, A::Start, S::Running, W::Operator}, // or scheduled: see apply()
        {S::Ready, A::Cancel, S::Stopped, W::Operator},
        {S::Scheduled, A::BeginScheduled, S::Running, W::Automatic},
        {S::Scheduled, A::Start, S::Running, W::Operator}, // "start now"
        {S::Scheduled, A::Cancel, S::Stopped, W::Operator},
        {S::Running, A::Pause, S::Paused, W::Either},
        {S::Running, A::Cancel, S::Stopping, W::Either},
        {S::Running, A::ForceNextWave, S::Running, W::Operator},
        {S::Running, A::Finish, S::Finished, W::Automatic},
        {S::Paused, A::Resume, S::Running, W::Operator},
        {S::Paused, A::Cancel, S::Stopping, W::Either},
        {S::Stopping, A::StopCompleted, S::Stopped, W::Automatic},
    };
    return rows;
}

std::optional<RolloutStateMachine::Row> RolloutStateMachine::find(RolloutState from,
                                                                  RolloutAction action)
{
    for (const Row &row : table()) {
        if (row.from == from && row.action == action)
            return row;
    }
    return std::nullopt;
}

Result<RolloutStateChange> RolloutStateMachine::apply(RolloutState from, RolloutAction action,
                                                      const RolloutActionContext &context)
{
    const QString cannot = QStringLiteral("Cannot %1 the rollout: ").arg(verb(action));
    const std::optional<Row> row = find(from, action);
    if (!row)
        return Error::invalid(cannot + hint(from, action) + QLatin1Char('.'));

    if (row->who == W::Operator && context.automatic)
        return Error::invalid(cannot + QStringLiteral("only a person may do that, not the engine "
                                                      "on its own."));
    if (row->who == W::Automatic && !context.automatic)
        return Error::invalid(
            cannot + QStringLiteral("the engine does that itself when the time comes (the start "
                                    "time, the last wave done, the last device finished)."));
    if (!context.automatic && context.actor.trimmed().isEmpty())
        return Error::invalid(cannot + QStringLiteral("the operator's name is missing; every "
                                                      "operator action is audited by name."));
    if (needsReason(action, context.automatic) && context.reason.trimmed().isEmpty())
        return Error::invalid(cannot + (context.automatic
                                            ? QStringLiteral("an automatic decision must give "
                                                             "the figures that triggered it.")
                                            : QStringLiteral("give a reason; it goes into the "
                                                             "audit trail.")));

    RolloutState to = row->to;
    switch (action) {
    case A::Submit:
        if (!context.approvalRequired)
            to = S::Ready;
        break;
    case A::Approve:
        if (context.creator.trimmed().isEmpty())
            return Error::invalid(cannot + QStringLiteral("the rollout's creator is not "
                                                          "recorded, so a second operator "
                                                          "cannot be told apart."));
        if (sameName(context.actor) == sameName(context.creator))
            return Error::invalid(cannot + QStringLiteral("%1 created it, and a rollout must be "
                                                          "approved by a second operator.")
                                               .arg(context.actor.trimmed()));
        break;
    case A::Start:
        if (from == S::Ready && !context.testGatePassed)
            return Error::invalid(cannot + QStringLiteral("there is no signed pass record for "
                                                          "this release's exact artifact; pass "
                                                          "the pilot or record a test run on "
                                                          "the lab bench first."));
        if (from == S::Ready && context.startAtMs && *context.startAtMs > context.nowMs)
            to = S::Scheduled;
        break;
    case A::BeginScheduled:
        if (context.startAtMs && context.nowMs < *context.startAtMs)
            return Error::invalid(
                cannot + QStringLiteral("it is scheduled for %1, which has not come yet.")
                             .arg(QDateTime::fromMSecsSinceEpoch(*context.startAtMs, Qt::UTC)
                                      .toString(Qt::ISODate)));
        break;
    default:
        break;
    }

    RolloutStateChange change;
    change.from = from;
    change.to = to;
    change.action = action;
    change.actor = context.automatic && context.actor.trimmed().isEmpty() ? QStringLiteral("engine")
                                                                          : context.actor.trimmed();
    change.automatic = context.automatic;
    change.reason = context.reason.trimmed();
    change.atMs = context.nowMs;
    return change;
}

} // namespace fleet
