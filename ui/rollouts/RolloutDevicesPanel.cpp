#include "RolloutDevicesPanel.h"

#include "RolloutDeviceModel.h"
#include "common/BackgroundTask.h"
#include "common/TableLook.h"
#include "rollout/RolloutStatus.h"
#include "storage/SqliteDatabase.h"
#include "storage/WorkspaceSession.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace fleet {

namespace {

struct LoadedLog
{
    bool ok = false;
    QString text;
};

QString logLine(const RolloutEvent &e)
{
    QString line = QDateTime::fromMSecsSinceEpoch(e.atMs, Qt::UTC)
                       .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    line += QStringLiteral("  ");
    if (!e.fromState.isEmpty() || !e.toState.isEmpty())
        line += e.fromState.isEmpty() ? e.toState
                                      : QStringLiteral("%1 → %2").arg(e.fromState, e.toState);
    else
        line += e.kind;
    if (!e.actor.isEmpty())
        line += QStringLiteral("  by %1").arg(e.actor);
    if (!e.reason.isEmpty())
        line += QStringLiteral(": %1").arg(e.reason);
    return line;
}

} // namespace

QList<QPair<QString, QList<RolloutDeviceState>>> RolloutDevicesPanel::stateGroups()
{
    using S = RolloutDeviceState;
    return {
        {tr("All states"), {}},
        {tr("Queued"), {S::Queued}},
        {tr("In progress"),
         {S::Notified, S::Downloading, S::Downloaded, S::Verified, S::Installing, S::Rebooting,
          S::Validating}},
        {tr("Succeeded"), {S::Succeeded}},
        {tr("Failed, rejected or timed out"), {S::Failed, S::Rejected, S::TimedOut}},
        {tr("Rolled back"), {S::RolledBack}},
        {tr("Cancelled or removed"), {S::Cancelled, S::Removed}},
    };
}

RolloutDevicesPanel::RolloutDevicesPanel(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new RolloutDeviceModel(session.workspace(), this))
    , m_table(new QTableView(this))
    , m_stateFilter(new QComboBox(this))
    , m_textFilter(new QLineEdit(this))
    , m_countLabel(new QLabel(this))
    , m_retry(new QPushButton(tr("Retry…"), this))
    , m_skip(new QPushButton(tr("Skip…"), this))
    , m_rollBack(new QPushButton(tr("Roll back…"), this))
    , m_log(new QPlainTextEdit(this))
{
    m_stateFilter->setObjectName(QStringLiteral("deviceStateFilter"));
    for (const auto &[label, states] : stateGroups())
        m_stateFilter->addItem(label);
    m_textFilter->setObjectName(QStringLiteral("deviceTextFilter"));
    m_textFilter->setPlaceholderText(tr("Device, name or failure reason"));
    m_textFilter->setClearButtonEnabled(true);
    m_countLabel->setObjectName(QStringLiteral("rolloutDeviceCount"));
    m_retry->setObjectName(QStringLiteral("retryDevicesButton"));
    m_retry->setToolTip(tr("Queue the selected failed or timed-out devices again (spends a "
                           "retry of their failure's kind)"));
    m_skip->setObjectName(QStringLiteral("skipDevicesButton"));
    m_skip->setToolTip(tr("Leave the selected queued devices out of the rollout"));
    m_rollBack->setObjectName(QStringLiteral("rollbackDevicesButton"));
    m_rollBack->setToolTip(tr("Put the selected devices back on their known-good version"));

    m_table->setObjectName(QStringLiteral("rolloutDeviceTable"));
    m_table->setModel(m_model);
    TableLook::apply(m_table);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(RolloutDeviceModel::Wave, Qt::AscendingOrder);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    const QList<QPair<int, int>> widths = {
        {RolloutDeviceModel::Device, 200},  {RolloutDeviceModel::Wave, 50},
        {RolloutDeviceModel::State, 95},    {RolloutDeviceModel::Step, 70},
        {RolloutDeviceModel::Progress, 65}, {RolloutDeviceModel::Attempts, 65},
        {RolloutDeviceModel::Started, 145}, {RolloutDeviceModel::Finished, 145},
        {RolloutDeviceModel::Failure, 240}, {RolloutDeviceModel::KnownGood, 80},
    };
    for (const auto &[column, width] : widths)
        m_table->setColumnWidth(column, width);
    m_table->horizontalHeader()->setStretchLastSection(true);

    m_log->setObjectName(QStringLiteral("deviceLog"));
    m_log->setReadOnly(true);
    m_log->setPlaceholderText(tr("Select one device to see its log"));
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);

    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Show:"), this));
    filters->addWidget(m_stateFilter);
    filters->addWidget(m_textFilter, 1);
    filters->addWidget(m_countLabel);
    filters->addSpacing(12);
    filters->addWidget(m_retry);
    filters->addWidget(m_skip);
    filters->addWidget(m_rollBack);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_log);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(split, 1);

    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, [this](int index) {
        const auto groups = stateGroups();
        if (index >= 0 && index < groups.size())
            m_model->setStateFilter(groups[index].second);
    });
    connect(m_textFilter, &QLineEdit::textChanged, m_model, &RolloutDeviceModel::setTextFilter);
    connect(m_model, &RolloutDeviceModel::countChanged, this, [this](qint64 count) {
        m_countLabel->setText(tr("%1 devices").arg(QLocale().toString(count)));
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RolloutDevicesPanel::selectionChanged);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RolloutDevicesPanel::selectionChanged);
    connect(m_table, &QWidget::customContextMenuRequested, this,
            &RolloutDevicesPanel::showContextMenu);
    connect(m_retry, &QPushButton::clicked, this, [this] { request(DeviceAction::Retry); });
    connect(m_skip, &QPushButton::clicked, this, [this] { request(DeviceAction::Skip); });
    connect(m_rollBack, &QPushButton::clicked, this, [this] { request(DeviceAction::RollBack); });
    updateButtons();
}

