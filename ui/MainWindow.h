#pragma once

#include <QMainWindow>
#include <memory>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace fleet {

class AuditPage;
class ConnectionController;
class ConnectionStatusLabel;
class DevicesPage;
class FirmwarePage;
class SecretStore;
class RolloutEngineThread;
class UpdateServerController;
class UpdateServerStatusLabel;
class WorkspaceSession;

// The frame: section navigation on the left, the section on the right, menus and a status bar
// with the workspace, its device count and the operator. Each section owns its widgets and
// actions; the window only arranges them and handles workspace-wide commands.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum Section { Devices, Firmware, Rollouts, Vulnerabilities, Compliance, LabBench, Audit };

    // Shows `session`, which the caller keeps alive. A workspace opened from the File menu
    // later is owned by the window.
    explicit MainWindow(WorkspaceSession &session, QWidget *parent = nullptr);
    // The same, with the store that keeps broker passwords (the OS keychain when not given).
    MainWindow(WorkspaceSession &session, std::unique_ptr<SecretStore> secrets,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    void showSection(Section section);
    Section currentSection() const;
    DevicesPage *devicesPage() const { return m_devicesPage; }
    AuditPage *auditPage() const { return m_auditPage; }
    FirmwarePage *firmwarePage() const { return m_firmwarePage; }
    QWidget *sectionWidget(Section section) const;
    QListWidget *navigation() const { return m_navigation; }
    QLabel *banner() const { return m_banner; }
    WorkspaceSession &session() const { return *m_session; }
    // The MQTT connection of the current workspace (engine, connect actions, broker dialog).
    ConnectionController *connection() const { return m_connection; }
    ConnectionStatusLabel *connectionStatus() const { return m_connectionStatus; }
    // The built-in update server of the current workspace (hawkBit DDI) and its status field.
    UpdateServerController *updateServer() const { return m_updateServer; }
    UpdateServerStatusLabel *updateServerStatus() const { return m_updateServerStatus; }
    // At launch: starts the update server when its settings say so, once the workspace's
    // deferred integrity check has passed (until then the workspace is read-only).
    void startUpdateServerIfEnabled();
    // Connects to the workspace's active broker profile, if any: at once, or once a deferred
    // integrity check has passed (rebuilding the pages after it would drop a connection made
    // before it, and a workspace that fails it stays read-only, with nothing to ingest into).
    void connectToBrokerIfActive();

    // What the menu commands run once their dialogs are answered.
    bool openWorkspace(const QString &path, bool create);
    void setOperatorName(const QString &name);
    void backUpTo(const QString &path);
    void verifyAuditTrail();

signals:
    void workspaceChanged(const QString &path);
    void backupFinished(bool ok, const QString &message);
    // A workspace opened with a deferred integrity check has been checked.
    void integrityCheckFinished(bool passed);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void installSession(WorkspaceSession &session);
    void startIntegrityCheck();
    void buildMenus();
    void updateStatus();
    void updateDeviceCount(qint64 total);
    void askForWorkspace(bool create);
    void askForBackupFile();
    void askForOperatorName();
    void showAbout();

    std::unique_ptr<WorkspaceSession> m_ownedSession;
    WorkspaceSession *m_session = nullptr;
    QLabel *m_banner = nullptr;
    QListWidget *m_navigation = nullptr;
    QStackedWidget *m_sections = nullptr;
    DevicesPage *m_devicesPage = nullptr;
    AuditPage *m_auditPage = nullptr;
    FirmwarePage *m_firmwarePage = nullptr;
    QLabel *m_pathLabel;
    QLabel *m_countLabel;
    QLabel *m_operatorLabel;
    std::unique_ptr<SecretStore> m_secrets;
    ConnectionStatusLabel *m_connectionStatus;
    ConnectionController *m_connection = nullptr; // one per workspace session
    UpdateServerStatusLabel *m_updateServerStatus;
    UpdateServerController *m_updateServer = nullptr; // one per workspace session
    RolloutEngineThread *m_rolloutEngine = nullptr;   // one per writable workspace session
    bool m_startUpdateServerWhenChecked = false;
    bool m_connectWhenChecked = false;
};

} // namespace fleet
