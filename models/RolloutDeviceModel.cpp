#include "RolloutDeviceModel.h"

#include "rollout/DeviceStepTimeouts.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

namespace fleet {

namespace {

using F = RolloutDevicePageSource;

std::optional<RolloutDeviceQuery::SortKey> sortKeyFor(int column)
{
    using K = RolloutDeviceQuery::SortKey;
    switch (column) {
    case RolloutDeviceModel::Device:
        return K::Device;
    case RolloutDeviceModel::Wave:
        return K::Wave;
    case RolloutDeviceModel::State:
    case RolloutDeviceModel::Step: // the step follows the state
        return K::State;
    case RolloutDeviceModel::Progress:
        return K::Progress;
    case RolloutDeviceModel::Attempts:
        return K::Attempts;
    case RolloutDeviceModel::Started:
        return K::Started;
    case RolloutDeviceModel::Finished:
        return K::Finished;
    case RolloutDeviceModel::Failure:
        return K::Reason;
    case RolloutDeviceModel::KnownGood:
        return K::KnownGood;
    case RolloutDeviceModel::Reported:
        return K::Reported;
    default:
        return std::nullopt;
    }
}

std::optional<RolloutDeviceState> stateOf(const QVector<QVariant> &row)
{
    auto state = RolloutDeviceStates::parse(row.value(F::State).toString());
    return state ? std::optional(state.value()) : std::nullopt;
}

QString failureText(const QVector<QVariant> &row)
{
    const QString kind = row.value(F::FailureKind).toString();
    const QString reason = row.value(F::Reason).toString();
    if (kind.isEmpty())
        return reason;
    if (reason.isEmpty())
        return kind;
    return QStringLiteral("%1: %2").arg(kind, reason);
}

} // namespace

RolloutDeviceModel::RolloutDeviceModel(const Workspace &workspace, QObject *parent)
    : PagedTableModel(new PagedQueryWorker(workspace), QStringLiteral("rollout-devices"), parent)
{}

int RolloutDeviceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(ColumnCount);
}

QVariant RolloutDeviceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Device:
        return tr("Device");
    case Wave:
        return tr("Wave");
    case State:
        return tr("State");
    case Step:
        return tr("Step");
    case Progress:
        return tr("Progress");
    case Attempts:
        return tr("Attempts");
    case Started:
        return tr("Started (UTC)");
    case Finished:
        return tr("Finished (UTC)");
    case Failure:
        return tr("Failure reason");
    case KnownGood:
        return tr("Known good");
    case Reported:
        return tr("Reported version");
    case Drift:
        return tr("Drift");
    default:
        return {};
    }
}

void RolloutDeviceModel::sort(int column, Qt::SortOrder order)
{
    const auto key = sortKeyFor(column);
    if (!key)
        return;
    if (column == m_sortColumn && order == m_sortOrder && hasQuery())
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    m_query.sortKey = *key;
    m_query.descending = order == Qt::DescendingOrder;
    requery();
}

void RolloutDeviceModel::setRollout(qint64 rolloutId)
{
    if (hasQuery() && rolloutId == m_query.rolloutId)
        return;
    m_query.rolloutId = rolloutId;
    requery();
}

void RolloutDeviceModel::setStateFilter(const QList<RolloutDeviceState> &states)
{
    if (hasQuery() && states == m_query.states)
        return;
    m_query.states = states;
    requery();
}

void RolloutDeviceModel::setTextFilter(const QString &text)
{
    if (hasQuery() && text == m_query.text)
        return;
    m_query.text = text;
    requery();
}

void RolloutDeviceModel::requery()
{
    startQuery(std::make_shared<RolloutDevicePageSource>(m_query));
}

qint64 RolloutDeviceModel::deviceIdAt(int row) const
{
    const QVector<QVariant> *values = loadedRow(row);
    return values ? values->value(F::DeviceId).toLongLong() : 0;
}

QString RolloutDeviceModel::uidAt(int row) const
{
    const QVector<QVariant> *values = loadedRow(row);
    return values ? values->value(F::Uid).toString() : QString();
}

QString RolloutDeviceModel::formatTime(const QVariant &ms)
{
    if (ms.isNull() || !ms.isValid())
        return {};
    return QDateTime::fromMSecsSinceEpoch(ms.toLongLong(), Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

qint64 RolloutDeviceModel::rowKey(const QVector<QVariant> &row) const
{
    return row.value(F::DeviceId).toLongLong();
}

QVariant RolloutDeviceModel::display(const QVector<QVariant> &row, int column) const
{
    const auto state = stateOf(row);
    switch (column) {
    case Device: {
        const QString uid = row.value(F::Uid).toString();
        const QString name = row.value(F::Name).toString();
        return name.isEmpty() || name == uid ? uid : QStringLiteral("%1 (%2)").arg(uid, name);
    }
    case Wave: {
        const int wave = row.value(F::Wave).toInt();
        return wave == 0 ? tr("pilot") : QString::number(wave);
    }
    case State: {
        QString text =
            state ? RolloutDeviceStates::displayName(*state) : row.value(F::State).toString();
        if (!row.value(F::RollbackRequestedMs).isNull() && state != RolloutDeviceState::RolledBack)
            text += tr(", rollback requested");
        return text;
    }
    case Step: {
        if (!state)
            return {};
        const DeviceStep step = DeviceStepTimeouts::stepOf(*state);
        return step == DeviceStep::None ? QString() : DeviceStepTimeouts::stepName(step);
    }
    case Progress: {
        const QVariant percent = row.value(F::Percent);
        if (state == RolloutDeviceState::Succeeded)
            return QStringLiteral("100 %");
        if (percent.isNull() || !state || !RolloutDeviceStates::isInProgress(*state))
            return QString();
        return QStringLiteral("%1 %").arg(percent.toInt());
    }
    case Attempts:
        return row.value(F::Attempts).toInt();
    case Started:
        return formatTime(row.value(F::StartedMs));
    case Finished:
        return formatTime(row.value(F::FinishedMs));
    case Failure:
        return failureText(row);
    case KnownGood:
        return row.value(F::KnownGood).toString();
    case Reported:
        return row.value(F::Reported).toString();
    case Drift:
        return row.value(F::Drift).toString();
    default:
        return {};
    }
}

QVariant RolloutDeviceModel::cellData(const QVector<QVariant> &row, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        return display(row, column);
    case Qt::ToolTipRole:
        if (column == Failure) {
            const QString health = row.value(F::HealthProblem).toString();
            const QString text = failureText(row);
            return health.isEmpty() ? text : tr("%1\nHealth check: %2").arg(text, health);
        }
        return display(row, column);
    case Qt::ForegroundRole: {
        if (column != State)
            return {};
        const auto state = stateOf(row);
        if (!state)
            return {};
        if (*state == RolloutDeviceState::Succeeded)
            return QBrush(QColor(0x1e, 0x7b, 0x34));
        if (*state == RolloutDeviceState::Failed || *state == RolloutDeviceState::Rejected ||
            *state == RolloutDeviceState::TimedOut)
            return QBrush(QColor(0xb3, 0x26, 0x1e));
        if (*state == RolloutDeviceState::RolledBack)
            return QBrush(QColor(0x8a, 0x5a, 0x00));
        return {};
    }
    case Qt::TextAlignmentRole:
        if (column == Progress || column == Attempts || column == Wave)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case DeviceIdRole:
        return row.value(F::DeviceId);
    case UidRole:
        return row.value(F::Uid);
    case StateRole:
        return row.value(F::State);
    default:
        return {};
    }
}

} // namespace fleet
