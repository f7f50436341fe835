#include "DevicesPage.h"

#include "BulkActionDialog.h"
#include "ColumnChooserDialog.h"
#include "CsvImportDialog.h"
#include "DeviceAuditTab.h"
#include "DeviceColumnSettings.h"
#include "DeviceCsvCopy.h"
#include "DeviceDetailsPane.h"
#include "DeviceFilterBar.h"
#include "DeviceSelection.h"
#include "DeviceTableModel.h"
#include "FacetValuesLoader.h"
#include "SavedFilterBox.h"
#include "common/BackgroundSession.h"
#include "common/BackgroundTask.h"
#include "common/Icons.h"
#include "common/MessageBoxes.h"
#include "common/Prompts.h"
#include "common/TableLook.h"
#include "inventory/DeviceColumns.h"
#include "io/InventoryExporter.h"
#include "io/JsonInventoryImporter.h"
#include "storage/WorkspaceSession.h"

#include <QAction>
#include <QClipboard>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QSaveFile>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <utility>

namespace fleet {

namespace {
const QString kSplitterKey = QStringLiteral("devices/splitter");

struct TaskOutcome
{
    bool ok = false;
    QString message;
};
} // namespace

DevicesPage::DevicesPage(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_writable(!session.workspace().isReadOnly())
    , m_model(new DeviceTableModel(session.workspace(), this))
    , m_facetLoader(new FacetValuesLoader(m_model->queryWorker(), this))
    , m_filterBar(new DeviceFilterBar(this))
    , m_savedFilters(new SavedFilterBox(session.savedFilters(), this))
    , m_countLabel(new QLabel(this))
    , m_statusLabel(new QLabel(this))
    , m_table(new QTableView(this))
    , m_details(new DeviceDetailsPane(session, this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
{
    setObjectName(QStringLiteral("devicesPage"));
    createActions();
    buildLayout();

    connect(m_filterBar, &DeviceFilterBar::filterChanged, this, &DevicesPage::applyFilter);
    connect(m_savedFilters, &SavedFilterBox::filterChosen, m_filterBar,
            &DeviceFilterBar::setFilter);
    connect(m_savedFilters, &SavedFilterBox::failed, this, &DevicesPage::showError);
    connect(m_facetLoader, &FacetValuesLoader::loaded, this, &DevicesPage::onFacetValuesLoaded);
    connect(m_facetLoader, &FacetValuesLoader::failed, this,
            [this](const QString &, const QString &message) { showError(message); });
    connect(m_model, &DeviceTableModel::countChanged, this, &DevicesPage::updateCountLabel);
    connect(m_model, &DeviceTableModel::loadingChanged, this, &DevicesPage::updateCountLabel);
    connect(m_model, &DeviceTableModel::queryFailed, this, &DevicesPage::showError);
    connect(m_model, &DeviceTableModel::dataChanged, this, [this] {
        if (m_pendingDetailRow >= 0)
            showCurrentDevice();
    });
    connect(m_model, &DeviceTableModel::modelReset, this, &DevicesPage::updateActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &DevicesPage::updateActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DevicesPage::showCurrentDevice);
    connect(m_table, &QTableView::customContextMenuRequested, this, &DevicesPage::showContextMenu);
    connect(m_details, &DeviceDetailsPane::deviceChanged, this, [this] {
        m_model->refresh();
        loadFacets();
        emit inventoryChanged();
    });
    connect(m_details, &DeviceDetailsPane::failed, this, &DevicesPage::showError);

    m_liveRefreshTimer = new QTimer(this);
    m_liveRefreshTimer->setSingleShot(true);
    m_liveRefreshTimer->setInterval(400);
    connect(m_liveRefreshTimer, &QTimer::timeout, this, [this] {
        m_model->refreshInPlace();
        if (std::exchange(m_liveDetailsChanged, false))
            m_details->reload();
    });
    // Facet counts (and the fleet total) scan more than the visible rows: less often.
    m_liveFacetTimer = new QTimer(this);
    m_liveFacetTimer->setSingleShot(true);
    m_liveFacetTimer->setInterval(5000);
    connect(m_liveFacetTimer, &QTimer::timeout, this, &DevicesPage::loadFacets);

    m_details->setWritable(m_writable);
    m_savedFilters->setWritable(m_writable);
    m_model->setFilter({});
    loadFacets();
    updateActions();
    updateCountLabel();
}

DevicesPage::~DevicesPage()
{
    DeviceColumnSettings::save(m_table);
    QSettings().setValue(kSplitterKey, m_splitter->saveState());
}

void DevicesPage::createActions()
{
    m_copyAction = new QAction(Icons::themed(QStringLiteral("edit-copy"), QStyle::SP_FileIcon),
                               tr("&Copy as CSV"), this);
    m_copyAction->setObjectName(QStringLiteral("copyAsCsvAction"));
    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_copyAction->setToolTip(tr("Copy the selected rows' visible columns as CSV"));
    connect(m_copyAction, &QAction::triggered, this, &DevicesPage::copySelectionAsCsv);

    m_selectAllAction = new QAction(tr("Select &all"), this);
    m_selectAllAction->setObjectName(QStringLiteral("selectAllAction"));
    m_selectAllAction->setShortcut(QKeySequence::SelectAll);
    m_selectAllAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(m_selectAllAction, &QAction::triggered, m_table, &QTableView::selectAll);

    m_columnsAction = new QAction(tr("&Columns…"), this);
    m_columnsAction->setObjectName(QStringLiteral("columnsAction"));
    connect(m_columnsAction, &QAction::triggered, this, &DevicesPage::chooseColumns);

    m_importAction =
        new QAction(Icons::themed(QStringLiteral("document-import"), QStyle::SP_DialogOpenButton),
                    tr("&Import devices (CSV/JSON)…"), this);
    m_importAction->setObjectName(QStringLiteral("importAction"));
    connect(m_importAction, &QAction::triggered, this, &DevicesPage::chooseImportFile);

    m_exportAction =
        new QAction(Icons::themed(QStringLiteral("document-export"), QStyle::SP_DialogSaveButton),
                    tr("&Export devices…"), this);
    m_exportAction->setObjectName(QStringLiteral("exportAction"));
    m_exportAction->setToolTip(tr("Export the devices matching the filter"));
    connect(m_exportAction, &QAction::triggered, this, &DevicesPage::chooseExportFile);

    m_refreshAction =
        new QAction(Icons::themed(QStringLiteral("view-refresh"), QStyle::SP_BrowserReload),
                    tr("&Refresh"), this);
    m_refreshAction->setShortcut(QKeySequence::Refresh);
    m_refreshAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(m_refreshAction, &QAction::triggered, this, &DevicesPage::refresh);

    const QList<QPair<BulkAction::Kind, QString>> bulk = {
        {BulkAction::AddTag, tr("Add &tag…")},
        {BulkAction::RemoveTag, tr("Remove ta&g…")},
        {BulkAction::AddToGroup, tr("Add to &group…")},
        {BulkAction::RemoveFromGroup, tr("Remove from gr&oup…")},
        {BulkAction::SetState, tr("Set &state…")},
    };
    static const char *const objectNames[] = {"addTagAction", "removeTagAction", "addToGroupAction",
                                              "removeFromGroupAction", "setStateAction"};
    for (const auto &[kind, text] : bulk) {
        auto *action = new QAction(text, this);
        action->setObjectName(QString::fromLatin1(objectNames[kind]));
        connect(action, &QAction::triggered, this, [this, kind] { startBulkAction(kind); });
        m_bulkActions.insert(kind, action);
    }
    addActions({m_copyAction, m_selectAllAction, m_refreshAction});
}

void DevicesPage::buildLayout()
{
    m_countLabel->setObjectName(QStringLiteral("countLabel"));
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_statusLabel->setWordWrap(false);

    m_table->setObjectName(QStringLiteral("deviceTable"));
    m_table->setModel(m_model);
    TableLook::apply(m_table);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->horizontalHeader()->setSortIndicator(m_model->sortColumn(), m_model->sortOrder());
    m_table->setSortingEnabled(true); // sort() on the model: a new SQL query
    m_table->horizontalHeader()->setStretchLastSection(false);
    DeviceColumnSettings::restore(m_table);

    auto *secondRow = new QHBoxLayout;
    secondRow->addWidget(m_savedFilters);
    secondRow->addSpacing(12);
    secondRow->addWidget(m_statusLabel, 1);
    secondRow->addWidget(m_countLabel);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_table);

    m_details->setMinimumWidth(300);
    m_splitter->addWidget(left);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);
    const QByteArray splitterState = QSettings().value(kSplitterKey).toByteArray();
    if (splitterState.isEmpty() || !m_splitter->restoreState(splitterState))
        m_splitter->setSizes({1010, 440});

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filterBar);
    layout->addLayout(secondRow);
    layout->addWidget(m_splitter, 1);
}

void DevicesPage::applyFilter(const DeviceFilter &filter)
{
    m_savedFilters->setCurrentFilter(filter);
    m_model->setFilter(filter);
    updateCountLabel();
}

void DevicesPage::loadFacets()
{
    for (const QString &facet : DeviceFilterBar::facets())
        m_facetLoader->load(facet);
}

void DevicesPage::onFacetValuesLoaded(const QString &facet, const FacetValues &values)
{
    m_facetValues.insert(facet, values);
    m_filterBar->setFacetValues(facet, values);
    if (facet == QLatin1String("state")) {
        // Every device has exactly one state, so the state counts add up to the whole fleet.
        qint64 total = 0;
        for (const auto &value : values)
            total += value.second;
        if (total != m_total) {
            m_total = total;
            emit totalDevicesChanged(total);
        }
        updateCountLabel();
    }
}

void DevicesPage::updateCountLabel()
{
    const QLocale locale;
    QString text;
    if (m_model->filter().isEmpty() || m_total < 0)
        text = tr("%1 devices").arg(locale.toString(m_model->count()));
    else
        text = tr("%1 devices match (of %2)")
                   .arg(locale.toString(m_model->count()), locale.toString(m_total));
    if (m_model->isLoading())
        text += tr(" — loading…");
    m_countLabel->setText(text);
}

void DevicesPage::updateActions()
{
    const bool hasSelection = m_table->selectionModel()->hasSelection();
    for (QAction *action : std::as_const(m_bulkActions))
        action->setEnabled(m_writable && hasSelection && m_runningWrites == 0);
    m_copyAction->setEnabled(hasSelection);
    m_importAction->setEnabled(m_writable);
}

void DevicesPage::showCurrentDevice()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid()) {
        m_pendingDetailRow = -1;
        return;
    }
    const qint64 id = m_model->idAt(current.row());
    if (id == 0) {
        m_pendingDetailRow = current.row(); // shown when its page arrives
        return;
    }
    m_pendingDetailRow = -1;
    if (id != m_details->deviceId())
        m_details->showDevice(id);
}

