#include "DeviceAuditTab.h"

#include "AuditTableModel.h"
#include "common/TableLook.h"

#include <QHeaderView>
#include <QTableView>
#include <QVBoxLayout>

namespace fleet {

DeviceAuditTab::DeviceAuditTab(const Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_model(new AuditTableModel(workspace, this))
    , m_view(new QTableView(this))
{
    m_view->setObjectName(QStringLiteral("deviceAuditTable"));
    m_view->setModel(m_model);
    TableLook::apply(m_view);
    // Which device is already clear from the pane: show what happened and why.
    for (int column : {AuditTableModel::ObjectType, AuditTableModel::ObjectId,
                       AuditTableModel::OsUser, AuditTableModel::Host})
        m_view->hideColumn(column);
    m_view->setColumnWidth(AuditTableModel::Time, 140);
    m_view->setColumnWidth(AuditTableModel::Action, 150);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view);
}

void DeviceAuditTab::setDeviceUid(const QString &uid)
{
    if (uid == m_uid)
        return;
    m_uid = uid;
    AuditFilter filter;
    filter.objectType = QStringLiteral("device");
    filter.objectId = uid;
    m_model->setFilter(filter);
}

void DeviceAuditTab::refresh()
{
    m_model->refresh();
}

} // namespace fleet
