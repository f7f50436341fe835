#include "RolloutListModel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

namespace fleet {

namespace {
QString utcTime(const std::optional<qint64> &ms)
{
    if (!ms || *ms <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}
} // namespace

RolloutListModel::RolloutListModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int RolloutListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int RolloutListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(ColumnCount);
}

QString RolloutListModel::progressText(const RolloutListEntry &entry)
{
    return tr("%1/%2 succeeded").arg(entry.succeeded).arg(entry.total);
}

QVariant RolloutListModel::display(const RolloutListEntry &e, int column) const
{
    switch (column) {
    case Name:
        return e.name;
    case Release:
        return e.releaseVersion.isEmpty()
                   ? e.releaseName
                   : QStringLiteral("%1 %2").arg(e.releaseName, e.releaseVersion);
    case State:
        return RolloutStates::displayName(e.state);
    case Progress:
        return progressText(e);
    case Failures:
        return e.failures;
    case Started:
        return utcTime(e.startedMs);
    case Updated:
        return utcTime(e.updatedMs > 0 ? e.updatedMs : e.createdMs);
    default:
        return {};
    }
}

QVariant RolloutListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RolloutListEntry &e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        return display(e, index.column());
    case Qt::ForegroundRole:
        if (index.column() == Failures && e.failures > 0)
            return QBrush(QColor(0xb3, 0x26, 0x1e));
        if (index.column() == State && e.state == RolloutState::Paused)
            return QBrush(QColor(0x9a, 0x5b, 0x00));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Failures)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RolloutIdRole:
        return e.id;
    default:
        return {};
    }
}

QVariant RolloutListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name:
        return tr("Rollout");
    case Release:
        return tr("Release");
    case State:
        return tr("State");
    case Progress:
        return tr("Progress");
    case Failures:
        return tr("Failures");
    case Started:
        return tr("Started (UTC)");
    case Updated:
        return tr("Updated (UTC)");
    default:
        return {};
    }
}

void RolloutListModel::setEntries(const QList<RolloutListEntry> &entries)
{
    bool sameRows = entries.size() == m_entries.size();
    for (int i = 0; sameRows && i < entries.size(); ++i)
        sameRows = entries[i].id == m_entries[i].id;
    if (!sameRows) {
        beginResetModel();
        m_entries = entries;
        endResetModel();
        return;
    }
    m_entries = entries;
    if (!m_entries.isEmpty())
        emit dataChanged(index(0, 0), index(int(m_entries.size()) - 1, ColumnCount - 1));
}

int RolloutListModel::rowOfId(qint64 id) const
{
    for (int i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].id == id)
            return i;
    return -1;
}

} // namespace fleet
