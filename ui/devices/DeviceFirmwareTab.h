#pragma once

#include "inventory/Device.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace fleet {

class DeviceDriftPanel;
class WorkspaceSession;

// Which firmware the device ran when (DeviceRepository::firmwareHistory, newest first), and
// what the drift scanner found about it, with the actions that settle it.
class DeviceFirmwareTab : public QWidget
{
    Q_OBJECT
public:
    explicit DeviceFirmwareTab(WorkspaceSession &session, QWidget *parent = nullptr);
    void setDevice(const Device &device);

    DeviceDriftPanel *driftPanel() const { return m_drift; }

signals:
    void failed(const QString &message);
    // A drift finding was settled (accept or re-target): the text says what was done.
    void driftSettled(const QString &message);

private:
    WorkspaceSession &m_session;
    DeviceDriftPanel *m_drift;
    QLabel *m_summary;
    QTableWidget *m_table;
};

} // namespace fleet
