#include "RolloutActionRunner.h"

#include "common/BackgroundSession.h"
#include "common/BackgroundTask.h"
#include "firmware/SigningKeyStore.h"
#include "rollout/RolloutControl.h"
#include "storage/WorkspaceSession.h"
#include "util/Clock.h"

#include <QLoggingCategory>

namespace fleet {

namespace {

Q_LOGGING_CATEGORY(lcRolloutActions, "fleet.ui.rollouts")

QString outcomeText(const RolloutDeviceActionOutcome &outcome)
{
    QStringList lines{
        RolloutActionRunner::tr("%n device(s) changed", nullptr, int(outcome.changed.size()))};
    constexpr int kShownRefusals = 5;
    for (int i = 0; i < outcome.refused.size() && i < kShownRefusals; ++i)
        lines << RolloutActionRunner::tr("%1 left alone: %2")
                     .arg(outcome.refused[i].first, outcome.refused[i].second);
    if (outcome.refused.size() > kShownRefusals)
        lines << RolloutActionRunner::tr("… and %n more left alone", nullptr,
                                         int(outcome.refused.size() - kShownRefusals));
    return lines.join(QLatin1Char('\n'));
}

} // namespace

RolloutActionRunner::RolloutActionRunner(WorkspaceSession &session, QObject *parent)
    : QObject(parent)
    , m_session(session)
{}

QString RolloutActionRunner::verb(RolloutActionBar::Action action, bool windowsOverridden)
{
    using A = RolloutActionBar::Action;
    switch (action) {
    case A::Submit:
        return tr("submit");
    case A::Approve:
        return tr("approve");
    case A::Deny:
        return tr("send back");
    case A::Start:
        return tr("start");
    case A::Pause:
        return tr("pause");
    case A::Resume:
        return tr("resume");
    case A::Cancel:
        return tr("cancel");
    case A::ForceNextWave:
        return tr("start the next wave of");
    case A::OverrideWindows:
        return windowsOverridden ? tr("restore the maintenance windows of")
                                 : tr("override the maintenance windows of");
    case A::RollBack:
        return tr("roll back");
    }
    return {};
}

QString RolloutActionRunner::verb(RolloutDevicesPanel::DeviceAction action)
{
    switch (action) {
    case RolloutDevicesPanel::DeviceAction::Retry:
        return tr("retry");
    case RolloutDevicesPanel::DeviceAction::Skip:
        return tr("skip");
    case RolloutDevicesPanel::DeviceAction::RollBack:
        return tr("roll back");
    }
    return {};
}

void RolloutActionRunner::run(const QString &busyText, Call call)
{
    if (m_busy)
        return;
    auto opened = BackgroundSession::open(m_session);
    if (!opened) {
        emit finished(false,
                      tr("Cannot open the workspace for the change: %1").arg(opened.message()));
        return;
    }
    m_busy = true;
    emit started(busyText);
    BackgroundTask::run(
        this,
        [background = opened.value(), clock = &m_session.clock(), call = std::move(call)] {
            RolloutControl control(background->db(), background->audit(), *clock);
            return call(control, *background);
        },
        [this](const Outcome &outcome) {
            m_busy = false;
            if (!outcome.ok)
                qCWarning(lcRolloutActions).noquote() << outcome.message;
            emit finished(outcome.ok, outcome.message);
        });
}

RolloutActionRunner::Call RolloutActionRunner::rolloutAction(RolloutActionBar::Action action,
                                                             const QString &name,
                                                             const QString &reason,
                                                             bool windowsOverridden)
{
    using A = RolloutActionBar::Action;
    return [action, name, reason, overridden = windowsOverridden](RolloutControl &control,
                                                                  BackgroundSession &) -> Outcome {
        Result<StoredRollout> result = Error::invalid(QString());
        switch (action) {
        case A::Submit:
            result = control.submit(name, reason);
            break;
        case A::Approve:
            result = control.approve(name, reason);
            break;
        case A::Deny:
            result = control.deny(name, reason);
            break;
        case A::Start:
            result = control.start(name, reason);
            break;
        case A::Pause:
            result = control.pause(name, reason);
            break;
        case A::Resume:
            result = control.resume(name, reason);
            break;
        case A::Cancel:
            result = control.cancel(name, reason);
            break;
        case A::ForceNextWave:
            result = control.forceNextWave(name, reason);
            break;
        case A::OverrideWindows:
            result = control.overrideWindows(name, !overridden, reason);
            break;
        case A::RollBack: {
            auto outcome = control.rollbackRollout(name, reason);
            if (!outcome)
                return {false, tr("Cannot roll back '%1': %2").arg(name, outcome.message())};
            return {true, tr("Rolling back '%1': %2").arg(name, outcomeText(outcome.value()))};
        }
        }
        if (!result)
            return {false, tr("Rollout '%1': %2").arg(name, result.message())};
        return {true, tr("Rollout '%1' is now %2.")
                          .arg(name, RolloutStates::displayName(result.value().state))};
    };
}

RolloutActionRunner::Call
RolloutActionRunner::deviceAction(RolloutDevicesPanel::DeviceAction action, const QString &name,
                                  const QStringList &uids, const QString &reason)
{
    using D = RolloutDevicesPanel::DeviceAction;
    const QString what = verb(action);
    return [action, name, uids, reason, what](RolloutControl &control,
                                              BackgroundSession &) -> Outcome {
        Result<RolloutDeviceActionOutcome> result =
            action == D::Retry  ? control.retryDevices(name, uids, reason)
            : action == D::Skip ? control.skipDevices(name, uids, reason)
                                : control.rollbackDevices(name, uids, reason);
        if (!result)
            return {false, tr("Cannot %1 the devices: %2").arg(what, result.message())};
        const bool changedAny = !result.value().changed.isEmpty();
        return {changedAny, tr("%1: %2").arg(what.left(1).toUpper() + what.mid(1),
                                             outcomeText(result.value()))};
    };
}

RolloutActionRunner::Call RolloutActionRunner::resumeSigningPilot(const QString &name,
                                                                  const QString &reason,
                                                                  const QByteArray &passphrase)
{
    return [name, reason, passphrase](RolloutControl &control,
                                      BackgroundSession &background) -> Outcome {
        SigningKeyStore keys(background.db(), background.audit(), background.workspacePath());
        auto key = keys.unlock(passphrase);
        if (!key)
            return {false, tr("Cannot unlock the signing key: %1").arg(key.message())};
        auto result = control.resume(name, reason, &key.value());
        if (!result)
            return {false, tr("Rollout '%1': %2").arg(name, result.message())};
        return {true, tr("Signed the pilot's results as the test pass; rollout '%1' is "
                         "now %2.")
                          .arg(name, RolloutStates::displayName(result->state))};
    };
}

} // namespace fleet
