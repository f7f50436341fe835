#include "AuditPage.h"

#include "AuditFilterBar.h"
#include "AuditTableModel.h"
#include "audit/AuditVerifier.h"
#include "common/BackgroundTask.h"
#include "common/MessageBoxes.h"
#include "common/Prompts.h"
#include "common/TableLook.h"
#include "storage/SqliteDatabase.h"
#include "storage/WorkspaceSession.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSaveFile>
#include <QTableView>
#include <QVBoxLayout>

namespace fleet {

namespace {
struct VerifyOutcome
{
    bool intact = false;
    QString text;
};
struct ExportOutcome
{
    bool ok = false;
    QString message;
};
} // namespace

AuditPage::AuditPage(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new AuditTableModel(session.workspace(), this))
    , m_filterBar(new AuditFilterBar(this))
    , m_table(new QTableView(this))
    , m_countLabel(new QLabel(this))
    , m_verifyResult(new QLabel(this))
    , m_exportResult(new QLabel(this))
    , m_verify(new QPushButton(tr("Verify chain"), this))
{
    setObjectName(QStringLiteral("auditPage"));
    m_table->setObjectName(QStringLiteral("auditTable"));
    m_table->setModel(m_model);
    TableLook::apply(m_table);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    const QList<QPair<int, int>> widths = {
        {AuditTableModel::Time, 140},     {AuditTableModel::Operator, 120},
        {AuditTableModel::OsUser, 90},    {AuditTableModel::Host, 100},
        {AuditTableModel::Action, 150},   {AuditTableModel::ObjectType, 85},
        {AuditTableModel::ObjectId, 120}, {AuditTableModel::Reason, 160},
        {AuditTableModel::Before, 160},   {AuditTableModel::After, 160},
    };
    for (const auto &[column, width] : widths)
        m_table->setColumnWidth(column, width);

    m_countLabel->setObjectName(QStringLiteral("auditCountLabel"));
    m_verifyResult->setObjectName(QStringLiteral("verifyResult"));
    m_verifyResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verifyResult->setWordWrap(true);
    m_exportResult->setObjectName(QStringLiteral("exportResult"));
    m_verify->setObjectName(QStringLiteral("verifyButton"));
    m_verify->setToolTip(tr("Recompute every entry's hash and compare the chain with its "
                            "external head"));
    auto *exportCsv = new QPushButton(tr("Export CSV…"), this);
    exportCsv->setObjectName(QStringLiteral("exportCsvButton"));
    auto *exportJson = new QPushButton(tr("Export JSON…"), this);
    exportJson->setObjectName(QStringLiteral("exportJsonButton"));

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_verify);
    actions->addWidget(m_verifyResult, 1);
    actions->addWidget(exportCsv);
    actions->addWidget(exportJson);
    auto *status = new QHBoxLayout;
    status->addWidget(m_exportResult, 1);
    status->addWidget(m_countLabel);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_filterBar);
    layout->addLayout(actions);
    layout->addWidget(m_table, 1);
    layout->addLayout(status);

    connect(m_filterBar, &AuditFilterBar::filterChanged, m_model, &AuditTableModel::setFilter);
    connect(m_model, &AuditTableModel::countChanged, this, &AuditPage::updateCountLabel);
    connect(m_model, &AuditTableModel::loadingChanged, this, &AuditPage::updateCountLabel);
    connect(m_model, &AuditTableModel::queryFailed, this, [this](const QString &message) {
        MessageBoxes::showError(this, tr("Audit trail"), message);
    });
    connect(m_verify, &QPushButton::clicked, this, &AuditPage::verifyChain);
    connect(exportCsv, &QPushButton::clicked, this,
            [this] { chooseExportFile(AuditQuery::Format::Csv); });
    connect(exportJson, &QPushButton::clicked, this,
            [this] { chooseExportFile(AuditQuery::Format::Json); });
    m_model->setFilter(m_filterBar->filter());
}

void AuditPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Other pages write to the trail; coming here shows their entries.
    m_model->refresh();
}

void AuditPage::refresh()
{
    m_model->refresh();
}

void AuditPage::updateCountLabel()
{
    QString text = tr("%1 entries").arg(QLocale().toString(m_model->count()));
    if (m_model->isLoading())
        text += tr(" — loading…");
    m_countLabel->setText(text);
}

void AuditPage::verifyChain()
{
    auto connection = m_session.workspace().openConnection();
    if (!connection) {
        showVerifyResult(false, connection.message());
        return;
    }
    std::shared_ptr<SqliteDatabase> db(std::move(connection.value()));
    m_verify->setEnabled(false);
    m_verifyResult->setStyleSheet(QString());
    m_verifyResult->setText(tr("Verifying…"));
    BackgroundTask::run(
        this,
        [db, headPath = m_session.workspace().auditHeadPath()] {
            auto v = AuditVerifier::verify(*db, headPath);
            if (!v)
                return VerifyOutcome{false, tr("Cannot verify: %1").arg(v.message())};
            if (!v->intact)
                return VerifyOutcome{
                    false, tr("Broken at entry %1: %2").arg(v->firstBrokenSeq).arg(v->problem)};
            QString text = tr("Audit trail intact: %1 entries").arg(v->entries);
            if (!v->anchored)
                text += tr(" (no external head anchor, so a cut-off tail cannot be ruled out)");
            for (const QString &warning : v->warnings)
                text += QStringLiteral("\n") + warning;
            return VerifyOutcome{true, text};
        },
        [this](const VerifyOutcome &outcome) {
            m_verify->setEnabled(true);
            showVerifyResult(outcome.intact, outcome.text);
        });
}

void AuditPage::showVerifyResult(bool intact, const QString &text)
{
    m_verifyResult->setText(text);
    m_verifyResult->setStyleSheet(intact ? QStringLiteral("color: #1e7a34; font-weight: bold;")
                                         : QStringLiteral("color: #b3261e; font-weight: bold;"));
    emit verified(intact, text);
}

void AuditPage::chooseExportFile(AuditQuery::Format format)
{
    const bool csv = format == AuditQuery::Format::Csv;
    Prompts::saveFile(this, tr("Export audit trail"),
                      csv ? tr("CSV files (*.csv)") : tr("JSON files (*.json)"),
                      csv ? QStringLiteral("csv") : QStringLiteral("json"),
                      [this, format](const QString &path) { exportTo(path, format); });
}

void AuditPage::exportTo(const QString &path, AuditQuery::Format format)
{
    auto connection = m_session.workspace().openConnection();
    if (!connection) {
        MessageBoxes::showError(this, tr("Export audit trail"), connection.message());
        return;
    }
    std::shared_ptr<SqliteDatabase> db(std::move(connection.value()));
    m_exportResult->setText(tr("Exporting…"));
    BackgroundTask::run(
        this,
        [db, path, format, filter = m_model->filter()] {
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly))
                return ExportOutcome{false,
                                     tr("Cannot write %1: %2").arg(path, file.errorString())};
            auto written = AuditQuery::exportTo(*db, filter, format, file);
            if (!written)
                return ExportOutcome{false, written.message()};
            if (!file.commit())
                return ExportOutcome{false,
                                     tr("Cannot write %1: %2").arg(path, file.errorString())};
            return ExportOutcome{true, tr("Exported %1 entries to %2.")
                                           .arg(written.value())
                                           .arg(QFileInfo(path).fileName())};
        },
        [this](const ExportOutcome &outcome) {
            m_exportResult->setText(outcome.ok ? outcome.message : QString());
            if (!outcome.ok)
                MessageBoxes::showError(this, tr("Export audit trail"), outcome.message);
            emit exported(outcome.message);
        });
}

} // namespace fleet
