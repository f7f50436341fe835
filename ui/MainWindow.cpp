#include "MainWindow.h"

#include "audit/AuditPage.h"
#include "common/BackgroundTask.h"
#include "common/Icons.h"
#include "common/MessageBoxes.h"
#include "common/OperatorSettings.h"
#include "common/PlaceholderPage.h"
#include "common/Prompts.h"
#include "devices/DevicesPage.h"
#include "firmware/FirmwarePage.h"
#include "rollout/RolloutEngineThread.h"
#include "rollouts/RolloutsPage.h"
#include "settings/ConnectionController.h"
#include "settings/ConnectionStatusLabel.h"
#include "settings/KeychainSecretStore.h"
#include "settings/UpdateServerController.h"
#include "settings/UpdateServerStatusLabel.h"
#include "storage/SqliteDatabase.h"
#include "storage/WorkspaceBackup.h"
#include "storage/WorkspaceSession.h"
#include "util/Clock.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>
#include <utility>

namespace fleet {

namespace {
const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");

struct BackupOutcome
{
    bool ok = false;
    QString message;
};
} // namespace

MainWindow::MainWindow(WorkspaceSession &session, QWidget *parent)
    : MainWindow(session, std::make_unique<KeychainSecretStore>(), parent)
{}

MainWindow::MainWindow(WorkspaceSession &session, std::unique_ptr<SecretStore> secrets,
                       QWidget *parent)
    : QMainWindow(parent)
    , m_pathLabel(new QLabel(this))
    , m_countLabel(new QLabel(this))
    , m_operatorLabel(new QLabel(this))
    , m_secrets(std::move(secrets))
    , m_connectionStatus(new ConnectionStatusLabel(this))
    , m_updateServerStatus(new UpdateServerStatusLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    m_pathLabel->setObjectName(QStringLiteral("workspacePathLabel"));
    m_countLabel->setObjectName(QStringLiteral("deviceCountLabel"));
    m_operatorLabel->setObjectName(QStringLiteral("operatorLabel"));
    statusBar()->addWidget(m_pathLabel, 1);
    statusBar()->addPermanentWidget(m_connectionStatus);
    statusBar()->addPermanentWidget(m_updateServerStatus);
    statusBar()->addPermanentWidget(m_countLabel);
    statusBar()->addPermanentWidget(m_operatorLabel);

    installSession(session);

    QSettings settings;
    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray()))
        resize(1600, 940);
    restoreState(settings.value(kStateKey).toByteArray());
}

MainWindow::~MainWindow()
{
    // The MQTT engine writes into the session's workspace: it stops (and flushes) first.
    m_connectionStatus->setEngine(nullptr);
    delete m_connection;
    m_connection = nullptr;
    // The update server writes into the workspace too: it stops (and flushes) before it.
    m_updateServerStatus->setController(nullptr);
    delete m_updateServer;
    m_updateServer = nullptr;
    // The pages use the session: they go first.
    delete centralWidget();
}

