#pragma once

#include "RolloutSnapshot.h"

#include <QAbstractTableModel>
#include <QList>

namespace fleet {

// The rollouts, newest first: name, release, state, progress ("312/1000 succeeded"), failures,
// started, updated. Few rows (one per rollout ever made), so it holds them all; the page reads
// them on its worker and hands them over whole.
class RolloutListModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Release, State, Progress, Failures, Started, Updated, ColumnCount };
    enum Role {
        RolloutIdRole = Qt::UserRole + 1,
    };

    explicit RolloutListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // The same rollouts in the same order change in place (the selection stays); otherwise the
    // model resets.
    void setEntries(const QList<RolloutListEntry> &entries);
    const RolloutListEntry &entryAt(int row) const { return m_entries.at(row); }
    // The row of the rollout with that id, or -1.
    int rowOfId(qint64 id) const;

    static QString progressText(const RolloutListEntry &entry);

private:
    QVariant display(const RolloutListEntry &e, int column) const;
    QList<RolloutListEntry> m_entries;
};

} // namespace fleet
