#include "ConnectionController.h"

#include "BrokerSettingsDialog.h"
#include "common/Prompts.h"
#include "settings/BrokerProfileStore.h"
#include "settings/SecretStore.h"
#include "storage/WorkspaceSession.h"

#include <QAction>
#include <QInputDialog>
#include <QLineEdit>
#include <QWidget>

namespace fleet {

ConnectionController::ConnectionController(WorkspaceSession &session, SecretStore &secrets,
                                           QWidget *window)
    : QObject(window)
    , m_session(session)
    , m_secrets(secrets)
    , m_window(window)
    , m_engine(std::make_unique<MqttEngine>(session.workspace(), session.clock()))
    , m_settingsAction(new QAction(tr("&Broker settings…"), this))
    , m_connectAction(new QAction(tr("&Connect to broker"), this))
    , m_disconnectAction(new QAction(tr("&Disconnect from broker"), this))
{
    m_settingsAction->setObjectName(QStringLiteral("brokerSettingsAction"));
    m_connectAction->setObjectName(QStringLiteral("connectAction"));
    m_disconnectAction->setObjectName(QStringLiteral("disconnectAction"));
    m_connectAction->setToolTip(tr("Connect to the workspace's active MQTT broker and take in "
                                   "what devices report"));
    connect(m_settingsAction, &QAction::triggered, this, [this] { openSettings(); });
    connect(m_connectAction, &QAction::triggered, this,
            &ConnectionController::connectToActiveProfile);
    connect(m_disconnectAction, &QAction::triggered, this,
            &ConnectionController::disconnectFromBroker);
    connect(m_engine.get(), &MqttEngine::stateChanged, this, &ConnectionController::updateActions);
    connect(m_engine.get(), &MqttEngine::stopped, this, [this](const QString &problem) {
        if (!problem.isEmpty())
            emit message(problem);
        updateActions();
    });
    updateActions();
}

ConnectionController::~ConnectionController()
{
    // Writes what the ingest still holds before the session (and its file) goes away.
    if (Status stopped = m_engine->stop(); !stopped)
        qWarning("%s", qUtf8Printable(stopped.message()));
}

BrokerSettingsDialog *ConnectionController::openSettings()
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return m_dialog;
    }
    m_dialog = new BrokerSettingsDialog(m_session, m_secrets, m_window);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog->setWritable(!m_session.workspace().isReadOnly());
    m_dialog->show();
    return m_dialog;
}

void ConnectionController::connectIfActiveProfile()
{
    BrokerProfileStore store(m_session.db(), m_session.audit());
    auto active = store.active();
    if (active && active.value())
        connectToActiveProfile();
}

void ConnectionController::connectToActiveProfile()
{
    BrokerProfileStore store(m_session.db(), m_session.audit());
    auto active = store.active();
    if (!active) {
        emit message(active.message());
        return;
    }
    if (!active.value()) {
        emit message(tr("No broker profile is active: choose one in Settings › Broker "
                        "settings."));
        openSettings();
        return;
    }
    const NamedBrokerProfile named = *active.value();
    if (named.profile.username.isEmpty()) {
        startWith(named.profile);
        return;
    }
    auto workspaceId = store.workspaceId();
    if (!workspaceId) {
        emit message(workspaceId.message());
        return;
    }
    m_connectAction->setEnabled(false);
    m_secrets.read(SecretStore::brokerPasswordKey(workspaceId.value(), named.name), this,
                   [this, named](const SecretOutcome &outcome) {
                       MqttBrokerProfile profile = named.profile;
                       switch (outcome.kind) {
                       case SecretOutcome::Kind::Ok:
                           profile.password = outcome.secret;
                           startWith(profile);
                           return;
                       case SecretOutcome::Kind::NotFound:
                           startWith(profile); // a user without a password; the broker decides
                           return;
                       case SecretOutcome::Kind::Unavailable:
                       case SecretOutcome::Kind::Failed:
                           askPasswordAndStart(profile, outcome.message);
                           return;
                       }
                   });
}

void ConnectionController::askPasswordAndStart(const MqttBrokerProfile &profile, const QString &why)
{
    emit message(why);
    QInputDialog *dialog =
        Prompts::askText(m_window, QStringLiteral("brokerPasswordPrompt"), tr("Broker password"),
                         tr("Password of %1 at %2:").arg(profile.username, profile.url()),
                         QString(), [this, profile](const QString &password) {
                             MqttBrokerProfile withPassword = profile;
                             withPassword.password = password;
                             startWith(withPassword);
                         });
    dialog->setTextEchoMode(QLineEdit::Password);
    connect(dialog, &QDialog::rejected, this, &ConnectionController::updateActions);
}

void ConnectionController::startWith(const MqttBrokerProfile &profile)
{
    if (Status started = m_engine->start(profile); !started)
        emit message(started.message());
    updateActions();
}

void ConnectionController::disconnectFromBroker()
{
    // The engine drains the socket and writes the last batch on its own thread.
    m_engine->requestStop();
    updateActions();
}

void ConnectionController::updateActions()
{
    const bool idle = m_engine->state() == MqttClient::State::Disconnected;
    const bool stopping = m_engine->isStopping();
    m_connectAction->setEnabled(idle && !stopping && !m_session.workspace().isReadOnly());
    m_disconnectAction->setEnabled(!idle && !stopping);
}

} // namespace fleet
