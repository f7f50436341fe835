#include "RolloutActionBar.h"

#include "common/Icons.h"

#include <QGridLayout>
#include <QPushButton>

namespace fleet {

namespace {
struct ButtonSpec
{
    RolloutActionBar::Action action;
    const char *objectName;
    QString themeIcon;
    QStyle::StandardPixmap fallback;
    QString tip;
};
} // namespace

RolloutActionBar::RolloutActionBar(QWidget *parent)
    : QWidget(parent)
{
    const QList<ButtonSpec> specs = {
        {Action::Submit, "submitButton", QStringLiteral("document-send"), QStyle::SP_ArrowForward,
         tr("Submit the draft: for approval, or ready to start")},
        {Action::Approve, "approveRolloutButton", QStringLiteral("security-high"),
         QStyle::SP_DialogApplyButton, tr("Approve as the second operator (four-eyes)")},
        {Action::Deny, "denyButton", QStringLiteral("dialog-cancel"), QStyle::SP_DialogNoButton,
         tr("Send the rollout back to its author as a draft, saying why")},
        {Action::Start, "startButton", QStringLiteral("media-playback-start"), QStyle::SP_MediaPlay,
         tr("Start the rollout (its test gate must pass)")},
        {Action::Pause, "pauseButton", QStringLiteral("media-playback-pause"),
         QStyle::SP_MediaPause, tr("Start no new device; devices underway finish")},
        {Action::Resume, "resumeButton", QStringLiteral("media-playback-start"),
         QStyle::SP_MediaPlay,
         tr("Carry on; after a gate paused the wave this acknowledges the "
            "failures seen so far")},
        {Action::Cancel, "cancelRolloutButton", QStringLiteral("process-stop"),
         QStyle::SP_MediaStop, tr("Cancel the queued devices; devices underway may finish")},
        {Action::ForceNextWave, "forceNextWaveButton", QStringLiteral("media-skip-forward"),
         QStyle::SP_MediaSkipForward,
         tr("Start the next wave without waiting for this one's gate")},
        {Action::OverrideWindows, "overrideWindowsButton", QStringLiteral("appointment-new"),
         QStyle::SP_BrowserReload, tr("Let devices start outside their maintenance windows")},
        {Action::RollBack, "rollBackRolloutButton", QStringLiteral("edit-undo"),
         QStyle::SP_ArrowBack,
         tr("Cancel the rollout and put every updated device back on its "
            "known-good version")},
    };
    // Four to a row, in the order a rollout lives: getting it going, steering it, the big
    // levers. A grid beside the header keeps the page narrow enough for a 1111 px window.
    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setHorizontalSpacing(4);
    layout->setVerticalSpacing(4);
    int index = 0;
    for (const ButtonSpec &spec : specs) {
        auto *button = new QPushButton(Icons::themed(spec.themeIcon, spec.fallback),
                                       title(spec.action) + QStringLiteral("…"), this);
        button->setObjectName(QLatin1String(spec.objectName));
        button->setToolTip(spec.tip);
        connect(button, &QPushButton::clicked, this,
                [this, action = spec.action] { emit triggered(action); });
        m_buttons.insert(spec.action, button);
        layout->addWidget(button, index / 4, index % 4);
        ++index;
    }
    setRollout(std::nullopt, false, false);
}

QString RolloutActionBar::title(Action action, bool windowsOverridden)
{
    switch (action) {
    case Action::Submit:
        return tr("Submit");
    case Action::Approve:
        return tr("Approve");
    case Action::Deny:
        return tr("Send back");
    case Action::Start:
        return tr("Start");
    case Action::Pause:
        return tr("Pause");
    case Action::Resume:
        return tr("Resume");
    case Action::Cancel:
        return tr("Cancel");
    case Action::ForceNextWave:
        return tr("Next wave");
    case Action::OverrideWindows:
        return windowsOverridden ? tr("Restore windows") : tr("Override windows");
    case Action::RollBack:
        return tr("Roll back");
    }
    return {};
}

bool RolloutActionBar::isAvailable(Action action, RolloutState state)
{
    using S = RolloutState;
    switch (action) {
    case Action::Submit:
        return state == S::Draft;
    case Action::Approve:
    case Action::Deny:
        return state == S::WaitingForApproval;
    case Action::Start:
        return state == S::Ready || state == S::Scheduled;
    case Action::Pause:
        return state == S::Running;
    case Action::Resume:
        return state == S::Paused;
    case Action::Cancel:
        return state == S::Running || state == S::Paused || state == S::Scheduled;
    case Action::ForceNextWave:
        return state == S::Running || state == S::Paused;
    case Action::OverrideWindows:
        return !RolloutStates::isTerminal(state) && state != S::Stopping;
    case Action::RollBack:
        return state == S::Running || state == S::Paused || state == S::Stopping ||
               state == S::Stopped || state == S::Finished;
    }
    return false;
}

void RolloutActionBar::setRollout(std::optional<RolloutState> state, bool windowsOverridden,
                                  bool writable)
{
    for (auto it = m_buttons.begin(); it != m_buttons.end(); ++it) {
        it.value()->setEnabled(writable && state && isAvailable(it.key(), *state));
        if (it.key() == Action::OverrideWindows)
            it.value()->setText(title(it.key(), windowsOverridden) + QStringLiteral("…"));
    }
}

} // namespace fleet
