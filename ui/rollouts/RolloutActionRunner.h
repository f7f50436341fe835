#pragma once

#include "RolloutActionBar.h"
#include "RolloutDevicesPanel.h"

#include <QByteArray>
#include <QObject>
#include <QStringList>
#include <functional>

namespace fleet {

class BackgroundSession;
class RolloutControl;
class WorkspaceSession;

// Runs the operator's actions on a rollout through RolloutControl (audited, with the reason) on
// a worker with its own connection, one at a time, and says how each went in words a person
// can act on. The page decides what to ask; this decides how it is carried out.
class RolloutActionRunner : public QObject
{
    Q_OBJECT
public:
    struct Outcome
    {
        bool ok = false;
        QString message;
    };
    // What runs on the worker: the control and the worker's session (for the signing key).
    using Call = std::function<Outcome(RolloutControl &control, BackgroundSession &background)>;

    explicit RolloutActionRunner(WorkspaceSession &session, QObject *parent = nullptr);

    bool isBusy() const { return m_busy; }
    // Starts `call` unless another action runs; finished() follows (at once when the workspace
    // cannot be opened for writing).
    void run(const QString &busyText, Call call);

    // The calls, by what the operator asked for, on the rollout called `name`.
    static Call rolloutAction(RolloutActionBar::Action action, const QString &name,
                              const QString &reason, bool windowsOverridden);
    static Call deviceAction(RolloutDevicesPanel::DeviceAction action, const QString &name,
                             const QStringList &uids, const QString &reason);
    // Resume after a pilot that passed, signing its results as the test pass with the
    // workspace's signing key unlocked by `passphrase`.
    static Call resumeSigningPilot(const QString &name, const QString &reason,
                                   const QByteArray &passphrase);

    // "pause", "send back", "override the maintenance windows of": for sentences.
    static QString verb(RolloutActionBar::Action action, bool windowsOverridden);
    static QString verb(RolloutDevicesPanel::DeviceAction action);

signals:
    void started(const QString &busyText);
    void finished(bool ok, const QString &message);

private:
    WorkspaceSession &m_session;
    bool m_busy = false;
};

} // namespace fleet
