#pragma once

#include <QWidget>

class QTableView;

namespace fleet {

class AuditTableModel;
class Workspace;

// The audit entries about one device (object type "device", object id = its uid).
class DeviceAuditTab : public QWidget
{
    Q_OBJECT
public:
    explicit DeviceAuditTab(const Workspace &workspace, QWidget *parent = nullptr);
    void setDeviceUid(const QString &uid);
    // Re-reads the entries (after a change to the device).
    void refresh();
    AuditTableModel *model() const { return m_model; }

private:
    AuditTableModel *m_model;
    QTableView *m_view;
    QString m_uid;
};

} // namespace fleet
