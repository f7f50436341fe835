#include "DeviceFirmwareTab.h"

#include "DeviceDriftPanel.h"
#include "common/TableLook.h"
#include "inventory/DeviceRepository.h"
#include "storage/WorkspaceSession.h"

#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace fleet {

DeviceFirmwareTab::DeviceFirmwareTab(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_drift(new DeviceDriftPanel(session, this))
    , m_summary(new QLabel(this))
    , m_table(new QTableWidget(0, 4, this))
{
    m_table->setObjectName(QStringLiteral("firmwareHistoryTable"));
    m_table->setHorizontalHeaderLabels({tr("When (UTC)"), tr("From"), tr("To"), tr("Source")});
    TableLook::apply(m_table);
    m_table->setColumnWidth(0, 140);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_drift);
    layout->addWidget(m_table);
    connect(m_drift, &DeviceDriftPanel::failed, this, &DeviceFirmwareTab::failed);
    connect(m_drift, &DeviceDriftPanel::settled, this, &DeviceFirmwareTab::driftSettled);
}

void DeviceFirmwareTab::setDevice(const Device &device)
{
    m_table->setRowCount(0);
    m_summary->setText(tr("Running %1.").arg(device.fwVersion));
    m_drift->setDevice(device);
    if (device.id == 0)
        return;
    // One device's history is a handful of rows on an indexed column: fine on this thread.
    auto history = DeviceRepository(m_session.db()).firmwareHistory(device.id);
    if (!history) {
        emit failed(history.message());
        return;
    }
    QList<FirmwareChange> changes = history.value();
    std::stable_sort(changes.begin(), changes.end(),
                     [](const FirmwareChange &a, const FirmwareChange &b) { return a.at > b.at; });
    m_table->setRowCount(int(changes.size()));
    for (int row = 0; row < changes.size(); ++row) {
        const FirmwareChange &c = changes.at(row);
        const QStringList cells{c.at.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                c.fromVersion, c.toVersion, c.source};
        for (int column = 0; column < cells.size(); ++column)
            m_table->setItem(row, column, new QTableWidgetItem(cells.at(column)));
    }
    if (changes.isEmpty())
        m_summary->setText(tr("Running %1. No firmware changes recorded.").arg(device.fwVersion));
}

} // namespace fleet
