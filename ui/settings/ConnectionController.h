#pragma once

#include "engine/MqttEngine.h"

#include <QObject>
#include <QPointer>
#include <memory>

class QAction;
class QWidget;

namespace fleet {

class BrokerSettingsDialog;
class SecretStore;
class WorkspaceSession;

// The window's MQTT connection for one workspace: owns the MqttEngine (client and ingest on the
// engine thread), the actions Settings › Broker settings…, Connect and Disconnect, and connects
// with the workspace's active broker profile, its password read from the SecretStore (or asked
// for when no keychain is available).
class ConnectionController : public QObject
{
    Q_OBJECT
public:
    // `session` and `secrets` outlive the controller; dialogs open over `window`.
    ConnectionController(WorkspaceSession &session, SecretStore &secrets, QWidget *window);
    ~ConnectionController() override;

    MqttEngine &engine() { return *m_engine; }
    QAction *settingsAction() const { return m_settingsAction; }
    QAction *connectAction() const { return m_connectAction; }
    QAction *disconnectAction() const { return m_disconnectAction; }

    // Opens the broker settings dialog (non-modal, one at a time); returns it for tests.
    BrokerSettingsDialog *openSettings();
    // Connects with the active profile; says in `message` why it cannot.
    void connectToActiveProfile();
    // At start: connects when the workspace has an active profile, and says nothing when it
    // has none (a workspace without a broker is normal).
    void connectIfActiveProfile();
    void disconnectFromBroker();

signals:
    // A line for the status bar (e.g. "No broker profile is active").
    void message(const QString &text);

private:
    void startWith(const MqttBrokerProfile &profile);
    void askPasswordAndStart(const MqttBrokerProfile &profile, const QString &why);
    void updateActions();

    WorkspaceSession &m_session;
    SecretStore &m_secrets;
    QWidget *m_window;
    std::unique_ptr<MqttEngine> m_engine;
    QAction *m_settingsAction;
    QAction *m_connectAction;
    QAction *m_disconnectAction;
    QPointer<BrokerSettingsDialog> m_dialog;
};

} // namespace fleet
