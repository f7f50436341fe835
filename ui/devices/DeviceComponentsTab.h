#pragma once

#include "inventory/Device.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace fleet {

class WorkspaceSession;

// The device's software bill of materials, and attaching a CycloneDX SBOM to replace it.
class DeviceComponentsTab : public QWidget
{
    Q_OBJECT
public:
    explicit DeviceComponentsTab(WorkspaceSession &session, QWidget *parent = nullptr);
    void setDevice(const Device &device);
    void setWritable(bool writable);
    // Reads a CycloneDX JSON file and makes it the shown device's SBOM (audited).
    void attachSbomFile(const QString &path);

signals:
    void deviceChanged(qint64 id);
    void failed(const QString &message);

private:
    void chooseFile();

    WorkspaceSession &m_session;
    qint64 m_deviceId = 0;
    bool m_writable = true;
    QLabel *m_summary;
    QTableWidget *m_table;
    QPushButton *m_attach;
};

} // namespace fleet
