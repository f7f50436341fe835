#pragma once

#include "ddi/UpdateServerSettings.h"
#include "tls/ServerTlsIdentity.h"

#include <QDialog>
#include <optional>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace fleet {

class UpdateServerController;
class WorkspaceSession;

// Settings › Update server…: the workspace's update-server settings (what `fleetctl serve
// --ddi-…` takes), the server certificate devices must trust (subject, names, issuer, expiry,
// SHA-256 fingerprint, local CA or imported) with "Export CA certificate…" and "Renew
// certificate", Start and Stop, and how devices connect. Saving is one audited change; the
// certificate is read, renewed and exported on a worker thread (renewing creates a key).
// Widgets carry object names for tests.
class UpdateServerDialog : public QDialog
{
    Q_OBJECT
public:
    UpdateServerDialog(WorkspaceSession &session, UpdateServerController &controller,
                       QWidget *parent = nullptr);

    // The settings as the fields say (not necessarily valid).
    UpdateServerSettings settings() const;
    void setSettings(const UpdateServerSettings &settings);
    // Validates and stores the fields' settings; the message area says what went wrong.
    bool saveSettings();
    // Reads the certificate again (on a worker); certificateLoaded() follows.
    void reloadCertificate();
    void renewCertificate();
    void exportCaCertificate(const QString &path);
    std::optional<ServerTlsIdentity::Info> certificate() const { return m_info; }
    QLabel *messageLabel() const { return m_message; }

signals:
    void certificateLoaded();
    // Export or renewal finished; `message` is what the message area shows.
    void certificateOperationFinished(bool ok, const QString &message);

private:
    void fieldsChanged();
    void showCertificate();
    void showMessage(bool ok, const QString &text);
    void updateServerState();
    void chooseExportFile();
    void startServer();

    WorkspaceSession &m_session;
    UpdateServerController &m_controller;
    std::optional<ServerTlsIdentity::Info> m_info;
    QString m_certificateError;
    bool m_certificateBusy = false;
    bool m_writable = true;

    QCheckBox *m_enabled;
    QSpinBox *m_port;
    QLineEdit *m_address;
    QCheckBox *m_plainHttp;
    QLineEdit *m_publicUrl;
    QSpinBox *m_pollInterval;
    QLineEdit *m_tenant;
    QLabel *m_validation;
    QLabel *m_certSource;
    QLabel *m_certSubject;
    QLabel *m_certNames;
    QLabel *m_certIssuer;
    QLabel *m_certExpiry;
    QLabel *m_certFingerprint;
    QPushButton *m_export;
    QPushButton *m_renew;
    QLabel *m_serverState;
    QPushButton *m_start;
    QPushButton *m_stop;
    QLabel *m_howTo;
    QLabel *m_message;
    QDialogButtonBox *m_buttons;
};

} // namespace fleet
