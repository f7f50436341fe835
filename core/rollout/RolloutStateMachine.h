#pragma once

#include "rollout/RolloutState.h"
#include "util/Result.h"

#include <QList>
#include <QString>
#include <optional>

namespace fleet {

// Who may take an action: a person, the engine on its own (a gate, the clock), or either.
enum class RolloutActor { Operator, Automatic, Either };

// Everything a rollout transition is decided on, handed in by the caller (the machine reads no
// clock and no database).
struct RolloutActionContext
{
    QString actor;          // the operator's name; "engine" or empty for automatic decisions
    bool automatic = false; // true when the engine decides (a gate, the start time, the end)
    QString reason;         // for the audit trail; automatic ones carry the figures
    QString creator;        // who created the rollout: may not approve it (four-eyes)
    bool approvalRequired = false;
    // A signed pass record exists for the exact artifact hash (issue #5's test gate): without
    // it a rollout cannot leave ready.
    bool testGatePassed = false;
    std::optional<qint64> startAtMs; // the planned start, if any
    qint64 nowMs = 0;
};

// A committed change of the rollout's state, for the rollout row and its audit entry.
struct RolloutStateChange
{
    RolloutState from = RolloutState::Draft;
    RolloutState to = RolloutState::Draft;
    RolloutAction action = RolloutAction::Submit;
    QString actor;
    bool automatic = false;
    QString reason;
    qint64 atMs = 0;
};

// The rollout's allowed transitions, as a table of (from, action, to, who), plus the guards a
// table cannot express:
// - submit goes to waiting for approval only when approval is required, else straight to ready;
// - approve: a named operator other than the creator (compared without case or surrounding
//   blanks, so "Anna" cannot approve what "anna " created);
// - start needs the test gate; with a start time in the future it schedules instead;
//   begin_scheduled refuses before the start time;
// - a person resumes a paused rollout; the engine never does (issue #5: "resumes after a
//   person's decision"); pause and cancel may come from either (a gate pauses or aborts);
// - force_next_wave only while running: a paused rollout was paused for a reason, resume first;
// - every operator action except submit and approve needs a reason, and so does every
//   automatic pause or cancel (the figures that triggered it).
class RolloutStateMachine
{
public:
    struct Row
    {
        RolloutState from;
        RolloutAction action;
        RolloutState to;
        RolloutActor who;
    };

    static const QList<Row> &table();
    static std::optional<Row> find(RolloutState from, RolloutAction action);

    // The change `action` makes to a rollout in `from`, or a sentence saying why not.
    static Result<RolloutStateChange> apply(RolloutState from, RolloutAction action,
                                            const RolloutActionContext &context);
};

} // namespace fleet
