#include "CsvImportDialog.h"

#include "common/BackgroundSession.h"
#include "common/Prompts.h"
#include "common/TableLook.h"
#include "inventory/DeviceColumns.h"
#include "storage/WorkspaceSession.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace fleet {

namespace {
constexpr int kPreviewRows = 20;
constexpr int kMappingRow = 0; // the first table row holds the mapping combos

QString fieldTitle(const QString &key)
{
    const int column = DeviceColumns::fromKey(key);
    return column >= 0 ? DeviceColumns::title(column) : key;
}
} // namespace

CsvImportDialog::CsvImportDialog(WorkspaceSession &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_fileLabel(new QLabel(tr("No file chosen."), this))
    , m_preview(new QTableWidget(this))
    , m_reason(new QLineEdit(this))
    , m_result(new QLabel(this))
    , m_errors(new QListWidget(this))
    , m_progressBar(new QProgressBar(this))
    , m_check(new QPushButton(tr("Check"), this))
    , m_import(new QPushButton(tr("Import"), this))
    , m_cancel(new QPushButton(tr("Cancel import"), this))
    , m_progressTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("csvImportDialog"));
    setWindowTitle(tr("Import devices from CSV"));
    m_fileLabel->setObjectName(QStringLiteral("fileLabel"));
    m_fileLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_preview->setObjectName(QStringLiteral("previewTable"));
    TableLook::apply(m_preview);
    m_preview->horizontalHeader()->setStretchLastSection(false);
    m_preview->setSelectionMode(QAbstractItemView::NoSelection);
    m_reason->setObjectName(QStringLiteral("reasonEdit"));
    m_reason->setPlaceholderText(tr("Optional — kept in the audit trail"));
    m_result->setObjectName(QStringLiteral("resultLabel"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errors->setObjectName(QStringLiteral("errorList"));
    m_errors->setVisible(false);
    m_progressBar->setObjectName(QStringLiteral("progressBar"));
    m_progressBar->setVisible(false);
    m_check->setObjectName(QStringLiteral("checkButton"));
    m_import->setObjectName(QStringLiteral("importButton"));
    m_cancel->setObjectName(QStringLiteral("cancelImportButton"));
    m_check->setToolTip(tr("Read the whole file and list every problem, without importing"));
    m_progressTimer->setInterval(100);

    auto *choose = new QPushButton(tr("Choose file…"), this);
    choose->setObjectName(QStringLiteral("chooseFileButton"));
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_fileLabel, 1);
    fileRow->addWidget(choose);

    auto *form = new QFormLayout;
    form->addRow(tr("Reason:"), m_reason);

    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *buttonRow = new QHBoxLayout;
    buttonRow->addWidget(m_check);
    buttonRow->addWidget(m_import);
    buttonRow->addWidget(m_cancel);
    buttonRow->addWidget(m_progressBar, 1);
    buttonRow->addWidget(close);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(fileRow);
    layout->addWidget(new QLabel(tr("Choose which device field each column fills "
                                    "(first %1 rows shown):")
                                     .arg(kPreviewRows),
                                 this));
    layout->addWidget(m_preview, 2);
    layout->addLayout(form);
    layout->addWidget(m_result);
    layout->addWidget(m_errors, 1);
    layout->addLayout(buttonRow);

    connect(choose, &QPushButton::clicked, this, &CsvImportDialog::chooseFile);
    connect(m_check, &QPushButton::clicked, this, &CsvImportDialog::check);
    connect(m_import, &QPushButton::clicked, this, &CsvImportDialog::startImport);
    connect(m_cancel, &QPushButton::clicked, this, &CsvImportDialog::cancelImport);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, &CsvImportDialog::onFinished);
    connect(m_progressTimer, &QTimer::timeout, this, [this] {
        const qint64 total = m_progress ? m_progress->total.load() : 0;
        if (total > 0) {
            m_progressBar->setRange(0, 1000);
            m_progressBar->setValue(int(m_progress->done.load() * 1000 / total));
        }
    });
    // Closing the dialog while importing cancels: nothing is written then.
    connect(this, &QDialog::rejected, this, &CsvImportDialog::cancelImport);
    resize(860, 560);
    updateButtons();
}

CsvImportDialog::~CsvImportDialog()
{
    // The task holds its own connection and state; stop it and let it finish.
    cancelImport();
    m_watcher.waitForFinished();
}

void CsvImportDialog::chooseFile()
{
    Prompts::openFile(this, tr("Import devices from CSV"),
                      tr("CSV files (*.csv *.txt);;All files (*)"),
                      [this](const QString &path) { setFile(path); });
}

void CsvImportDialog::setFile(const QString &path)
{
    m_path = path;
    m_fileLabel->setText(QFileInfo(path).fileName());
    m_fileLabel->setToolTip(path);
    m_result->clear();
    m_errors->clear();
    m_errors->setVisible(false);
    m_preview->clear();
    m_columns = 0;
    auto preview = CsvImporter::preview(path, kPreviewRows);
    if (!preview) {
        m_preview->setRowCount(0);
        m_preview->setColumnCount(0);
        m_result->setText(tr("Cannot read this file: %1").arg(preview.message()));
        updateButtons();
        return;
    }
    const CsvImportReport &report = preview.value();
    const CsvColumnMapping guessed = CsvColumnMapping::guess(report.header);
    m_columns = int(report.header.size());
    m_preview->setColumnCount(m_columns);
    m_preview->setRowCount(int(report.previewRows.size()) + 1);
    m_preview->setHorizontalHeaderLabels(report.header);
    m_preview->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_preview->verticalHeader()->setDefaultSectionSize(std::max(
        m_preview->verticalHeader()->defaultSectionSize(), QComboBox().sizeHint().height()));
    for (int column = 0; column < m_columns; ++column) {
        m_preview->setCellWidget(kMappingRow, column,
                                 makeMappingCombo(column, guessed.fieldForColumn.value(column)));
        m_preview->setColumnWidth(column, 150);
    }
    for (int row = 0; row < report.previewRows.size(); ++row) {
        const QStringList &cells = report.previewRows.at(row);
        for (int column = 0; column < m_columns; ++column)
            m_preview->setItem(row + 1, column, new QTableWidgetItem(cells.value(column)));
    }
    m_result->setText(tr("%1 columns. Check the mapping, then Check or Import.").arg(m_columns));
    updateButtons();
}

