#include "RolloutDeviceMachine.h"

#include "rollout/RolloutDeviceTransitionTable.h"

#include <QStringList>

namespace fleet {

namespace {

using S = RolloutDeviceState;

QString display(S state)
{
    return RolloutDeviceStates::displayName(state);
}

Status requireReason(const QString &reason, const char *action)
{
    if (reason.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("Give a reason to %1 the device: it goes into the "
                                             "audit trail")
                                  .arg(QLatin1String(action)));
    return Status::success();
}

struct TransportName
{
    const char *jobState;
    S state;
};

// Fleetdesk's job states (core/jobs/Job.h, core/ddi/DdiActionTransition.h) onto rollout
// states. "verified" is not a job state today; it is accepted for transports that report the
// artifact check separately (ThingsBoard's VERIFIED, a lab bench).
constexpr TransportName kTransportNames[] = {
    {"created", S::Notified},        {"sent", S::Notified},         {"queued", S::Notified},
    {"downloading", S::Downloading}, {"downloaded", S::Downloaded}, {"verified", S::Verified},
    {"installing", S::Installing},   {"rebooting", S::Rebooting},   {"verifying", S::Validating},
    {"succeeded", S::Validating},    {"failed", S::Failed},         {"rejected", S::Rejected},
    {"rolled_back", S::RolledBack},  {"timed_out", S::TimedOut},    {"cancelled", S::Cancelled},
};

} // namespace

RolloutDeviceMachine::RolloutDeviceMachine(const Setup &setup)
    : m_setup(setup)
    , m_budget(setup.retryLimits)
{
    m_setup.targetVersion = m_setup.targetVersion.trimmed();
    m_setup.knownGoodVersion = m_setup.knownGoodVersion.trimmed();
}

Result<RolloutDeviceMachine> RolloutDeviceMachine::create(const Setup &setup)
{
    if (setup.targetVersion.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("A device in a rollout needs the version it is to "
                                             "run, to know when it has succeeded"));
    if (Status s = setup.timeouts.validate(); !s)
        return s.error();
    if (Status s = setup.retryLimits.validate(); !s)
        return s.error();
    return RolloutDeviceMachine(setup);
}

Result<RolloutDeviceMachine> RolloutDeviceMachine::restore(const Setup &setup,
                                                           const Snapshot &snapshot)
{
    Result<RolloutDeviceMachine> machine = create(setup);
    if (!machine)
        return machine;
    Result<RetryBudget> budget = RetryBudget::restore(setup.retryLimits, snapshot.retriesUsed);
    if (!budget)
        return budget.error();
    if (RolloutDeviceStates::isInProgress(snapshot.state) &&
        (!snapshot.stepStartedMs || !snapshot.attemptStartedMs))
        return Error::invalid(QStringLiteral("The stored rollout state of a device that is %1 "
                                             "lacks the time its step started; the device "
                                             "cannot be timed")
                                  .arg(display(snapshot.state)));
    machine->m_budget = *budget;
    machine->m_state = snapshot.state;
    machine->m_stepStartedMs = snapshot.stepStartedMs;
    machine->m_attemptStartedMs = snapshot.attemptStartedMs;
    machine->m_failureKind = snapshot.failureKind;
    machine->m_healthProblem = snapshot.healthProblem;
    return machine;
}

RolloutDeviceMachine::Snapshot RolloutDeviceMachine::snapshot() const
{
    Snapshot s;
    s.state = m_state;
    s.stepStartedMs = m_stepStartedMs;
    s.attemptStartedMs = m_attemptStartedMs;
    s.failureKind = m_failureKind;
    for (FailureKind k : {FailureKind::Download, FailureKind::Install, FailureKind::Validation,
                          FailureKind::Timeout})
        s.retriesUsed[static_cast<int>(k)] = m_budget.used(k);
    s.healthProblem = m_healthProblem;
    return s;
}

std::optional<qint64> RolloutDeviceMachine::nextDeadline() const
{
    if (!RolloutDeviceStates::isInProgress(m_state) || !m_stepStartedMs)
        return std::nullopt;
    const DeviceStep step = DeviceStepTimeouts::stepOf(m_state);
    qint64 deadline = *m_stepStartedMs + m_setup.timeouts.limitFor(step);
    if (m_setup.timeouts.inProgressMs && m_attemptStartedMs)
        deadline = qMin(deadline, *m_attemptStartedMs + *m_setup.timeouts.inProgressMs);
    return deadline;
}

Result<RolloutDeviceState> RolloutDeviceMachine::stateForTransport(const QString &jobState)
{
    const QString wanted = jobState.trimmed().toLower();
    QStringList known;
    for (const TransportName &n : kTransportNames) {
        if (wanted == QLatin1String(n.jobState))
            return n.state;
        known << QLatin1String(n.jobState);
    }
    return Error::invalid(QStringLiteral("The transport reported '%1', which is not a job state "
                                         "Fleetdesk knows; expected one of: %2")
                              .arg(jobState, known.join(QLatin1String(", "))));
}

Result<RolloutDeviceTransition> RolloutDeviceMachine::moveTo(S to, qint64 atMs, QString reason,
                                                             std::optional<FailureKind> kind)
{
    if (Status s = RolloutDeviceTransitionTable::check(m_state, to); !s)
        return s.error();
    RolloutDeviceTransition t{m_state, to, atMs, std::move(reason), kind};
    const DeviceStep fromStep = DeviceStepTimeouts::stepOf(m_state);
    const DeviceStep toStep = DeviceStepTimeouts::stepOf(to);
    if (toStep == DeviceStep::None)
        m_stepStartedMs.reset();
    else if (toStep != fromStep)
        m_stepStartedMs = atMs;
    if (to == S::Notified)
        m_attemptStartedMs = atMs;
    else if (!RolloutDeviceStates::isInProgress(to))
        m_attemptStartedMs.reset();
    if (toStep != DeviceStep::Validation)
        m_healthProblem.clear();
    if (kind)
        m_failureKind = kind;
    else if (to == S::Queued)
        m_failureKind.reset();
    m_state = to;
    return t;
}

Result<RolloutDeviceOutcome> RolloutDeviceMachine::fail(S to, FailureKind kind, qint64 atMs,
                                                        QString reason)
{
    Result<RolloutDeviceTransition> t = moveTo(to, atMs, std::move(reason), kind);
    if (!t)
        return t.error();
    return RolloutDeviceOutcome{{*t}, {}};
}

FailureKind RolloutDeviceMachine::failureKindFor(S failingIn) const
{
    switch (DeviceStepTimeouts::stepOf(failingIn)) {
    case DeviceStep::Download:
        return FailureKind::Download;
    case DeviceStep::Validation:
        return FailureKind::Validation;
    default:
        // Install and reboot: the device could not put the new version to work.
        return FailureKind::Install;
    }
}

Result<RolloutDeviceOutcome> RolloutDeviceMachine::notify(qint64 atMs)
{
    if (m_state != S::Queued)
        return Error::invalid(QStringLiteral("The device is %1, not queued: it has already been "
                                             "sent this update (a second notification would "
                                             "start a second install)")
                                  .arg(display(m_state)));
    Result<RolloutDeviceTransition> t =
        moveTo(S::Notified, atMs, QStringLiteral("the update was handed to the transport"));
    if (!t)
        return t.error();
    return RolloutDeviceOutcome{{*t}, {}};
}

Result<RolloutDeviceOutcome>
RolloutDeviceMachine::onTransportReport(const QString &jobState, qint64 atMs, const QString &detail)
{
    Result<S> target = stateForTransport(jobState);
    if (!target)
        return target.error();
    QString reason = QStringLiteral("the device reported '%1'").arg(jobState.trimmed().toLower());
    if (!detail.trimmed().isEmpty())
        reason += QStringLiteral(": ") + detail.trimmed();
    if (*target == m_state)
        return RolloutDeviceOutcome{
            {},
            QStringLiteral("The device is already %1; the report was noted").arg(display(m_state))};
    switch (*target) {
    case S::Failed:
        return fail(S::Failed, failureKindFor(m_state), atMs, reason);
    case S::TimedOut:
        return fail(S::TimedOut, FailureKind::Timeout, atMs, reason);
    case S::Rejected:
        return fail(S::Rejected, FailureKind::Rejected, atMs, reason);
    default:
        break;
    }
    Result<RolloutDeviceTransition> t = moveTo(*target, atMs, reason);
    if (!t)
        return t.error();
    return RolloutDeviceOutcome{{*t}, {}};
}

Result<RolloutDeviceOutcome>
RolloutDeviceMachine::onValidationReport(const DeviceValidationReport &report)
{
    const QString version = report.version.trimmed();
    if (version.isEmpty())
        return Error::invalid(QStringLiteral("A device's status report must say which version it "
                                             "runs before it can count for validation"));
    const bool waitingForBoot = m_state == S::Installing || m_state == S::Rebooting;
    if (m_state != S::Validating && !waitingForBoot)
        return RolloutDeviceOutcome{{},
                                    QStringLiteral("The device is %1, not validating; its report "
                                                   "of version %2 was noted")
                                        .arg(display(m_state), version)};
    if (m_stepStartedMs && report.atMs < *m_stepStartedMs)
        return RolloutDeviceOutcome{
            {},
            QStringLiteral("The report of version %1 is older than the device's current step "
                           "and was ignored")
                .arg(version)};

    RolloutDeviceOutcome outcome;
    if (waitingForBoot) {
        if (version != m_setup.targetVersion)
            return RolloutDeviceOutcome{{},
                                        QStringLiteral("The device still reports version %1 "
                                                       "while %2; waiting for it to come back on "
                                                       "%3")
                                            .arg(version, display(m_state), m_setup.targetVersion)};
        Result<RolloutDeviceTransition> up =
            moveTo(S::Validating, report.atMs,
                   QStringLiteral("the device is back up and reports version %1").arg(version));
        if (!up)
            return up.error();
        outcome.transitions << *up;
    }

    const qint64 sinceStep = report.atMs - m_stepStartedMs.value_or(report.atMs);
    Result<RolloutDeviceTransition> t = RolloutDeviceTransition{};
    if (version == m_setup.targetVersion && report.healthy) {
        t = moveTo(S::Succeeded, report.atMs,
                   QStringLiteral("runs version %1 and passes its health checks, %2 after "
                                  "validation began")
                       .arg(version, DeviceStepTimeouts::durationText(qMax<qint64>(sinceStep, 0))));
    } else if (version == m_setup.targetVersion) {
        m_healthProblem = report.healthProblem.trimmed().isEmpty()
                              ? QStringLiteral("its health checks do not pass")
                              : report.healthProblem.trimmed();
        outcome.note = QStringLiteral("The device runs version %1 but %2; it has until its "
                                      "validation deadline to pass")
                           .arg(version, m_healthProblem);
        return outcome;
    } else if (!m_setup.knownGoodVersion.isEmpty() && version == m_setup.knownGoodVersion) {
        t = moveTo(S::RolledBack, report.atMs,
                   QStringLiteral("reports its previous version %1 instead of %2 after the "
                                  "reboot: it fell back to its known-good version")
                       .arg(version, m_setup.targetVersion),
                   FailureKind::Validation);
    } else {
        t = moveTo(S::Failed, report.atMs,
                   QStringLiteral("reports version %1 after the reboot, not the target version %2")
                       .arg(version, m_setup.targetVersion),
                   FailureKind::Validation);
    }
    if (!t)
        return t.error();
    outcome.transitions << *t;
    return outcome;
}

Result<RolloutDeviceOutcome> RolloutDeviceMachine::onTick(qint64 nowMs)
{
    const std::optional<qint64> deadline = nextDeadline();
    if (!deadline || nowMs < *deadline)
        return RolloutDeviceOutcome{};
    const DeviceStep step = DeviceStepTimeouts::stepOf(m_state);
    const qint64 stepLimit = m_setup.timeouts.limitFor(step);
    const bool wholeAttempt = *deadline < *m_stepStartedMs + stepLimit;
    const QString limitText =
        wholeAttempt ? QStringLiteral("the %1 limit for a whole update")
                           .arg(DeviceStepTimeouts::durationText(*m_setup.timeouts.inProgressMs))
                     : QStringLiteral("the %1 %2 limit")
                           .arg(DeviceStepTimeouts::durationText(stepLimit),
                                DeviceStepTimeouts::stepName(step));
    if (m_state == S::Validating) {
        // Issue #5: a device that does not validate in time counts as failed, not timed out.
        QString reason = QStringLiteral("did not report version %1 with passing health checks "
                                        "within %2")
                             .arg(m_setup.targetVersion, limitText);
        if (!m_healthProblem.isEmpty())
            reason += QStringLiteral(" (last: %1)").arg(m_healthProblem);
        return fail(S::Failed, FailureKind::Validation, nowMs, reason);
    }
    return fail(S::TimedOut, FailureKind::Timeout, nowMs,
                QStringLiteral("still %1 after %2").arg(display(m_state), limitText));
}

Result<RolloutDeviceOutcome> RolloutDeviceMachine::retry(qint64 atMs, const QString &reason)
{
    if (Status s = requireReason(reason, "retry"); !s)
        return s.error();
    if (m_state == S::Rejected)
        return m_budget.allowsRetry(FailureKind::Rejected).error();
    if (!RolloutDeviceStates::isRetryable(m_state))
        return Error::invalid(QStringLiteral("Only a failed or timed-out device can be retried; "
                                             "this one is %1")
                                  .arg(display(m_state)));
    const FailureKind kind = m_failureKind.value_or(m_state == S::TimedOut ? FailureKind::Timeout
                                                                           : FailureKind::Install);
    if (Status s = m_budget.spend(kind); !s)
        return s.error();
    Result<RolloutDeviceTransition> t =
        moveTo(S::Queued, atMs,
               QStringLiteral("retry %1 of %2 for %3 failures: %4")
                   .arg(m_budget.used(kind))
                   .arg(m_budget.limits().limitFor(kind))
                   .arg(RetryBudget::kindName(kind), reason.trimmed()));
    if (!t)
        return t.error();
    return RolloutDeviceOutcome{{*t}, {}};
}

Result<RolloutDeviceOutcome> RolloutDeviceMachine::skip(qint64 atMs, const QString &reason)
{
    if (Status s = requireReason(reason, "skip"); !s)
        return s.error();
    if (RolloutDeviceStates::isInProgress(m_state))
        return Error::invalid(QStringLiteral("The device is already %1: skipping applies only to "
                                             "a device that has not been sent the update; "
                                             "cancel it instead")
                                  .arg(display(m_state)));
    if (m_state != S::Queued)
        return Error::invalid(QStringLiteral("The device has already finished in this rollout "
                                             "(%1); skipping it now would hide its outcome from "
                                             "the wave's gate")
                                  .arg(display(m_state)));
    Result<RolloutDeviceTransition> t = moveTo(
        S::Cancelled, atMs, QStringLiteral("skipped by an operator: %1").arg(reason.trimmed()));
    if (!t)
        return t.error();
    return RolloutDeviceOutcome{{*t}, {}};
}

Result<RolloutDeviceOutcome> RolloutDeviceMachine::cancel(qint64 atMs, const QString &reason)
{
    if (Status s = requireReason(reason, "cancel"); !s)
        return s.error();
    if (RolloutDeviceStates::hasStartedInstalling(m_state))
        return Error::invalid(QStringLiteral("The device is %1: cancelling now could leave it "
                                             "half-installed. Let it finish, then roll it back "
                                             "if needed")
                                  .arg(display(m_state)));
    Result<RolloutDeviceTransition> t = moveTo(
        S::Cancelled, atMs, QStringLiteral("cancelled by an operator: %1").arg(reason.trimmed()));
    if (!t)
        return t.error();
    return RolloutDeviceOutcome{{*t}, {}};
}

Result<RolloutDeviceOutcome> RolloutDeviceMachine::remove(qint64 atMs, const QString &reason)
{
    QString why = QStringLiteral("left the rollout's target set");
    if (!reason.trimmed().isEmpty())
        why += QStringLiteral(": ") + reason.trimmed();
    Result<RolloutDeviceTransition> t = moveTo(S::Removed, atMs, why);
    if (!t)
        return t.error();
    return RolloutDeviceOutcome{{*t}, {}};
}

Result<RolloutDeviceOutcome> RolloutDeviceMachine::rolledBack(qint64 atMs, const QString &reason)
{
    if (m_state != S::Failed && m_state != S::TimedOut && m_state != S::Succeeded)
        return Error::invalid(QStringLiteral("Only a failed, timed-out or succeeded device can be "
                                             "rolled back; this one is %1")
                                  .arg(display(m_state)));
    Result<RolloutDeviceTransition> t = moveTo(S::RolledBack, atMs, reason.trimmed());
    if (!t)
        return t.error();
    return RolloutDeviceOutcome{{*t}, {}};
}

} // namespace fleet
