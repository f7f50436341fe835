#pragma once

#include "rollout/DeviceStepTimeouts.h"
#include "rollout/RetryBudget.h"
#include "rollout/RolloutDeviceState.h"
#include "util/Result.h"

#include <QList>
#include <QString>
#include <array>
#include <optional>

namespace fleet {

// One committed change of a device's rollout state: what the engine writes (in the same
// transaction as the audit entry, before it acts on it) and what the device's timeline shows.
struct RolloutDeviceTransition
{
    RolloutDeviceState from = RolloutDeviceState::Queued;
    RolloutDeviceState to = RolloutDeviceState::Queued;
    qint64 atMs = 0;
    QString reason;                         // a sentence: why, with the figures
    std::optional<FailureKind> failureKind; // set when `to` is failed, rejected or timed out
};

// What one event did: the transitions to commit, in order (usually none or one; a validation
// report that arrives while the device is still "rebooting" gives two: rebooting -> validating
// -> succeeded), and a note when the event was accepted but changed nothing (a repeated
// progress report, a health check still failing inside its window).
struct RolloutDeviceOutcome
{
    QList<RolloutDeviceTransition> transitions;
    QString note;
    bool changed() const { return !transitions.isEmpty(); }
};

// What the device said about itself after the update: the version it runs and whether its
// health checks pass, at a time. Comes from the device's status report, not from the job.
struct DeviceValidationReport
{
    QString version;
    bool healthy = false;
    QString healthProblem; // "health check 'pump-pressure' failing", when not healthy
    qint64 atMs = 0;
};

// The state machine of one device in one rollout, independent of the transport. It is told
// everything, including the time (no clock is read), so the engine, the "simulate this plan"
// preview and the tests drive it the same way, and a restarted engine rebuilds it from what was
// stored (restore()).
//
// Events:
// - notify(): the engine handed the job to the transport (queued -> notified).
// - onTransportReport(): a job/DDI state string as core/jobs uses them ("downloading",
//   "succeeded", "failed" ...). "succeeded" from the transport means installed; the device
//   then validates, and only validation makes it succeeded.
// - onValidationReport(): version and health after the reboot. The target version with health
//   passing -> succeeded. The known-good (previous) version -> rolled back: the device fell
//   back to its old slot. Any other version -> failed (validation). Health failing -> keep
//   waiting until the validation deadline: devices often fail a check for a minute after boot.
// - onTick(): time passed; if the deadline (nextDeadline()) has come the device times out, or,
//   in validation, fails validation ("counts as failed", issue #5).
// - retry(), skip(), cancel(): operator actions, each with a reason for the audit trail.
//   An operator cannot cancel a device that has started installing: cancelling a half-flashed
//   device is how plants lose devices; let it finish, then roll it back.
// - remove(): the device left the rollout's target set.
// Every refusal is an Error::invalid with a sentence, and leaves the machine unchanged.
class RolloutDeviceMachine
{
public:
    struct Setup
    {
        QString targetVersion;
        QString knownGoodVersion; // what the device ran before; empty when unknown
        DeviceStepTimeouts timeouts;
        RetryLimits retryLimits;
    };

    // What the engine stores per device to rebuild the machine after a restart.
    struct Snapshot
    {
        RolloutDeviceState state = RolloutDeviceState::Queued;
        std::optional<qint64> stepStartedMs;    // when the current step began
        std::optional<qint64> attemptStartedMs; // when the current attempt was notified
        std::optional<FailureKind> failureKind; // of the last failure
        std::array<int, 4> retriesUsed{};       // per FailureKind (Download..Timeout)
        QString healthProblem;                  // last failing health check while validating
    };

    static Result<RolloutDeviceMachine> create(const Setup &setup);
    static Result<RolloutDeviceMachine> restore(const Setup &setup, const Snapshot &snapshot);

    RolloutDeviceState state() const { return m_state; }
    std::optional<FailureKind> failureKind() const { return m_failureKind; }
    const RetryBudget &retryBudget() const { return m_budget; }
    Snapshot snapshot() const;

    // When the engine must call onTick() next, or nothing when no timer runs (queued, or
    // finished). The earlier of the step's limit and the whole attempt's limit.
    std::optional<qint64> nextDeadline() const;

    Result<RolloutDeviceOutcome> notify(qint64 atMs);
    Result<RolloutDeviceOutcome> onTransportReport(const QString &jobState, qint64 atMs,
                                                   const QString &detail = {});
    Result<RolloutDeviceOutcome> onValidationReport(const DeviceValidationReport &report);
    Result<RolloutDeviceOutcome> onTick(qint64 nowMs);
    Result<RolloutDeviceOutcome> retry(qint64 atMs, const QString &reason);
    Result<RolloutDeviceOutcome> skip(qint64 atMs, const QString &reason);
    Result<RolloutDeviceOutcome> cancel(qint64 atMs, const QString &reason);
    Result<RolloutDeviceOutcome> remove(qint64 atMs, const QString &reason);
    // The device is back on its known-good version after a rollback the engine sent (or found
    // it already there): failed, timed out or succeeded -> rolled back.
    Result<RolloutDeviceOutcome> rolledBack(qint64 atMs, const QString &reason);

    // The rollout state a transport's job state leads to: "created", "sent", "queued" ->
    // notified; "verifying" and "succeeded" -> validating; the rest by name ("timed_out" ->
    // timed out). Unknown states are an error naming the known ones.
    static Result<RolloutDeviceState> stateForTransport(const QString &jobState);

private:
    RolloutDeviceMachine(const Setup &setup);

    // Checks the table, then moves, restarting the step timer when the step changes.
    Result<RolloutDeviceTransition> moveTo(RolloutDeviceState to, qint64 atMs, QString reason,
                                           std::optional<FailureKind> kind = std::nullopt);
    Result<RolloutDeviceOutcome> fail(RolloutDeviceState to, FailureKind kind, qint64 atMs,
                                      QString reason);
    FailureKind failureKindFor(RolloutDeviceState failingIn) const;

    Setup m_setup;
    RetryBudget m_budget;
    RolloutDeviceState m_state = RolloutDeviceState::Queued;
    std::optional<qint64> m_stepStartedMs;
    std::optional<qint64> m_attemptStartedMs;
    std::optional<FailureKind> m_failureKind;
    QString m_healthProblem;
};

} // namespace fleet
