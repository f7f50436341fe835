#pragma once

#include "inventory/Device.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace fleet {

class WorkspaceSession;

// Which firmware the device ran when: DeviceRepository::firmwareHistory, newest first.
class DeviceFirmwareTab : public QWidget
{
    Q_OBJECT
public:
    explicit DeviceFirmwareTab(WorkspaceSession &session, QWidget *parent = nullptr);
    void setDevice(const Device &device);

signals:
    void failed(const QString &message);

private:
    WorkspaceSession &m_session;
    QLabel *m_summary;
    QTableWidget *m_table;
};

} // namespace fleet
