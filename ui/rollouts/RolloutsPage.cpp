#include "RolloutsPage.h"

#include "RolloutActionRunner.h"
#include "RolloutDeviceModel.h"
#include "RolloutHeaderPane.h"
#include "RolloutListModel.h"
#include "RolloutSnapshotWorker.h"
#include "RolloutWizard.h"
#include "WaveSummaryTable.h"
#include "WaveTimelineWidget.h"
#include "WorkerThread.h"
#include "charts/RolloutStatusChart.h"
#include "common/BackgroundTask.h"
#include "common/Icons.h"
#include "common/Prompts.h"
#include "common/TableLook.h"
#include "firmware/PassphraseDialog.h"
#include "rollout/RolloutHistoryExport.h"
#include "rollout/WeeklySchedule.h"
#include "storage/SqliteDatabase.h"
#include "storage/WorkspaceSession.h"
#include "util/Clock.h"

#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLoggingCategory>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <utility>

namespace fleet {

namespace {

Q_LOGGING_CATEGORY(lcRolloutsPage, "fleet.ui.rollouts")

struct ExportOutcome
{
    bool ok = false;
    QString message;
};

// "Paused rollout 'line 1'." / "Cannot pause 'line 1': <why>".
WaveTimelineWidget::Marker::Kind markerKind(const RolloutEvent &e)
{
    using K = WaveTimelineWidget::Marker::Kind;
    if (e.kind == QLatin1String("operator"))
        return K::Operator;
    if (e.kind == QLatin1String("decision"))
        return K::Decision;
    if (e.kind == QLatin1String("rollout") && e.toState == QLatin1String("paused"))
        return K::Pause;
    return K::Rollout;
}

QString markerText(const RolloutEvent &e)
{
    QString text = e.kind;
    if (!e.toState.isEmpty())
        text += e.fromState.isEmpty() ? QStringLiteral(": %1").arg(e.toState)
                                      : QStringLiteral(": %1 → %2").arg(e.fromState, e.toState);
    if (!e.deviceUid.isEmpty())
        text += QStringLiteral(" (%1)").arg(e.deviceUid);
    if (!e.actor.isEmpty())
        text += RolloutsPage::tr(" by %1").arg(e.actor);
    if (!e.reason.isEmpty())
        text += QStringLiteral(" — %1").arg(e.reason);
    return text;
}

} // namespace

RolloutsPage::RolloutsPage(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_listModel(new RolloutListModel(this))
    , m_list(new QTableView(this))
    , m_header(new RolloutHeaderPane(this))
    , m_actions(new RolloutActionBar(this))
    , m_waveSummary(new WaveSummaryTable(this))
    , m_timeline(new WaveTimelineWidget(this))
    , m_chart(new RolloutStatusChart(this))
    , m_devices(new RolloutDevicesPanel(session, this))
    , m_tabs(new QTabWidget(this))
    , m_message(new QLabel(this))
    , m_countLabel(new QLabel(this))
    , m_new(new QPushButton(Icons::themed(QStringLiteral("document-new"), QStyle::SP_FileIcon),
                            tr("New rollout…"), this))
    , m_export(new QPushButton(
          Icons::themed(QStringLiteral("document-export"), QStyle::SP_DialogSaveButton),
          tr("Export…"), this))
    , m_pollTimer(new QTimer(this))
    , m_runner(new RolloutActionRunner(session, this))
    , m_worker(new RolloutSnapshotWorker(session.workspace()))
{
    setObjectName(QStringLiteral("rolloutsPage"));
    m_thread = std::make_unique<WorkerThread>(m_worker, QStringLiteral("rollout-status"));
    connect(m_worker, &RolloutSnapshotWorker::snapshotReady, this, &RolloutsPage::applySnapshot);
    connect(m_worker, &RolloutSnapshotWorker::unchanged, this, [this](quint64 request) {
        if (request == m_request)
            m_pollInFlight = false;
    });

    m_list->setObjectName(QStringLiteral("rolloutList"));
    m_list->setModel(m_listModel);
    TableLook::apply(m_list);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    const QList<QPair<int, int>> widths = {
        {RolloutListModel::Name, 170},    {RolloutListModel::Release, 150},
        {RolloutListModel::State, 120},   {RolloutListModel::Progress, 160},
        {RolloutListModel::Failures, 65}, {RolloutListModel::Started, 125},
    };
    for (const auto &[column, width] : widths)
        m_list->setColumnWidth(column, width);
    m_list->horizontalHeader()->setStretchLastSection(true);
    m_list->setMinimumHeight(90);

    m_new->setObjectName(QStringLiteral("newRolloutButton"));
    m_export->setObjectName(QStringLiteral("exportRolloutButton"));
    m_export->setToolTip(tr("Save the selected rollout's history (header, waves, every device's "
                            "final state and the timeline) as CSV or JSON"));
    m_message->setObjectName(QStringLiteral("rolloutMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setContentsMargins(8, 4, 8, 4);
    m_message->hide();
    m_countLabel->setObjectName(QStringLiteral("rolloutCountLabel"));
    m_chart->setTitle(tr("Devices by outcome over time"));
    m_chart->setMinimumHeight(180);
    m_timeline->setMinimumHeight(110);

    auto *top = new QHBoxLayout;
    top->addWidget(m_new);
    top->addWidget(m_export);
    top->addStretch(1);
    top->addWidget(m_countLabel);

    // The progress tab: the waves' figures (as tall as their rows), then the timeline and the
    // chart over the same stretch of time.
    auto *progress = new QWidget(m_tabs);
    auto *progressSplit = new QSplitter(Qt::Vertical, progress);
    progressSplit->addWidget(m_timeline);
    progressSplit->addWidget(m_chart);
    progressSplit->setStretchFactor(0, 2);
    progressSplit->setStretchFactor(1, 3);
    progressSplit->setChildrenCollapsible(false);
    auto *progressLayout = new QVBoxLayout(progress);
    progressLayout->setContentsMargins(4, 4, 4, 4);
    progressLayout->addWidget(m_waveSummary);
    progressLayout->addWidget(progressSplit, 1);
    m_tabs->setObjectName(QStringLiteral("rolloutTabs"));
    m_tabs->addTab(progress, tr("Waves and timeline"));
    m_tabs->addTab(m_devices, tr("Devices"));

    auto *details = new QWidget(this);
    auto *detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(0, 4, 0, 0);
    auto *headerRow = new QHBoxLayout;
    headerRow->addWidget(m_header, 1);
    headerRow->addSpacing(12);
    headerRow->addWidget(m_actions, 0, Qt::AlignTop);
    detailsLayout->addLayout(headerRow);
    detailsLayout->addWidget(m_tabs, 1);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("rolloutsSplitter"));
    split->addWidget(m_list);
    split->addWidget(details);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 5);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);

    connect(m_list->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RolloutsPage::listSelectionChanged);
    connect(m_actions, &RolloutActionBar::triggered, this, &RolloutsPage::askReason);
    connect(m_devices, &RolloutDevicesPanel::actionRequested, this, &RolloutsPage::askDeviceReason);
    connect(m_export, &QPushButton::clicked, this, &RolloutsPage::chooseExportFile);
    connect(m_new, &QPushButton::clicked, this, &RolloutsPage::openWizard);
    connect(m_runner, &RolloutActionRunner::started, this, [this](const QString &busyText) {
        updateActions();
        showMessage(true, busyText);
    });
    connect(m_runner, &RolloutActionRunner::finished, this,
            [this](bool ok, const QString &message) {
                showMessage(ok, message);
                updateActions();
                poll(true);
                emit actionFinished(ok, message);
            });
    m_new->setToolTip(tr("Create a rollout: release, targets, pilot, plan, and a preview of "
                         "when each wave is expected to run"));

    m_pollTimer->setInterval(kPollIntervalMs);
    connect(m_pollTimer, &QTimer::timeout, this, [this] {
        // Hidden pages cost nothing: the next showEvent() reads afresh.
        if (isVisible())
            poll(false);
    });
    m_pollTimer->start();
    updateActions();
    // The first read waits for showEvent(): a workspace opened on another section never pays
    // for replaying its rollouts' timelines.
}

RolloutsPage::~RolloutsPage()
{
    // Stops the worker (and its queued polls) before the widgets its answers would reach.
    ++m_request;
    m_thread.reset();
}

void RolloutsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    poll(true);
}