QComboBox *CsvImportDialog::makeMappingCombo(int column, const QString &field)
{
    auto *combo = new QComboBox(m_preview);
    combo->setObjectName(QStringLiteral("mapping-%1").arg(column));
    combo->addItem(tr("(ignore)"), QString());
    for (const QString &key : CsvColumnMapping::importableFields())
        combo->addItem(fieldTitle(key), key);
    combo->setCurrentIndex(std::max(0, combo->findData(field)));
    return combo;
}

CsvColumnMapping CsvImportDialog::mapping() const
{
    CsvColumnMapping m;
    for (int column = 0; column < m_columns; ++column) {
        auto *combo = qobject_cast<QComboBox *>(m_preview->cellWidget(kMappingRow, column));
        m.fieldForColumn << (combo ? combo->currentData().toString() : QString());
    }
    return m;
}

void CsvImportDialog::setFieldForColumn(int column, const QString &field)
{
    if (auto *combo = qobject_cast<QComboBox *>(m_preview->cellWidget(kMappingRow, column)))
        combo->setCurrentIndex(std::max(0, combo->findData(field)));
}

void CsvImportDialog::check()
{
    run(true);
}

void CsvImportDialog::startImport()
{
    run(false);
}

void CsvImportDialog::cancelImport()
{
    if (m_progress)
        m_progress->cancel = true;
}

void CsvImportDialog::run(bool dryRun)
{
    if (m_path.isEmpty() || isRunning())
        return;
    auto background = BackgroundSession::open(m_session);
    if (!background) {
        m_result->setText(
            tr("Cannot open the workspace for importing: %1").arg(background.message()));
        return;
    }
    CsvImporter::Options options;
    options.mapping = mapping();
    options.dryRun = dryRun;
    options.reason = m_reason->text().trimmed();
    m_progress = std::make_shared<Progress>();
    m_errors->clear();
    m_errors->setVisible(false);
    m_result->setText(dryRun ? tr("Checking…") : tr("Importing…"));
    m_progressBar->setRange(0, 0);
    m_progressBar->setVisible(true);
    m_progressTimer->start();
    m_watcher.setFuture(QtConcurrent::run(
        [session = background.value(), path = m_path, options, progress = m_progress] {
            Outcome outcome;
            outcome.dryRun = options.dryRun;
            auto report = CsvImporter::import(session->db(), session->audit(), path, options,
                                              [progress](qint64 done, qint64 total) {
                                                  progress->done = done;
                                                  progress->total = total;
                                                  return !progress->cancel.load();
                                              });
            if (report)
                outcome.report = std::move(report.value());
            else
                outcome.error = report.message();
            return outcome;
        }));
    updateButtons();
}

void CsvImportDialog::onFinished()
{
    m_progressTimer->stop();
    m_progressBar->setVisible(false);
    const Outcome outcome = m_watcher.result();
    showReport(outcome);
    updateButtons();
    emit finished(outcome.report.committed);
    if (outcome.report.committed)
        emit imported(outcome.report.created, outcome.report.updated);
}

void CsvImportDialog::showReport(const Outcome &outcome)
{
    const CsvImportReport &r = outcome.report;
    if (!outcome.error.isEmpty()) {
        m_result->setText(tr("Nothing was imported: %1").arg(outcome.error));
        return;
    }
    if (r.cancelled) {
        m_result->setText(tr("Cancelled. Nothing was imported."));
        return;
    }
    if (!r.errors.isEmpty()) {
        const qint64 problems = r.errors.size() + r.moreErrors;
        m_result->setText(outcome.dryRun
                              ? tr("%n problem(s) found in %1 rows. Fix them, then import.",
                                   nullptr, int(problems))
                                    .arg(r.rows)
                              : tr("Nothing was imported: %n problem(s) found in %1 rows.", nullptr,
                                   int(problems))
                                    .arg(r.rows));
        for (const CsvLineError &e : r.errors)
            m_errors->addItem(tr("Line %1: %2").arg(e.line).arg(e.message));
        if (r.moreErrors > 0)
            m_errors->addItem(tr("… and %n more problem(s).", nullptr, int(r.moreErrors)));
        m_errors->setVisible(true);
        return;
    }
    if (outcome.dryRun)
        m_result->setText(tr("No problems found. Importing %1 rows would create %2 devices and "
                             "update %3.")
                              .arg(r.rows)
                              .arg(r.created)
                              .arg(r.updated));
    else
        m_result->setText(tr("Imported %1 rows: %2 devices created, %3 updated.")
                              .arg(r.rows)
                              .arg(r.created)
                              .arg(r.updated));
}

void CsvImportDialog::updateButtons()
{
    const bool running = isRunning();
    const bool ready = !m_path.isEmpty() && m_columns > 0 && !running;
    m_check->setEnabled(ready);
    m_import->setEnabled(ready && !m_session.workspace().isReadOnly());
    m_cancel->setVisible(running);
    m_preview->setEnabled(!running);
}

} // namespace fleet