void RolloutDevicesPanel::setRollout(qint64 rolloutId)
{
    if (rolloutId == m_rolloutId && m_model->rolloutId() == rolloutId)
        return;
    m_rolloutId = rolloutId;
    m_model->setRollout(rolloutId);
    m_log->clear();
    m_logDevice = 0;
}

void RolloutDevicesPanel::refreshLive()
{
    m_model->refreshInPlace();
    if (m_logDevice != 0)
        loadLog();
}

void RolloutDevicesPanel::setWritable(bool writable)
{
    m_writable = writable;
    updateButtons();
}

QStringList RolloutDevicesPanel::selectedUids() const
{
    QStringList uids;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows()) {
        const QString uid = m_model->uidAt(index.row());
        if (!uid.isEmpty())
            uids << uid;
    }
    return uids;
}

void RolloutDevicesPanel::updateButtons()
{
    const bool any = m_table->selectionModel()->hasSelection();
    for (QPushButton *b : {m_retry, m_skip, m_rollBack})
        b->setEnabled(m_writable && any);
}

void RolloutDevicesPanel::selectionChanged()
{
    updateButtons();
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const qint64 device = rows.size() == 1 ? m_model->deviceIdAt(rows.first().row()) : 0;
    if (device == m_logDevice)
        return;
    m_logDevice = device;
    m_log->clear();
    if (device != 0)
        loadLog();
}

void RolloutDevicesPanel::loadLog()
{
    const int generation = ++m_logGeneration;
    auto connection = m_session.workspace().openConnection();
    if (!connection) {
        m_log->setPlainText(tr("Cannot read the log: %1").arg(connection.message()));
        return;
    }
    std::shared_ptr<SqliteDatabase> db(std::move(connection.value()));
    BackgroundTask::run(
        this,
        [db, rollout = m_rolloutId, device = m_logDevice] {
            RolloutStatusReader reader(*db);
            auto events = reader.events(rollout, device);
            if (!events)
                return LoadedLog{false, events.message()};
            QStringList lines;
            for (const RolloutEvent &e : events.value())
                lines << logLine(e);
            return LoadedLog{true, lines.join(QLatin1Char('\n'))};
        },
        [this, generation](const LoadedLog &loaded) {
            if (generation != m_logGeneration)
                return;
            m_log->setPlainText(loaded.ok ? loaded.text
                                          : tr("Cannot read the log: %1").arg(loaded.text));
            m_log->moveCursor(QTextCursor::End);
            emit logLoaded();
        });
}

void RolloutDevicesPanel::showContextMenu(const QPoint &pos)
{
    if (!m_table->selectionModel()->hasSelection())
        return;
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(tr("Retry…"), this, [this] { request(DeviceAction::Retry); })
        ->setEnabled(m_writable);
    menu->addAction(tr("Skip…"), this, [this] { request(DeviceAction::Skip); })
        ->setEnabled(m_writable);
    menu->addAction(tr("Roll back…"), this, [this] { request(DeviceAction::RollBack); })
        ->setEnabled(m_writable);
    menu->popup(m_table->viewport()->mapToGlobal(pos));
}

void RolloutDevicesPanel::request(DeviceAction action)
{
    const QStringList uids = selectedUids();
    if (!uids.isEmpty())
        emit actionRequested(action, uids);
}

} // namespace fleet