bool RolloutsPage::isWritable() const
{
    return !m_session.workspace().isReadOnly();
}

void RolloutsPage::refresh()
{
    poll(true);
}

void RolloutsPage::poll(bool force)
{
    // An unanswered poll already reads whatever changed; a forced one goes anyway.
    if (m_pollInFlight && !force)
        return;
    m_pollInFlight = true;
    const quint64 request = ++m_request;
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, request, rollout = m_selected, force, now = m_session.clock().nowMs()] {
            worker->poll(request, rollout, force, now);
        },
        Qt::QueuedConnection);
}

void RolloutsPage::applySnapshot(const RolloutSnapshot &snapshot)
{
    if (snapshot.request == m_request)
        m_pollInFlight = false;
    if (!snapshot.error.isEmpty()) {
        if (snapshot.error != m_snapshotError)
            qCWarning(lcRolloutsPage).noquote() << snapshot.error;
        showMessage(false, snapshot.error);
    } else if (!m_snapshotError.isEmpty() && m_message->text() == m_snapshotError) {
        showMessage(true, QString()); // the workspace reads again
    }
    m_snapshotError = snapshot.error;
    m_listModel->setEntries(snapshot.rollouts);
    m_countLabel->setText(tr("%n rollout(s)", nullptr, int(snapshot.rollouts.size())));
    if (m_selectAfterLoad != 0 && m_listModel->rowOfId(m_selectAfterLoad) >= 0) {
        m_list->selectRow(m_listModel->rowOfId(std::exchange(m_selectAfterLoad, 0)));
        return; // the selection asked for a snapshot of that rollout
    }
    const int row = m_listModel->rowOfId(m_selected);
    if (row < 0 && !snapshot.rollouts.isEmpty()) {
        // Nothing (or a rollout that is gone) selected: show the newest.
        m_list->selectRow(0);
        return; // the selection asked for a snapshot of that rollout
    }
    if (row >= 0 && !m_list->selectionModel()->isRowSelected(row, {}))
        m_list->selectRow(row);
    if (snapshot.rolloutId != m_selected)
        return; // an answer about the rollout selected before
    if (!snapshot.hasDetails) {
        m_header->clear();
        m_state.reset();
        updateActions();
        emit snapshotApplied();
        return;
    }
    const RolloutStatus &status = snapshot.status;
    m_header->setStatus(status, snapshot.zone);
    m_state = status.rollout.state;
    m_windowsOverridden = status.rollout.windowsOverridden;
    m_pilotNeedsSignature = false;
    for (const RolloutWaveStatus &w : status.waves)
        if (w.wave == 0 && status.rollout.currentWave == 0 && !status.testGatePassed)
            m_pilotNeedsSignature = w.counts.total() > 0 && w.counts.unfinished() == 0;
    m_waveSummary->setWaves(status.waves);
    QList<RolloutStatusChart::Sample> samples;
    samples.reserve(snapshot.samples.size());
    for (const RolloutStatusSample &s : snapshot.samples)
        samples.append({s.atMs, s.queued, s.inProgress, s.succeeded, s.failed, s.rolledBack});
    m_chart->setSamples(samples, snapshot.nowMs);
    showTimeline(snapshot);
    // The table reads its own pages: a rollout already shown is refreshed in place.
    if (m_shownDetailsOf == snapshot.rolloutId)
        m_devices->refreshLive();
    m_devices->setRollout(snapshot.rolloutId);
    m_shownDetailsOf = snapshot.rolloutId;
    updateActions();
    emit snapshotApplied();
}

