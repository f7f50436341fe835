#pragma once

#include "PagedTableModel.h"
#include "RolloutDevicePageSource.h"

namespace fleet {

class Workspace;

// A rollout's per-device execution table: state, step, progress, attempts, timings, failure
// reason, known-good and reported version of every device, filtered and sorted in SQL and paged
// in from a worker thread like the device table.
class RolloutDeviceModel final : public PagedTableModel
{
    Q_OBJECT
public:
    enum Column {
        Device,
        Wave,
        State,
        Step,
        Progress,
        Attempts,
        Started,
        Finished,
        Failure,
        KnownGood,
        Reported,
        Drift,
        ColumnCount
    };
    enum Role {
        DeviceIdRole = Qt::UserRole + 1, // qint64
        UidRole,                         // QString
        StateRole,                       // the stored state name, "timed_out"
    };

    explicit RolloutDeviceModel(const Workspace &workspace, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    // Sorting happens in SQL: a new query, shown once its first page is in.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    // The rollout shown (0: none, an empty table); the filter stays.
    void setRollout(qint64 rolloutId);
    qint64 rolloutId() const { return m_query.rolloutId; }
    void setStateFilter(const QList<RolloutDeviceState> &states);
    void setTextFilter(const QString &text);
    const RolloutDeviceQuery &query() const { return m_query; }
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    // The device id and uid of a loaded row; 0 / empty when its page is not in memory.
    qint64 deviceIdAt(int row) const;
    QString uidAt(int row) const;

    static QString formatTime(const QVariant &ms);

protected:
    QVariant cellData(const QVector<QVariant> &row, int column, int role) const override;
    // The device id: the selection follows a device while the table refreshes live.
    qint64 rowKey(const QVector<QVariant> &row) const override;

private:
    void requery();
    QVariant display(const QVector<QVariant> &row, int column) const;

    RolloutDeviceQuery m_query;
    int m_sortColumn = Wave;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};

} // namespace fleet