void DevicesPage::showContextMenu(const QPoint &position)
{
    if (!m_contextMenu) {
        m_contextMenu = new QMenu(this);
        m_contextMenu->setObjectName(QStringLiteral("deviceContextMenu"));
        for (BulkAction::Kind kind :
             {BulkAction::AddTag, BulkAction::RemoveTag, BulkAction::AddToGroup,
              BulkAction::RemoveFromGroup, BulkAction::SetState})
            m_contextMenu->addAction(m_bulkActions.value(kind));
        m_contextMenu->addSeparator();
        m_contextMenu->addAction(m_copyAction);
        m_contextMenu->addAction(m_selectAllAction);
        m_contextMenu->addSeparator();
        m_contextMenu->addAction(m_columnsAction);
        m_contextMenu->addAction(m_refreshAction);
    }
    m_contextMenu->popup(m_table->viewport()->mapToGlobal(position));
}

void DevicesPage::startBulkAction(BulkAction::Kind kind)
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty() || !m_writable || m_runningWrites > 0)
        return;
    QStringList suggestions;
    const QString facet = (kind == BulkAction::AddTag || kind == BulkAction::RemoveTag)
                              ? QStringLiteral("tag")
                              : QStringLiteral("group");
    for (const auto &value : m_facetValues.value(facet))
        suggestions << value.first;
    const qint64 count =
        DeviceSelection::fromSelection(*m_model, m_table->selectionModel()->selection()).rowCount();
    auto *dialog = new BulkActionDialog(kind, int(count), suggestions, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { runBulkAction(dialog->kind(), dialog->value(), dialog->reason()); });
    dialog->open();
}

