#pragma once

#include <QObject>
#include <QPointer>

class QMessageBox;
class QWidget;

namespace fleet {

class DdiTokenDialog;
class WorkspaceSession;

// The device pane's "DDI token…": asks for confirmation (a new token makes the old one stop
// working at once), issues the token with DdiTokenService on a worker (one audited
// transaction; the device becomes a DDI device), then shows it once in a DdiTokenDialog.
class DdiTokenIssuer : public QObject
{
    Q_OBJECT
public:
    // `session` outlives the issuer; dialogs open over `window`.
    DdiTokenIssuer(WorkspaceSession &session, QWidget *window);

    // Opens the confirmation for `deviceUid`; returns it for tests (object name
    // "ddiTokenConfirmation"). Confirming calls issue().
    QMessageBox *ask(const QString &deviceUid);
    // Issues the token now and shows it (the dialog is tokenDialog() once issued() is emitted).
    void issue(const QString &deviceUid);
    DdiTokenDialog *tokenDialog() const;

signals:
    void issued(const QString &deviceUid);
    void failed(const QString &message);

private:
    WorkspaceSession &m_session;
    QWidget *m_window;
    QPointer<DdiTokenDialog> m_dialog;
};

} // namespace fleet
