#pragma once

#include "inventory/Device.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace fleet {

// The device's configuration as key/value pairs, with the hash that tells equal ones apart.
class DeviceConfigurationTab : public QWidget
{
    Q_OBJECT
public:
    explicit DeviceConfigurationTab(QWidget *parent = nullptr);
    void setDevice(const Device &device);

private:
    QLabel *m_hash;
    QTableWidget *m_table;
};

} // namespace fleet