void DevicesPage::runBulkAction(BulkAction::Kind kind, const QString &value, const QString &reason)
{
    const DeviceSelection selection =
        DeviceSelection::fromSelection(*m_model, m_table->selectionModel()->selection());
    if (selection.isEmpty())
        return;
    auto background = BackgroundSession::open(m_session);
    if (!background) {
        showError(background.message());
        return;
    }
    ++m_runningWrites;
    updateActions();
    m_statusLabel->setText(
        tr("%1 on %n device(s)…", nullptr, int(selection.rowCount())).arg(BulkAction::title(kind)));
    BackgroundTask::run(
        this,
        [session = background.value(), selection, kind, value, reason] {
            TaskOutcome outcome;
            auto ids = selection.resolveIds(session->db());
            if (!ids) {
                outcome.message = ids.message();
                return outcome;
            }
            auto changed = BulkAction::run(session->inventory(), kind, ids.value(), value, reason);
            if (!changed) {
                outcome.message = changed.message();
                return outcome;
            }
            outcome.ok = true;
            outcome.message =
                BulkAction::doneMessage(kind, value.trimmed(), changed.value(), int(ids->size()));
            return outcome;
        },
        [this](const TaskOutcome &outcome) {
            --m_runningWrites;
            updateActions();
            reportTask(outcome.message, outcome.ok);
            if (outcome.ok)
                refresh();
        });
}

