#include "UpdateServerController.h"

#include "UpdateServerDialog.h"
#include "common/BackgroundSession.h"
#include "ddi/DdiServer.h"
#include "ddi/UpdateServerSettings.h"
#include "storage/WorkspaceSession.h"
#include "tls/ServerTlsIdentity.h"

#include <QAction>
#include <QLoggingCategory>
#include <QWidget>

namespace fleet {

namespace {
Q_LOGGING_CATEGORY(lcUpdateServerUi, "fleet.ui.updateserver")
constexpr int kCountersIntervalMs = 2000;
} // namespace

UpdateServerController::UpdateServerController(WorkspaceSession &session, QWidget *window)
    : QObject(window)
    , m_session(session)
    , m_window(window)
    , m_settingsAction(new QAction(tr("&Update server…"), this))
    , m_startAction(new QAction(tr("&Start update server"), this))
    , m_stopAction(new QAction(tr("S&top update server"), this))
{
    m_settingsAction->setObjectName(QStringLiteral("updateServerSettingsAction"));
    m_startAction->setObjectName(QStringLiteral("startUpdateServerAction"));
    m_stopAction->setObjectName(QStringLiteral("stopUpdateServerAction"));
    m_startAction->setToolTip(tr("Serve firmware to DDI devices (SWUpdate, "
                                 "rauc-hawkbit-updater) from this workspace"));
    connect(m_settingsAction, &QAction::triggered, this, [this] { openSettings(); });
    connect(m_startAction, &QAction::triggered, this, &UpdateServerController::start);
    connect(m_stopAction, &QAction::triggered, this, &UpdateServerController::stop);
    m_countersTimer.setInterval(kCountersIntervalMs);
    connect(&m_countersTimer, &QTimer::timeout, this, &UpdateServerController::refreshCounters);
    m_thread.setObjectName(QStringLiteral("UpdateServer"));
    updateActions();
}

UpdateServerController::~UpdateServerController()
{
    // The dialog uses this controller and its session, which go away (another workspace).
    delete m_dialog;
    m_countersTimer.stop();
    if (!m_thread.isRunning())
        return;
    // Stops the server (it writes the poll times it noted) before the session goes away. The
    // only wait on the server thread: the window is closing.
    QMetaObject::invokeMethod(
        m_threadContext,
        [this] {
            delete m_server;
            m_server = nullptr;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_threadContext;
}

void UpdateServerController::ensureThread()
{
    if (m_thread.isRunning())
        return;
    if (!m_threadContext) {
        m_threadContext = new QObject;
        m_threadContext->moveToThread(&m_thread);
    }
    m_thread.start();
}

UpdateServerDialog *UpdateServerController::openSettings()
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return m_dialog;
    }
    m_dialog = new UpdateServerDialog(m_session, *this, m_window);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog->show();
    return m_dialog;
}

void UpdateServerController::startIfEnabled()
{
    auto settings = UpdateServerSettingsStore(m_session.db(), m_session.audit()).load();
    if (!settings) {
        emit message(settings.message());
        return;
    }
    if (settings->enabled)
        start();
}

void UpdateServerController::start()
{
    if (m_state != State::Stopped)
        return;
    if (m_session.workspace().isReadOnly()) {
        m_lastError = tr("The workspace is read-only: the update server records what devices "
                         "report and cannot run on it.");
        emit message(m_lastError);
        emit stateChanged();
        return;
    }
    // One row of workspace_settings: quick enough for the GUI thread.
    auto settings = UpdateServerSettingsStore(m_session.db(), m_session.audit()).load();
    if (!settings) {
        m_lastError = settings.message();
        emit message(m_lastError);
        emit stateChanged();
        return;
    }
    auto options = settings->serverOptions();
    if (!options) {
        m_lastError = tr("The update server settings are not valid: %1").arg(options.message());
        emit message(m_lastError);
        emit stateChanged();
        return;
    }
    // Devices that reach the server by its public URL check the certificate against that host
    // (checked with the settings for HTTPS; plain HTTP needs no certificate).
    auto publicNames = settings->certificateNames();
    const ServerNames extraNames = publicNames ? publicNames.value() : ServerNames{};
    // The certificate is created and audited on a connection of the server thread's own.
    std::shared_ptr<BackgroundSession> background;
    if (!options->plainHttp) {
        auto opened = BackgroundSession::open(m_session);
        if (!opened) {
            m_lastError = tr("Cannot open the workspace: %1").arg(opened.message());
            emit message(m_lastError);
            emit stateChanged();
            return;
        }
        background = opened.value();
    }
    m_lastError.clear();
    m_plainHttp = options->plainHttp;
    m_counters = {};
    setState(State::Starting);
    ensureThread();
    const QString path = m_session.workspace().path();
    const Clock *clock = &m_session.clock();
    QMetaObject::invokeMethod(
        m_threadContext,
        [this, options = options.value(), background, path, clock, extraNames]() mutable {
            StartOutcome outcome;
            if (background) {
                ServerTlsIdentity identity(background->db(), background->audit(), path);
                auto ensured =
                    identity.ensure(ServerNames::forThisMachine().unitedWith(extraNames));
                auto loaded =
                    ensured ? identity.load() : Result<ServerTlsIdentity::Loaded>(ensured.error());
                if (!loaded) {
                    outcome.error =
                        tr("The server certificate is not usable: %1").arg(loaded.message());
                    QMetaObject::invokeMethod(this, [this, outcome] { finishStart(outcome); });
                    return;
                }
                if (ensured->issuedServerCertificate)
                    outcome.note = tr("Issued a server certificate from the workspace's local "
                                      "CA (%1).")
                                       .arg(ensured->reason);
                if (!ensured->warning.isEmpty())
                    outcome.note = ensured->warning;
                options.certificate = loaded->certificate;
                options.chain = loaded->chain;
                options.privateKey = loaded->key;
            }
            auto *server = new DdiServer(path, *clock);
            connect(server, &DdiServer::errorOccurred, this, [this](const QString &problem) {
                m_lastError = problem;
                qCWarning(lcUpdateServerUi).noquote() << problem;
                emit stateChanged();
            });
            if (Status s = server->start(options); !s) {
                delete server;
                outcome.error = s.message();
            } else {
                m_server = server;
                outcome.ok = true;
                outcome.url = server->url();
                outcome.port = server->port();
            }
            QMetaObject::invokeMethod(this, [this, outcome] { finishStart(outcome); });
        },
        Qt::QueuedConnection);
}

void UpdateServerController::finishStart(const StartOutcome &outcome)
{
    if (!outcome.ok) {
        m_lastError = tr("The update server did not start: %1").arg(outcome.error);
        qCWarning(lcUpdateServerUi).noquote() << m_lastError;
        emit message(m_lastError);
        setState(State::Stopped);
        return;
    }
    m_url = outcome.url;
    m_port = outcome.port;
    if (!outcome.note.isEmpty())
        emit message(outcome.note);
    m_countersTimer.start();
    setState(State::Listening);
}

void UpdateServerController::stop()
{
    if (m_state != State::Listening)
        return;
    m_countersTimer.stop();
    setState(State::Stopping);
    QMetaObject::invokeMethod(
        m_threadContext,
        [this] {
            delete m_server; // stops it and writes the poll times it noted
            m_server = nullptr;
            QMetaObject::invokeMethod(this, [this] { finishStop(); });
        },
        Qt::QueuedConnection);
}

void UpdateServerController::finishStop()
{
    m_url.clear();
    m_port = 0;
    setState(State::Stopped);
}

void UpdateServerController::refreshCounters()
{
    if (m_state != State::Listening)
        return;
    QMetaObject::invokeMethod(
        m_threadContext,
        [this] {
            const HttpServerCounters counters =
                m_server ? m_server->counters() : HttpServerCounters{};
            QMetaObject::invokeMethod(this, [this, counters] {
                m_counters = counters;
                emit countersChanged();
            });
        },
        Qt::QueuedConnection);
}

void UpdateServerController::setState(State state)
{
    m_state = state;
    updateActions();
    emit stateChanged();
}

void UpdateServerController::updateActions()
{
    m_startAction->setEnabled(m_state == State::Stopped && !m_session.workspace().isReadOnly());
    m_stopAction->setEnabled(m_state == State::Listening);
}

} // namespace fleet
