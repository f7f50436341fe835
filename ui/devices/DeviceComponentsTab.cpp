#include "DeviceComponentsTab.h"

#include "common/Prompts.h"
#include "common/TableLook.h"
#include "io/CycloneDxSbom.h"
#include "storage/WorkspaceSession.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace fleet {

DeviceComponentsTab::DeviceComponentsTab(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_summary(new QLabel(this))
    , m_table(new QTableWidget(0, 4, this))
    , m_attach(new QPushButton(tr("Attach CycloneDX SBOM…"), this))
{
    m_table->setObjectName(QStringLiteral("componentsTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("Component"), tr("Version"), tr("Package URL"), tr("CPE")});
    TableLook::apply(m_table);
    m_table->setColumnWidth(0, 160);
    m_table->setColumnWidth(1, 90);
    m_table->setColumnWidth(2, 220);
    m_attach->setObjectName(QStringLiteral("attachSbomButton"));
    connect(m_attach, &QPushButton::clicked, this, &DeviceComponentsTab::chooseFile);

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_attach);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_table);
}

void DeviceComponentsTab::setDevice(const Device &device)
{
    m_deviceId = device.id;
    m_table->setRowCount(int(device.components.size()));
    for (int row = 0; row < device.components.size(); ++row) {
        const Component &c = device.components.at(row);
        const QStringList cells{c.name, c.version, c.purl, c.cpe};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            item->setToolTip(cells.at(column));
            m_table->setItem(row, column, item);
        }
    }
    m_summary->setText(device.components.isEmpty()
                           ? tr("No SBOM attached.")
                           : tr("%n component(s).", nullptr, int(device.components.size())));
    m_attach->setEnabled(m_writable && m_deviceId != 0);
}

void DeviceComponentsTab::setWritable(bool writable)
{
    m_writable = writable;
    m_attach->setEnabled(writable && m_deviceId != 0);
}

void DeviceComponentsTab::chooseFile()
{
    Prompts::openFile(this, tr("Attach CycloneDX SBOM"),
                      tr("CycloneDX JSON (*.json *.cdx.json);;All files (*)"),
                      [this](const QString &path) { attachSbomFile(path); });
}

void DeviceComponentsTab::attachSbomFile(const QString &path)
{
    if (m_deviceId == 0)
        return;
    auto components = CycloneDxSbom::parseFile(path);
    if (!components) {
        emit failed(components.message());
        return;
    }
    const qint64 id = m_deviceId;
    if (Status s =
            m_session.inventory().attachSbom(id, components.value(), QFileInfo(path).fileName());
        !s) {
        emit failed(s.message());
        return;
    }
    emit deviceChanged(id);
}

} // namespace fleet
