#pragma once

#include "util/Result.h"

#include <QList>
#include <QString>

namespace fleet {

// Where a whole rollout stands. hawkBit's rollout states (the recommendation in
// anchors-update-managers.md §2.11) without its transient CREATING: a rollout is written in
// one transaction, so it never exists half-created.
enum class RolloutState {
    Draft,              // being edited; nothing is sent
    WaitingForApproval, // submitted; a second operator must approve (four-eyes)
    Ready,              // approved (or needing no approval); may start once its test gate passed
    Scheduled,          // started with a start time in the future
    Running,            // waves are being worked through
    Paused,             // by an operator or by a wave's gate; no new device is started
    Stopping,           // cancelled; devices already installing are let finish
    Stopped,            // cancelled, and nothing is in progress any more
    Finished,           // every wave done
};

// An operator's action or the engine's automatic decision on a rollout.
enum class RolloutAction {
    Submit,  // draft -> waiting for approval, or ready when no approval is required
    Approve, // by a second operator
    Deny,    // back to draft, with the reason
    Start,   // ready -> running (or scheduled, given a future start time); scheduled -> running
    BeginScheduled, // automatic: the start time has come
    Pause,          // by an operator, or automatically by a wave's gate
    Resume,         // only a person resumes
    Cancel,         // by an operator, or automatically when a wave's gate aborts
    ForceNextWave,  // start the next wave without waiting for this one's gate
    Finish,         // automatic: the last wave is done
    StopCompleted,  // automatic: after a cancel, the last device in progress has finished
};

class RolloutStates
{
public:
    static QList<RolloutState> all();
    static QString name(RolloutState state);        // "waiting_for_approval"
    static QString displayName(RolloutState state); // "waiting for approval"
    static Result<RolloutState> parse(const QString &name);
    // Stopped and finished: nothing will change the rollout any more.
    static bool isTerminal(RolloutState state);

    static QList<RolloutAction> allActions();
    static QString actionName(RolloutAction action); // "force_next_wave"
    static Result<RolloutAction> parseAction(const QString &name);
};

} // namespace fleet