void RolloutsPage::showTimeline(const RolloutSnapshot &snapshot)
{
    const RolloutStatus &status = snapshot.status;
    QList<WaveTimelineWidget::Wave> waves;
    for (const RolloutWaveStatus &w : status.waves) {
        WaveTimelineWidget::Wave wave;
        wave.name = w.name;
        wave.current = w.current;
        wave.total = w.counts.total();
        wave.failures = w.counts.failures();
        wave.succeeded = w.counts.succeeded;
        wave.finished = w.counts.total() - w.counts.unfinished();
        for (const RolloutWaveSpan &span : snapshot.spans)
            if (span.wave == w.wave) {
                wave.startMs = span.startMs;
                wave.endMs = span.unfinished == 0 ? span.endMs : std::nullopt;
            }
        waves.append(wave);
    }
    QList<WaveTimelineWidget::Marker> markers;
    for (const RolloutEvent &e : snapshot.markers)
        markers.append({e.atMs, markerKind(e), markerText(e)});
    m_timeline->setWaves(waves);
    m_timeline->setMarkers(markers);
    m_timeline->setNow(snapshot.nowMs);

    const RolloutPlanSpec &plan = status.rollout.plan;
    QList<WaveTimelineWidget::Window> windows;
    QString note;
    if (!plan.windows.isEmpty()) {
        QTimeZone zone(snapshot.zone);
        if (!zone.isValid())
            zone = QTimeZone(QByteArrayLiteral("UTC"));
        const WeeklySchedule schedule(zone, plan.windows);
        const auto [from, to] = m_timeline->range();
        for (const TimeInterval &open :
             schedule.openIntervals(QDateTime::fromMSecsSinceEpoch(from, Qt::UTC),
                                    QDateTime::fromMSecsSinceEpoch(to, Qt::UTC)))
            windows.append({open.start.toMSecsSinceEpoch(), open.end.toMSecsSinceEpoch()});
        QStringList texts;
        for (const MaintenanceWindow &w : plan.windows)
            texts << w.toString();
        note = QStringLiteral("%1, %2").arg(texts.join(QStringLiteral("; ")),
                                            QString::fromUtf8(zone.id()));
    }
    m_timeline->setWindows(windows, note, status.rollout.windowsOverridden);
}

