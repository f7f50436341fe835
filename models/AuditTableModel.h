#pragma once

#include "PagedTableModel.h"
#include "audit/AuditQuery.h"

namespace fleet {

class Workspace;

// The audit trail as a table, newest entry first, paged in from a worker thread like the device
// table. The order is the chain's: the model does not sort.
class AuditTableModel final : public PagedTableModel
{
    Q_OBJECT
public:
    enum Column {
        Time,
        Operator,
        OsUser,
        Host,
        Action,
        ObjectType,
        ObjectId,
        Reason,
        Before,
        After,
        Hash,
        ColumnCount
    };
    enum Role {
        SeqRole = Qt::UserRole + 1, // the entry's sequence number in the chain
    };

    explicit AuditTableModel(const Workspace &workspace, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Shows the entries matching `filter`; the first call starts the first query.
    void setFilter(const AuditFilter &filter);
    const AuditFilter &filter() const { return m_filter; }
    // Runs the current filter again from scratch.
    void reload();
    // The sequence number of a loaded row; 0 when its page is not in memory.
    qint64 seqAt(int row) const;

protected:
    QVariant cellData(const QVector<QVariant> &row, int column, int role) const override;

private:
    AuditFilter m_filter;
};

} // namespace fleet
