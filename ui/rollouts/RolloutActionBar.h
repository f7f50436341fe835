#pragma once

#include "rollout/RolloutState.h"

#include <QMap>
#include <QWidget>

class QPushButton;

namespace fleet {

// The operator's buttons for the selected rollout, each enabled only in the states where
// RolloutControl can do it (it still checks: the buttons only spare a pointless question).
class RolloutActionBar : public QWidget
{
    Q_OBJECT
public:
    enum class Action {
        Submit,
        Approve,
        Deny, // back to draft, with the reason (four-eyes)
        Start,
        Pause,
        Resume,
        Cancel,
        ForceNextWave,
        OverrideWindows, // or restore them, when overridden
        RollBack,
    };

    explicit RolloutActionBar(QWidget *parent = nullptr);

    // No rollout: every button off. `writable` false (read-only workspace, an action running):
    // every button off too.
    void setRollout(std::optional<RolloutState> state, bool windowsOverridden, bool writable);
    QPushButton *button(Action action) const { return m_buttons.value(action); }
    static bool isAvailable(Action action, RolloutState state);
    // "Pause": for prompts and messages.
    static QString title(Action action, bool windowsOverridden = false);

signals:
    void triggered(fleet::RolloutActionBar::Action action);

private:
    QMap<Action, QPushButton *> m_buttons;
};

} // namespace fleet