QString RolloutsPage::selectedName() const
{
    const int row = m_listModel->rowOfId(m_selected);
    return row >= 0 ? m_listModel->entryAt(row).name : QString::number(m_selected);
}

void RolloutsPage::selectRollout(qint64 id)
{
    const int row = m_listModel->rowOfId(id);
    if (row >= 0)
        m_list->selectRow(row);
}

void RolloutsPage::listSelectionChanged()
{
    const QModelIndexList rows = m_list->selectionModel()->selectedRows();
    const qint64 id = rows.isEmpty() ? 0 : m_listModel->entryAt(rows.first().row()).id;
    if (id == m_selected || id == 0)
        return;
    m_selected = id;
    m_state.reset();
    updateActions();
    poll(true);
}

void RolloutsPage::updateActions()
{
    const bool writable = isWritable() && !m_runner->isBusy();
    m_actions->setRollout(m_selected != 0 ? m_state : std::nullopt, m_windowsOverridden, writable);
    m_devices->setWritable(writable && m_state.has_value());
    m_export->setEnabled(m_selected != 0 && m_state.has_value());
    m_new->setEnabled(isWritable());
}

void RolloutsPage::showMessage(bool ok, const QString &text)
{
    m_message->setText(text);
    m_message->setStyleSheet(
        ok ? QStringLiteral("background: #e6f4ea; color: #1e5631; border-radius: 3px;")
           : QStringLiteral("background: #fce8e6; color: #8c1d18; border-radius: 3px;"));
    m_message->setVisible(!text.isEmpty());
}

void RolloutsPage::askReason(RolloutActionBar::Action action)
{
    if (m_selected == 0)
        return;
    const QString title = RolloutActionBar::title(action, m_windowsOverridden);
    Prompts::askText(this, QStringLiteral("rolloutReasonPrompt"),
                     tr("%1 rollout '%2'").arg(title, selectedName()),
                     tr("Why? The reason is recorded in the audit trail with the action:"), {},
                     [this, action](const QString &reason) {
                         if (action == RolloutActionBar::Action::Resume && m_pilotNeedsSignature)
                             askPilotPassphrase(reason);
                         else
                             runAction(action, reason);
                     });
}

