#include "FirmwareReleaseModel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QLocale>
#include <algorithm>

namespace fleet {

FirmwareReleaseModel::FirmwareReleaseModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int FirmwareReleaseModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_releases.size());
}

int FirmwareReleaseModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void FirmwareReleaseModel::setReleases(QList<Release> releases)
{
    std::stable_sort(releases.begin(), releases.end(), [](const Release &a, const Release &b) {
        const int c = SemanticVersion::compare(a.version, b.version);
        return c != 0 ? c > 0 : a.id > b.id;
    });
    beginResetModel();
    m_releases = std::move(releases);
    endResetModel();
}

int FirmwareReleaseModel::rowOfId(qint64 id) const
{
    for (int row = 0; row < m_releases.size(); ++row)
        if (m_releases.at(row).id == id)
            return row;
    return -1;
}

QString FirmwareReleaseModel::formatSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

QString FirmwareReleaseModel::formatTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QVariant FirmwareReleaseModel::display(const Release &r, int column) const
{
    switch (column) {
    case Id:
        return r.id;
    case Name:
        return r.name;
    case Version:
        return r.version.toString();
    case Kind:
        return artifactKindName(r.kind);
    case Channel:
        return releaseChannelName(r.channel);
    case State:
        return releaseStateName(r.state);
    case KnownGood:
        return r.knownGood ? tr("yes") : QString();
    case Models:
        return r.models.isEmpty() ? tr("(any)") : r.models.join(QStringLiteral(", "));
    case Size:
        return formatSize(r.size);
    case Created:
        return formatTime(r.createdMs);
    default:
        return {};
    }
}

QVariant FirmwareReleaseModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Release &r = m_releases.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(r, index.column());
    case Qt::ToolTipRole:
        if (index.column() == Size)
            return tr("%1 bytes").arg(QLocale().toString(r.size));
        if (index.column() == State && r.state == ReleaseState::Revoked)
            return tr("Revoked: %1").arg(r.revokedReason);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Id || index.column() == Size)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        // A revoked release must not be installed: grey it so nobody picks it by mistake.
        if (r.state == ReleaseState::Revoked)
            return QBrush(QColor(0x80, 0x80, 0x80));
        if (index.column() == State && r.state == ReleaseState::Approved)
            return QBrush(QColor(0x1e, 0x7a, 0x34));
        return {};
    case Qt::FontRole:
        if (r.state == ReleaseState::Revoked) {
            QFont font;
            font.setStrikeOut(index.column() == Version);
            return font;
        }
        return {};
    case ReleaseIdRole:
        return r.id;
    default:
        return {};
    }
}

QVariant FirmwareReleaseModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Id:
        return tr("ID");
    case Name:
        return tr("Name");
    case Version:
        return tr("Version");
    case Kind:
        return tr("Kind");
    case Channel:
        return tr("Channel");
    case State:
        return tr("State");
    case KnownGood:
        return tr("Known good");
    case Models:
        return tr("Models");
    case Size:
        return tr("Size");
    case Created:
        return tr("Created (UTC)");
    default:
        return {};
    }
}

} // namespace fleet
