#include "AuditTableModel.h"

#include "AuditPageSource.h"

#include <QDateTime>
#include <QJsonDocument>

namespace fleet {

namespace {

constexpr int kShortHashLength = 12;

int fieldFor(int column)
{
    switch (column) {
    case AuditTableModel::Time:
        return AuditPageSource::TimeMs;
    case AuditTableModel::Operator:
        return AuditPageSource::Operator;
    case AuditTableModel::OsUser:
        return AuditPageSource::OsUser;
    case AuditTableModel::Host:
        return AuditPageSource::Host;
    case AuditTableModel::Action:
        return AuditPageSource::Action;
    case AuditTableModel::ObjectType:
        return AuditPageSource::ObjectType;
    case AuditTableModel::ObjectId:
        return AuditPageSource::ObjectId;
    case AuditTableModel::Reason:
        return AuditPageSource::Reason;
    case AuditTableModel::Before:
        return AuditPageSource::Before;
    case AuditTableModel::After:
        return AuditPageSource::After;
    case AuditTableModel::Hash:
        return AuditPageSource::Hash;
    default:
        return -1;
    }
}

QString prettyJson(const QString &json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    return doc.isNull() ? json : QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}

} // namespace

AuditTableModel::AuditTableModel(const Workspace &workspace, QObject *parent)
    : PagedTableModel(new PagedQueryWorker(workspace), QStringLiteral("audit-query"), parent)
{}

int AuditTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(ColumnCount);
}

QVariant AuditTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time:
        return tr("Time (UTC)");
    case Operator:
        return tr("Operator");
    case OsUser:
        return tr("OS user");
    case Host:
        return tr("Host");
    case Action:
        return tr("Action");
    case ObjectType:
        return tr("Object type");
    case ObjectId:
        return tr("Object ID");
    case Reason:
        return tr("Reason");
    case Before:
        return tr("Before");
    case After:
        return tr("After");
    case Hash:
        return tr("Hash");
    default:
        return {};
    }
}

void AuditTableModel::setFilter(const AuditFilter &filter)
{
    m_filter = filter;
    reload();
}

void AuditTableModel::reload()
{
    startQuery(std::make_shared<AuditPageSource>(m_filter));
}

qint64 AuditTableModel::seqAt(int row) const
{
    const QVector<QVariant> *values = loadedRow(row);
    return values ? values->value(AuditPageSource::Seq).toLongLong() : 0;
}

QVariant AuditTableModel::cellData(const QVector<QVariant> &row, int column, int role) const
{
    const int field = fieldFor(column);
    if (field < 0)
        return {};
    const QVariant value = row.value(field);
    switch (role) {
    case Qt::DisplayRole:
        if (column == Time)
            return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC)
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        if (column == Hash)
            return value.toString().left(kShortHashLength);
        return value.toString();
    case Qt::ToolTipRole:
        if (column == Time)
            return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC)
                .toString(Qt::ISODateWithMs);
        if (column == Before || column == After)
            return prettyJson(value.toString());
        if (column == Hash)
            return tr("Entry %1, hash %2")
                .arg(row.value(AuditPageSource::Seq).toLongLong())
                .arg(value.toString());
        return value.toString();
    case SeqRole:
        return row.value(AuditPageSource::Seq);
    default:
        return {};
    }
}

} // namespace fleet