void MainWindow::installSession(WorkspaceSession &session)
{
    // The connection and the pages of a previous workspace go before the session they use.
    m_connectionStatus->setEngine(nullptr);
    delete m_connection;
    m_connection = nullptr;
    m_updateServerStatus->setController(nullptr);
    delete m_updateServer;
    m_updateServer = nullptr;
    delete m_rolloutEngine; // joins its thread and gives the engine lease back
    m_rolloutEngine = nullptr;
    delete takeCentralWidget();
    m_session = &session;
    setWindowTitle(tr("Fleetdesk — %1").arg(session.workspace().path()));

    auto *central = new QWidget(this);
    m_banner = new QLabel(central);
    m_banner->setObjectName(QStringLiteral("workspaceBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setContentsMargins(10, 6, 10, 6);
    const QString warning = session.workspace().warning();
    if (session.workspace().isIntegrityCheckPending()) {
        m_banner->setText(tr("Checking the workspace's integrity… Changes are possible once the "
                             "check has passed."));
        m_banner->setStyleSheet(
            QStringLiteral("background: #e8f0fb; color: #1d3b66; border: 1px solid #a9c1e6;"));
    } else if (session.workspace().isReadOnly()) {
        m_banner->setText(
            tr("Read-only: %1 Nothing can be changed in this workspace.")
                .arg(warning.isEmpty() ? tr("the workspace was opened read-only.") : warning));
        m_banner->setStyleSheet(QStringLiteral(
            "background: #fde7e4; color: #7a1a12; border: 1px solid #e0a39b; font-weight: bold;"));
    } else if (!warning.isEmpty()) {
        m_banner->setText(warning);
        m_banner->setStyleSheet(
            QStringLiteral("background: #fff6d6; color: #5c4400; border: 1px solid #e6cf7a;"));
    }
    m_banner->setVisible(!m_banner->text().isEmpty());

    m_navigation = new QListWidget(central);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setIconSize(QSize(20, 20));
    m_navigation->setSpacing(2);
    m_sections = new QStackedWidget(central);
    m_sections->setObjectName(QStringLiteral("sections"));

    m_devicesPage = new DevicesPage(session, m_sections);
    m_connection = new ConnectionController(session, *m_secrets, this);
    m_connectionStatus->setEngine(&m_connection->engine());
    connect(
        &m_connection->engine(), &MqttEngine::batchCommitted, m_devicesPage,
        [page = m_devicesPage](int, const QList<qint64> &ids) { page->scheduleLiveRefresh(ids); });
    connect(m_connection, &ConnectionController::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 10000); });
    m_updateServer = new UpdateServerController(session, this);
    m_updateServerStatus->setController(m_updateServer);
    connect(m_updateServer, &UpdateServerController::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 10000); });
    // The rollout engine runs wherever the workspace is open for writing (here, or in
    // `fleetctl serve`: the lease lets one of them work). Not before the integrity check has
    // passed: the session is installed again then, writable.
    if (!session.workspace().isReadOnly()) {
        RolloutEngineRunner::Options options;
        options.holder = QStringLiteral("Fleetdesk window");
        m_rolloutEngine =
            new RolloutEngineThread(session.workspace().path(), session.clock(), options, this);
        connect(m_rolloutEngine, &RolloutEngineThread::problem, this,
                [this](const QString &text) { statusBar()->showMessage(text, 10000); });
        m_rolloutEngine->start();
    }
    m_auditPage = new AuditPage(session, m_sections);
    m_firmwarePage = new FirmwarePage(session, m_sections);
    const QString notBuilt = tr("Not built yet.");
    struct SectionSpec
    {
        QString title;
        QIcon icon;
        QWidget *page;
    };
    const QList<SectionSpec> sections = {
        {tr("Devices"), Icons::themed(QStringLiteral("computer"), QStyle::SP_ComputerIcon),
         m_devicesPage},
        {tr("Firmware"),
         Icons::themed(QStringLiteral("system-software-update"), QStyle::SP_DriveFDIcon),
         m_firmwarePage},
        {tr("Rollouts"),
         Icons::themed(QStringLiteral("media-playback-start"), QStyle::SP_MediaPlay),
         new RolloutsPage(session, m_sections)},
        {tr("Vulnerabilities"),
         Icons::themed(QStringLiteral("security-medium"), QStyle::SP_MessageBoxWarning),
         new PlaceholderPage(tr("Vulnerabilities"),
                             notBuilt + QLatin1Char('\n') +
                                 tr("It will match each device's SBOM against published "
                                    "vulnerabilities and list the devices affected."),
                             m_sections)},
        {tr("Compliance"),
         Icons::themed(QStringLiteral("checkbox-checked"), QStyle::SP_DialogApplyButton),
         new PlaceholderPage(tr("Compliance"),
                             notBuilt + QLatin1Char('\n') +
                                 tr("It will check the fleet against policies (supported "
                                    "firmware, configuration baselines) and report deviations."),
                             m_sections)},
        {tr("Lab bench"),
         Icons::themed(QStringLiteral("utilities-terminal"), QStyle::SP_DesktopIcon),
         new PlaceholderPage(tr("Lab bench"),
                             notBuilt + QLatin1Char('\n') +
                                 tr("It will talk to devices on the bench over a serial line to "
                                    "flash, provision and diagnose them."),
                             m_sections)},
        {tr("Audit"),
         Icons::themed(QStringLiteral("document-properties"), QStyle::SP_FileDialogDetailedView),
         m_auditPage},
    };
    for (const SectionSpec &spec : sections) {
        new QListWidgetItem(spec.icon, spec.title, m_navigation);
        m_sections->addWidget(spec.page);
    }
    const int width = m_navigation->sizeHintForColumn(0) + 2 * m_navigation->frameWidth() + 16;
    m_navigation->setFixedWidth(std::max(width, 150));
    connect(m_navigation, &QListWidget::currentRowChanged, m_sections,
            &QStackedWidget::setCurrentIndex);
    m_navigation->setCurrentRow(Devices);

    auto *body = new QHBoxLayout;
    body->setContentsMargins(0, 0, 0, 0);
    body->addWidget(m_navigation);
    body->addWidget(m_sections, 1);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_banner);
    layout->addLayout(body, 1);
    setCentralWidget(central);

    connect(m_devicesPage, &DevicesPage::totalDevicesChanged, this, &MainWindow::updateDeviceCount);
    connect(m_devicesPage, &DevicesPage::taskFinished, this,
            [this](const QString &message) { statusBar()->showMessage(message, 8000); });
    buildMenus();
    updateStatus();
    if (session.workspace().isIntegrityCheckPending())
        startIntegrityCheck();
}