void DevicesPage::refresh()
{
    m_model->refresh();
    loadFacets();
    m_details->reload();
    m_details->auditTab()->refresh();
    m_savedFilters->reload();
    emit inventoryChanged();
}

void DevicesPage::scheduleLiveRefresh(const QList<qint64> &changedDeviceIds)
{
    if (m_details->deviceId() != 0 && changedDeviceIds.contains(m_details->deviceId()))
        m_liveDetailsChanged = true;
    // Not restarted while pending: a steady stream of batches still refreshes every interval.
    if (!m_liveRefreshTimer->isActive())
        m_liveRefreshTimer->start();
    if (!m_liveFacetTimer->isActive())
        m_liveFacetTimer->start();
}

void DevicesPage::copySelectionAsCsv()
{
    const DeviceSelection selection =
        DeviceSelection::fromSelection(*m_model, m_table->selectionModel()->selection());
    if (selection.isEmpty())
        return;
    auto connection = m_session.workspace().openConnection();
    if (!connection) {
        showError(connection.message());
        return;
    }
    std::shared_ptr<SqliteDatabase> db(std::move(connection.value()));
    BackgroundTask::run(
        this,
        [db, selection, columns = visibleColumns()] {
            auto text = DeviceCsvCopy::build(*db, selection, columns);
            return text ? TaskOutcome{true, text.value()} : TaskOutcome{false, text.message()};
        },
        [this, rows = selection.rowCount()](const TaskOutcome &outcome) {
            if (!outcome.ok) {
                reportTask(outcome.message, false);
                return;
            }
            QGuiApplication::clipboard()->setText(outcome.message);
            reportTask(tr("Copied %n row(s) as CSV.", nullptr, int(rows)), true);
        });
}

QList<int> DevicesPage::visibleColumns() const
{
    return DeviceColumnSettings::visibleColumns(m_table);
}

void DevicesPage::setVisibleColumns(const QList<int> &columns)
{
    DeviceColumnSettings::setVisibleColumns(m_table, columns);
    DeviceColumnSettings::save(m_table);
}

