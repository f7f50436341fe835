#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTabWidget;

namespace fleet {

class DdiTokenIssuer;
class DeviceAuditTab;
class DeviceComponentsTab;
class DeviceConfigurationTab;
class DeviceFirmwareTab;
class DeviceOverviewTab;
class WorkspaceSession;

// The right-hand side of the devices page: everything about the current device, in tabs.
// Loading one device is a few indexed reads (about a millisecond), so it runs on the GUI thread.
class DeviceDetailsPane : public QWidget
{
    Q_OBJECT
public:
    explicit DeviceDetailsPane(WorkspaceSession &session, QWidget *parent = nullptr);

    // Shows the device with row id `id`; 0 shows the "select a device" hint.
    void showDevice(qint64 id);
    // Loads the shown device again (after a change).
    void reload();
    qint64 deviceId() const { return m_deviceId; }
    void setWritable(bool writable);
    QTabWidget *tabs() const { return m_tabs; }
    DeviceOverviewTab *overviewTab() const { return m_overview; }
    DeviceComponentsTab *componentsTab() const { return m_components; }
    DeviceAuditTab *auditTab() const { return m_audit; }
    // "DDI token…": creates or replaces the device's update-server token, shown once.
    QPushButton *ddiTokenButton() const { return m_ddiTokenButton; }
    DdiTokenIssuer *ddiTokenIssuer() const { return m_ddiTokens; }

signals:
    // The user changed the device here (notes, SBOM): the table and others should refresh.
    void deviceChanged(qint64 id);
    void failed(const QString &message);

private:
    void onDeviceChanged(qint64 id);

    WorkspaceSession &m_session;
    qint64 m_deviceId = 0;
    QStackedWidget *m_stack;
    QLabel *m_title;
    QTabWidget *m_tabs;
    DeviceOverviewTab *m_overview;
    DeviceComponentsTab *m_components;
    DeviceConfigurationTab *m_configuration;
    DeviceFirmwareTab *m_firmware;
    DeviceAuditTab *m_audit;
    QPushButton *m_ddiTokenButton;
    DdiTokenIssuer *m_ddiTokens;
    QString m_deviceUid;
};

} // namespace fleet
