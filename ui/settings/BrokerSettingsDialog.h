#pragma once

#include "mqtt/MqttBrokerProfile.h"
#include "mqtt/MqttConnectionTest.h"
#include "settings/BrokerProfileStore.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace fleet {

class SecretStore;
class WorkspaceSession;

// Settings › Broker settings: the workspace's broker profiles, one of them active. Editing a
// profile covers the URL parts, TLS files, host-name check, user and password (the password goes
// to the SecretStore, never to the workspace), client id, keep-alive, in-flight window and
// protocol. "Test connection" runs MqttConnectionTest without blocking and names the stage that
// failed (DNS, TCP, TLS handshake, authentication) or the MQTT version the broker accepted.
class BrokerSettingsDialog : public QDialog
{
    Q_OBJECT
public:
    BrokerSettingsDialog(WorkspaceSession &session, SecretStore &secrets,
                         QWidget *parent = nullptr);

    // The profile as the form shows it (password included when typed).
    MqttBrokerProfile formProfile() const;
    QString formName() const;
    // A read-only workspace shows its profiles and can test them, but not change them.
    void setWritable(bool writable);
    // Selects the profile called `name` in the list (for tests and for reopening).
    void selectProfile(const QString &name);
    // What the buttons run.
    void testConnection();
    bool saveProfile();
    void newProfile();
    void deleteProfile();
    void makeActive();

    QLabel *testResultLabel() const { return m_testResult; }
    QLabel *messageLabel() const { return m_message; }

signals:
    // A profile was saved, deleted or made active.
    void profilesChanged();
    // A test finished; the outcome is also shown in testResultLabel().
    void testFinished(const fleet::MqttConnectionTest::Outcome &outcome);

private:
    void buildLayout();
    void reloadList(const QString &select);
    void showProfile(const NamedBrokerProfile &profile);
    void onCurrentProfileChanged();
    void updateTlsFields();
    void startTest(MqttBrokerProfile profile);
    void showTestOutcome(const MqttConnectionTest::Outcome &outcome);
    void storePassword(const QString &profileName, const QString &password);
    void showMessage(const QString &text, bool error);
    QString secretKey(const QString &profileName) const;

    WorkspaceSession &m_session;
    SecretStore &m_secrets;
    BrokerProfileStore m_store;
    QString m_workspaceId;
    MqttConnectionTest *m_test;
    QString m_loadedName; // the stored profile shown in the form; empty for a new one
    bool m_writable = true;

    QListWidget *m_list;
    QPushButton *m_newButton;
    QPushButton *m_deleteButton;
    QPushButton *m_activeButton;
    QLineEdit *m_name;
    QLineEdit *m_host;
    QSpinBox *m_port;
    QCheckBox *m_tls;
    QLineEdit *m_caFile;
    QLineEdit *m_certFile;
    QLineEdit *m_keyFile;
    QCheckBox *m_verifyHostname;
    QLineEdit *m_username;
    QLineEdit *m_password;
    QLineEdit *m_clientId;
    QSpinBox *m_keepAlive;
    QSpinBox *m_inflight;
    QComboBox *m_protocol;
    QPushButton *m_testButton;
    QPushButton *m_saveButton;
    QLabel *m_testResult;
    QLabel *m_message;
};

} // namespace fleet