void RolloutsPage::askPilotPassphrase(const QString &reason)
{
    auto *dialog = new PassphraseDialog(
        PassphraseDialog::Mode::Unlock,
        tr("The pilot of '%1' is done and its release has no signed test pass yet. Resuming "
           "signs the pilot's results as the pass record (the test gate) with the workspace's "
           "signing key: enter its passphrase.")
            .arg(selectedName()),
        this);
    dialog->setObjectName(QStringLiteral("pilotPassphraseDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, reason] { resumeSigningPilot(reason, dialog->passphrase()); });
    dialog->open();
}

void RolloutsPage::resumeSigningPilot(const QString &reason, const QByteArray &passphrase)
{
    const QString name = selectedName();
    m_runner->run(tr("Signing the pilot's results and resuming '%1'…").arg(name),
                  RolloutActionRunner::resumeSigningPilot(name, reason, passphrase));
}

void RolloutsPage::askDeviceReason(RolloutDevicesPanel::DeviceAction action,
                                   const QStringList &uids)
{
    if (m_selected == 0 || uids.isEmpty())
        return;
    const QString what =
        uids.size() == 1 ? uids.first() : tr("%n devices", nullptr, int(uids.size()));
    Prompts::askText(
        this, QStringLiteral("rolloutReasonPrompt"),
        tr("%1 %2").arg(RolloutActionRunner::verb(action), what),
        tr("Why? The reason is recorded in the audit trail with the action:"), {},
        [this, action, uids](const QString &reason) { runDeviceAction(action, uids, reason); });
}

void RolloutsPage::runAction(RolloutActionBar::Action action, const QString &reason)
{
    const QString name = selectedName();
    m_runner->run(
        tr("Trying to %1 '%2'…").arg(RolloutActionRunner::verb(action, m_windowsOverridden), name),
        RolloutActionRunner::rolloutAction(action, name, reason, m_windowsOverridden));
}

void RolloutsPage::runDeviceAction(RolloutDevicesPanel::DeviceAction action,
                                   const QStringList &uids, const QString &reason)
{
    m_runner->run(tr("Trying to %1 %n device(s)…", nullptr, int(uids.size()))
                      .arg(RolloutActionRunner::verb(action)),
                  RolloutActionRunner::deviceAction(action, selectedName(), uids, reason));
}

void RolloutsPage::chooseExportFile()
{
    if (m_selected == 0)
        return;
    Prompts::saveFile(this, tr("Export rollout history"),
                      tr("CSV files (*.csv);;JSON files (*.json)"), QStringLiteral("csv"),
                      [this](const QString &path) { exportHistory(path); });
}

void RolloutsPage::exportHistory(const QString &path)
{
    auto format = RolloutHistoryExport::formatFor(path);
    if (!format) {
        showMessage(false, format.message());
        emit exportFinished(false, format.message());
        return;
    }
    auto connection = m_session.workspace().openConnection();
    if (!connection) {
        showMessage(false, tr("Cannot read the rollout: %1").arg(connection.message()));
        emit exportFinished(false, connection.message());
        return;
    }
    std::shared_ptr<SqliteDatabase> db(std::move(connection.value()));
    BackgroundTask::run(
        this,
        [db, rollout = m_selected, name = selectedName(), path, format = format.value(),
         now = m_session.clock().nowMs()] {
            auto history = RolloutHistoryExport::read(*db, rollout, now);
            if (!history)
                return ExportOutcome{false,
                                     tr("Cannot export '%1': %2").arg(name, history.message())};
            if (Status s = RolloutHistoryExport::write(history.value(), path, format); !s)
                return ExportOutcome{false, tr("Cannot export '%1': %2").arg(name, s.message())};
            return ExportOutcome{true, tr("Exported the history of '%1' (%n device(s)) to %2.",
                                          nullptr, int(history.value().devices.size()))
                                           .arg(name, path)};
        },
        [this](const ExportOutcome &outcome) {
            showMessage(outcome.ok, outcome.message);
            emit exportFinished(outcome.ok, outcome.message);
        });
}

RolloutWizard *RolloutsPage::openWizard()
{
    auto *wizard = new RolloutWizard(m_session, this);
    wizard->setObjectName(QStringLiteral("rolloutWizard"));
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(wizard, &RolloutWizard::rolloutCreated, this, [this](qint64 id) {
        // Shown once the next snapshot lists it.
        m_selectAfterLoad = id;
        showMessage(true, tr("Rollout created as a draft: submit it when it is ready."));
        poll(true);
    });
    wizard->open();
    return wizard;
}

} // namespace fleet
