#pragma once

#include "DeviceQueryWorker.h"
#include "PagedTableModel.h"
#include "inventory/DeviceQuery.h"

namespace fleet {

class Workspace;

// The device table: every device matching a filter, sorted by SQL, paged in from a worker
// thread. Columns follow DeviceColumns; a view hides the ones the user does not want.
class DeviceTableModel final : public PagedTableModel
{
    Q_OBJECT
public:
    enum Role {
        DeviceIdRole = Qt::UserRole + 1, // the device's row id (qint64)
        SortValueRole,                   // the raw value SQL sorts by
    };

    explicit DeviceTableModel(const Workspace &workspace, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    // Sorting happens in SQL: a new query, shown once its first page is in.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    void setFilter(const DeviceFilter &filter);
    const DeviceFilter &filter() const { return m_filter; }
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }
    // The query the rows come from (for bulk actions and copying on another connection).
    DeviceQuery query() const;
    // Runs the current filter and sort again from scratch (resets the view).
    void reload();

    // The row id of a loaded row; 0 when the row's page is not in memory.
    qint64 idAt(int row) const;
    // The worker that runs this table's SQL; facet menus share it (FacetValuesLoader).
    DeviceQueryWorker *queryWorker() const;

    // How a raw column value is shown: timestamps as "yyyy-MM-dd HH:mm" (UTC), online as
    // Online/Offline. Copy-as-CSV uses the same text.
    static QString displayText(int column, const QVariant &value);

protected:
    QVariant cellData(const QVector<QVariant> &row, int column, int role) const override;
    // The device's row id: selections follow a device across live updates.
    qint64 rowKey(const QVector<QVariant> &row) const override;

private:
    DeviceFilter m_filter;
    int m_sortColumn;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};

} // namespace fleet
