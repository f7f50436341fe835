#include "DeviceTableModel.h"

#include "DevicePageSource.h"
#include "StatusDot.h"
#include "inventory/DeviceColumns.h"

#include <QBrush>
#include <QDateTime>

namespace fleet {

namespace {

QString utcTime(const QVariant &ms, const QString &format)
{
    if (ms.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(ms.toLongLong(), Qt::UTC).toString(format);
}

bool isOnline(const QVector<QVariant> &row)
{
    return row.value(DeviceColumns::Online).toLongLong() != 0;
}

} // namespace

DeviceTableModel::DeviceTableModel(const Workspace &workspace, QObject *parent)
    : PagedTableModel(new DeviceQueryWorker(workspace), QStringLiteral("device-query"), parent)
    , m_sortColumn(DeviceColumns::Name)
{}

int DeviceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(DeviceColumns::Count);
}

QVariant DeviceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= DeviceColumns::Count)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole)
        return DeviceColumns::title(section);
    if (role == Qt::ToolTipRole)
        return tr("%1 (column key \"%2\")")
            .arg(DeviceColumns::title(section), DeviceColumns::key(section));
    return {};
}

void DeviceTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= DeviceColumns::Count)
        return;
    if (hasQuery() && column == m_sortColumn && order == m_sortOrder)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    reload();
}

void DeviceTableModel::setFilter(const DeviceFilter &filter)
{
    if (hasQuery() && filter == m_filter)
        return;
    m_filter = filter;
    reload();
}

DeviceQuery DeviceTableModel::query() const
{
    return DeviceQuery(m_filter, m_sortColumn, m_sortOrder == Qt::DescendingOrder);
}

void DeviceTableModel::reload()
{
    startQuery(std::make_shared<DevicePageSource>(query()));
}

qint64 DeviceTableModel::idAt(int row) const
{
    const QVector<QVariant> *values = loadedRow(row);
    return values ? values->value(DeviceColumns::Count).toLongLong() : 0;
}

qint64 DeviceTableModel::rowKey(const QVector<QVariant> &row) const
{
    return row.value(DeviceColumns::Count).toLongLong();
}

DeviceQueryWorker *DeviceTableModel::queryWorker() const
{
    return static_cast<DeviceQueryWorker *>(worker());
}

QString DeviceTableModel::displayText(int column, const QVariant &value)
{
    if (DeviceColumns::isTimestamp(column))
        return utcTime(value, QStringLiteral("yyyy-MM-dd HH:mm"));
    if (column == DeviceColumns::Online)
        return value.toLongLong() != 0 ? tr("Online") : tr("Offline");
    return value.toString();
}

QVariant DeviceTableModel::cellData(const QVector<QVariant> &row, int column, int role) const
{
    const QVariant value = row.value(column);
    switch (role) {
    case Qt::DisplayRole:
        return displayText(column, value);
    case Qt::ToolTipRole:
        if (DeviceColumns::isTimestamp(column))
            return utcTime(value, QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
        if (column == DeviceColumns::Health)
            return tr("Health: %1").arg(value.toString());
        return displayText(column, value);
    case DeviceIdRole:
        return row.value(DeviceColumns::Count);
    case SortValueRole:
        return value;
    case Qt::ForegroundRole:
        if (!isOnline(row) ||
            row.value(DeviceColumns::State).toString() == QLatin1String("retired"))
            return QBrush(QColor(0x80, 0x80, 0x80));
        return {};
    case Qt::DecorationRole:
        if (column == DeviceColumns::Online)
            return StatusDot::icon(StatusDot::onlineColor(isOnline(row)));
        if (column == DeviceColumns::Health)
            return StatusDot::icon(StatusDot::healthColor(value.toString()));
        return {};
    default:
        return {};
    }
}

} // namespace fleet