void DevicesPage::chooseColumns()
{
    auto *dialog = new ColumnChooserDialog(visibleColumns(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { setVisibleColumns(dialog->visibleColumns()); });
    dialog->open();
}

void DevicesPage::chooseImportFile()
{
    Prompts::openFile(this, tr("Import devices"),
                      tr("Device lists (*.csv *.json);;CSV files (*.csv);;JSON exports "
                         "(*.json);;All files (*)"),
                      [this](const QString &path) { importFile(path); });
}

void DevicesPage::importFile(const QString &path)
{
    if (!m_writable)
        return;
    if (QFileInfo(path).suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0) {
        importJson(path);
        return;
    }
    auto *dialog = new CsvImportDialog(m_session, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CsvImportDialog::imported, this, [this](qint64 created, qint64 updated) {
        reportTask(tr("Imported: %1 devices created, %2 updated.").arg(created).arg(updated), true);
        refresh();
    });
    dialog->setFile(path);
    dialog->open();
}

void DevicesPage::importJson(const QString &path)
{
    auto background = BackgroundSession::open(m_session);
    if (!background) {
        showError(background.message());
        return;
    }
    m_statusLabel->setText(tr("Importing %1…").arg(QFileInfo(path).fileName()));
    BackgroundTask::run(
        this,
        [session = background.value(), path] {
            auto report = JsonInventoryImporter::import(session->db(), session->audit(), path,
                                                        /*dryRun=*/false);
            if (!report)
                return TaskOutcome{false, report.message()};
            if (!report->committed) {
                QStringList lines = report->errors;
                constexpr int kShown = 20;
                if (lines.size() > kShown) {
                    const qsizetype more = lines.size() - kShown;
                    lines = lines.mid(0, kShown);
                    lines << tr("… and %1 more.").arg(more);
                }
                return TaskOutcome{
                    false, tr("Nothing was imported:\n%1").arg(lines.join(QLatin1Char('\n')))};
            }
            return TaskOutcome{true, tr("Imported %1 devices: %2 created, %3 updated.")
                                         .arg(report->devices)
                                         .arg(report->created)
                                         .arg(report->updated)};
        },
        [this](const TaskOutcome &outcome) {
            reportTask(outcome.message, outcome.ok);
            if (outcome.ok)
                refresh();
        });
}

void DevicesPage::chooseExportFile()
{
    Prompts::saveFile(this, tr("Export devices"), tr("CSV files (*.csv);;JSON files (*.json)"),
                      QStringLiteral("csv"), [this](const QString &path) { exportTo(path); });
}

void DevicesPage::exportTo(const QString &path)
{
    auto connection = m_session.workspace().openConnection();
    if (!connection) {
        showError(connection.message());
        return;
    }
    std::shared_ptr<SqliteDatabase> db(std::move(connection.value()));
    const bool json =
        QFileInfo(path).suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0;
    QStringList keys;
    for (int column : visibleColumns())
        keys << DeviceColumns::key(column);
    m_statusLabel->setText(tr("Exporting to %1…").arg(QFileInfo(path).fileName()));
    BackgroundTask::run(
        this,
        [db, path, json, keys, filter = m_model->filter()] {
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly))
                return TaskOutcome{false, tr("Cannot write %1: %2").arg(path, file.errorString())};
            auto written = InventoryExporter::write(*db, filter,
                                                    json ? InventoryExporter::Format::Json
                                                         : InventoryExporter::Format::Csv,
                                                    file, keys);
            if (!written)
                return TaskOutcome{false, written.message()};
            if (!file.commit())
                return TaskOutcome{false, tr("Cannot write %1: %2").arg(path, file.errorString())};
            return TaskOutcome{true, tr("Exported %1 devices to %2.")
                                         .arg(written.value())
                                         .arg(QFileInfo(path).fileName())};
        },
        [this](const TaskOutcome &outcome) { reportTask(outcome.message, outcome.ok); });
}

void DevicesPage::reportTask(const QString &message, bool ok)
{
    m_statusLabel->setText(ok ? message : QString());
    m_statusLabel->setToolTip(message);
    if (!ok)
        showError(message);
    emit taskFinished(message);
}

void DevicesPage::showError(const QString &message)
{
    MessageBoxes::showError(this, tr("Devices"), message);
}

} // namespace fleet