void MainWindow::startIntegrityCheck()
{
    // quick_check reads the whole file (seconds at a million devices): it runs on its own
    // read-only connection while the table already shows the workspace.
    const QString path = m_session->workspace().path();
    WorkspaceSession *checked = m_session;
    BackgroundTask::run(
        this,
        [path] {
            auto db = SqliteDatabase::open(path, SqliteDatabase::Access::ReadOnly);
            if (!db)
                return QStringList{db.message()};
            auto problems = Workspace::check(*db.value(), false);
            return problems.ok() ? problems.value() : QStringList{problems.message()};
        },
        [this, checked](const QStringList &problems) {
            if (m_session != checked) // another workspace was opened meanwhile
                return;
            m_session->workspace().completeIntegrityCheck(problems);
            // Pages decide what they offer from the workspace's writability: rebuild them.
            const Section section = currentSection();
            installSession(*m_session);
            showSection(section);
            if (std::exchange(m_startUpdateServerWhenChecked, false) && problems.isEmpty())
                m_updateServer->startIfEnabled();
            if (std::exchange(m_connectWhenChecked, false) && problems.isEmpty() && m_connection)
                m_connection->connectIfActiveProfile();
            emit integrityCheckFinished(problems.isEmpty());
        });
}

void MainWindow::buildMenus()
{
    menuBar()->clear();
    const bool writable = !m_session->workspace().isReadOnly();

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(Icons::themed(QStringLiteral("document-open"), QStyle::SP_DialogOpenButton),
                    tr("&Open workspace…"), QKeySequence::Open, this,
                    [this] { askForWorkspace(false); });
    file->addAction(Icons::themed(QStringLiteral("document-new"), QStyle::SP_FileIcon),
                    tr("&New workspace…"), QKeySequence::New, this,
                    [this] { askForWorkspace(true); });
    file->addSeparator();
    file->addAction(m_devicesPage->importAction());
    file->addAction(m_devicesPage->exportAction());
    file->addSeparator();
    file->addAction(Icons::themed(QStringLiteral("document-save-as"), QStyle::SP_DialogSaveButton),
                    tr("&Back up workspace…"), this, &MainWindow::askForBackupFile);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_devicesPage->copyAction());
    edit->addAction(m_devicesPage->selectAllAction());

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_devicesPage->columnsAction());

    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    QAction *setOperator =
        tools->addAction(tr("Set &operator name…"), this, &MainWindow::askForOperatorName);
    setOperator->setEnabled(writable);
    tools->addAction(tr("&Verify audit trail"), this, &MainWindow::verifyAuditTrail);

    QMenu *settingsMenu = menuBar()->addMenu(tr("&Settings"));
    settingsMenu->addAction(m_connection->settingsAction());
    settingsMenu->addSeparator();
    settingsMenu->addAction(m_connection->connectAction());
    settingsMenu->addAction(m_connection->disconnectAction());
    settingsMenu->addSeparator();
    settingsMenu->addAction(m_updateServer->settingsAction());
    settingsMenu->addAction(m_updateServer->startAction());
    settingsMenu->addAction(m_updateServer->stopAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Fleetdesk"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::connectToBrokerIfActive()
{
    if (m_session->workspace().isIntegrityCheckPending())
        m_connectWhenChecked = true;
    else if (m_connection)
        m_connection->connectIfActiveProfile();
}

void MainWindow::startUpdateServerIfEnabled()
{
    if (m_session->workspace().isIntegrityCheckPending())
        m_startUpdateServerWhenChecked = true;
    else
        m_updateServer->startIfEnabled();
}

void MainWindow::showSection(Section section)
{
    m_navigation->setCurrentRow(section);
}

MainWindow::Section MainWindow::currentSection() const
{
    return Section(m_sections->currentIndex());
}

QWidget *MainWindow::sectionWidget(Section section) const
{
    return m_sections->widget(section);
}

void MainWindow::updateStatus()
{
    m_pathLabel->setText(m_session->workspace().isReadOnly()
                             ? tr("%1 (read-only)").arg(m_session->workspace().path())
                             : m_session->workspace().path());
    m_pathLabel->setToolTip(m_session->workspace().path());
    m_operatorLabel->setText(tr("Operator: %1").arg(m_session->audit().actor().operatorName));
    m_operatorLabel->setToolTip(
        tr("Recorded in the audit trail with OS user %1 on %2")
            .arg(m_session->audit().actor().osUser, m_session->audit().actor().host));
}

void MainWindow::updateDeviceCount(qint64 total)
{
    m_countLabel->setText(tr("%1 devices").arg(QLocale().toString(total)));
}

bool MainWindow::openWorkspace(const QString &path, bool create)
{
    Workspace::OpenOptions options;
    options.create = create;
    options.deferIntegrityCheck = true;
    auto session =
        WorkspaceSession::open(path, options, SystemClock::instance(), m_session->audit().actor());
    if (!session) {
        MessageBoxes::showError(this, tr("Open workspace"),
                                tr("Cannot open %1:\n%2").arg(path, session.message()));
        return false;
    }
    m_startUpdateServerWhenChecked = false; // that was for the workspace opened at launch
    // The old pages still use the old session: install (which deletes them) before freeing it.
    std::unique_ptr<WorkspaceSession> previous = std::move(m_ownedSession);
    m_ownedSession = std::move(session.value());
    installSession(*m_ownedSession);
    previous.reset();
    emit workspaceChanged(path);
    return true;
}

void MainWindow::askForWorkspace(bool create)
{
    const QString filter = tr("Fleetdesk workspaces (*.fleetdesk);;All files (*)");
    if (create)
        Prompts::saveFile(this, tr("New workspace"), filter, QStringLiteral("fleetdesk"),
                          [this](const QString &path) { openWorkspace(path, true); });
    else
        Prompts::openFile(this, tr("Open workspace"), filter,
                          [this](const QString &path) { openWorkspace(path, false); });
}

void MainWindow::askForBackupFile()
{
    Prompts::saveFile(this, tr("Back up workspace"),
                      tr("Fleetdesk workspaces (*.fleetdesk);;All files (*)"),
                      QStringLiteral("fleetdesk"), [this](const QString &path) { backUpTo(path); });
}

void MainWindow::backUpTo(const QString &path)
{
    auto connection = m_session->workspace().openConnection();
    if (!connection) {
        MessageBoxes::showError(this, tr("Back up workspace"), connection.message());
        return;
    }
    std::shared_ptr<SqliteDatabase> db(std::move(connection.value()));
    statusBar()->showMessage(tr("Backing up to %1…").arg(path));
    BackgroundTask::run(
        this,
        [db, source = m_session->workspace().path(), path] {
            if (Status s = WorkspaceBackup::run(*db, source, path); !s)
                return BackupOutcome{false, s.message()};
            return BackupOutcome{true, tr("Backed up to %1.").arg(path)};
        },
        [this](const BackupOutcome &outcome) {
            if (outcome.ok)
                statusBar()->showMessage(outcome.message, 10000);
            else
                MessageBoxes::showError(this, tr("Back up workspace"), outcome.message);
            emit backupFinished(outcome.ok, outcome.message);
        });
}

void MainWindow::askForOperatorName()
{
    Prompts::askText(this, QStringLiteral("operatorPrompt"), tr("Operator name"),
                     tr("Your name, recorded in the audit trail with every change you make:"),
                     m_session->audit().actor().operatorName,
                     [this](const QString &name) { setOperatorName(name); });
}

void MainWindow::setOperatorName(const QString &name)
{
    m_session->audit().setActor(Actor::current(name));
    OperatorSettings::save(name);
    updateStatus();
}

void MainWindow::verifyAuditTrail()
{
    showSection(Audit);
    m_auditPage->verifyChain();
}

void MainWindow::showAbout()
{
    auto *box = new QMessageBox(this);
    box->setObjectName(QStringLiteral("aboutBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(tr("About Fleetdesk"));
    box->setIconPixmap(windowIcon().pixmap(64, 64));
    box->setText(tr("<h3>Fleetdesk %1</h3>"
                    "<p>Keep IoT device fleets inventoried, updated, patched and compliant.</p>"
                    "<p>Fleetdesk is free software: you can redistribute it and/or modify it "
                    "under the terms of the GNU General Public License as published by the Free "
                    "Software Foundation, either version 3 of the License, or (at your option) "
                    "any later version (GPL-3.0-or-later).</p>"
                    "<p>Built with Qt %2.</p>")
                     .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
    box->open();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    QMainWindow::closeEvent(event);
}

} // namespace fleet
