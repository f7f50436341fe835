#pragma once

#include "firmware/Release.h"
#include "jobs/ReleaseAssigner.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace fleet {

class WorkspaceSession;

// Firmware › Assign to devices…: installs the selected release on devices through the update
// server, as `fleetctl firmware assign` does. The devices are a saved filter's current members
// and/or device ids typed or pasted one per line; "Roll back" (with a reason, audited) installs
// an older release on purpose; "skip devices that may not take it" assigns to the others
// instead of refusing the whole request. ReleaseAssigner runs on a worker with its own
// connection; the dialog then lists what was assigned and every refusal with its reasons.
// Widgets carry object names for tests.
class AssignReleaseDialog : public QDialog
{
    Q_OBJECT
public:
    struct Outcome
    {
        bool ok = false;
        QString error; // why nothing was assigned (with every refusal when that is the cause)
        QList<Job> assigned;
        QList<AssignmentRefusal> refused;
    };

    AssignReleaseDialog(WorkspaceSession &session, const Release &release,
                        QWidget *parent = nullptr);

    QComboBox *filterCombo() const { return m_filter; }
    QPlainTextEdit *uidsEdit() const { return m_uids; }
    QCheckBox *rollbackCheck() const { return m_rollback; }
    QLineEdit *reasonEdit() const { return m_reason; }
    QCheckBox *skipRefusedCheck() const { return m_skipRefused; }
    QPushButton *assignButton() const { return m_assign; }
    QLabel *summaryLabel() const { return m_summary; }
    QPlainTextEdit *outcomeView() const { return m_outcome; }
    bool isBusy() const { return m_busy; }

    // What the Assign button runs once the input is complete.
    void assign();
    // The text for an outcome; public so the wording is tested.
    static QString summarize(const Outcome &outcome);
    static QString details(const Outcome &outcome);

signals:
    // The assignment finished; `summary` is the one-line outcome.
    void finishedAssignment(bool ok, int assignedCount, const QString &summary);

private:
    void updateState();
    QStringList typedUids() const;

    WorkspaceSession &m_session;
    Release m_release;
    bool m_busy = false;
    QComboBox *m_filter;
    QPlainTextEdit *m_uids;
    QCheckBox *m_rollback;
    QLineEdit *m_reason;
    QCheckBox *m_skipRefused;
    QLabel *m_hint;
    QLabel *m_summary;
    QPlainTextEdit *m_outcome;
    QPushButton *m_assign;
    QDialogButtonBox *m_buttons;
};

} // namespace fleet
