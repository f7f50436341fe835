#include "DeviceConfigurationTab.h"

#include "common/TableLook.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace fleet {

DeviceConfigurationTab::DeviceConfigurationTab(QWidget *parent)
    : QWidget(parent)
    , m_hash(new QLabel(this))
    , m_table(new QTableWidget(0, 2, this))
{
    m_hash->setObjectName(QStringLiteral("configHashLabel"));
    m_hash->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_hash->setWordWrap(true);
    m_table->setObjectName(QStringLiteral("configTable"));
    m_table->setHorizontalHeaderLabels({tr("Key"), tr("Value")});
    TableLook::apply(m_table);
    m_table->setColumnWidth(0, 200);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_hash);
    layout->addWidget(m_table);
}

void DeviceConfigurationTab::setDevice(const Device &device)
{
    m_hash->setText(device.configHash.isEmpty()
                        ? tr("No configuration recorded.")
                        : tr("Configuration hash: %1").arg(device.configHash));
    m_table->setRowCount(int(device.config.size()));
    int row = 0;
    for (auto it = device.config.begin(); it != device.config.end(); ++it, ++row) {
        m_table->setItem(row, 0, new QTableWidgetItem(it.key()));
        auto *value = new QTableWidgetItem(it.value());
        value->setToolTip(it.value());
        m_table->setItem(row, 1, value);
    }
}

} // namespace fleet
