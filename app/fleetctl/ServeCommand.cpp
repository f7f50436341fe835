#include "ServeCommand.h"

#include "CommandContext.h"
#include "SignalWatcher.h"
#include "UpdateServerOptions.h"
#include "ddi/DdiServer.h"
#include "engine/MqttEngine.h"
#include "rollout/RolloutEngineRunner.h"
#include "settings/BrokerProfileStore.h"
#include "settings/KeychainSecretStore.h"
#include "storage/WorkspaceSession.h"

#include <QEventLoop>
#include <QFile>
#include <QSet>
#include <QTimer>
#include <csignal>

namespace fleet {

namespace {

constexpr int summaryIntervalMs = 60 * 1000;
// A keychain that does not answer in this time (a locked wallet waiting for a prompt nobody
// sees on a server) counts as unavailable.
constexpr int keychainTimeoutMs = 10 * 1000;

QString describe(const MqttError &error)
{
    return QStringLiteral("%1: %2").arg(MqttError::stageName(error.stage), error.message);
}

QString stateText(MqttClient::State state)
{
    switch (state) {
    case MqttClient::State::Disconnected:
        return QStringLiteral("disconnected");
    case MqttClient::State::Connecting:
        return QStringLiteral("connecting");
    case MqttClient::State::Connected:
        return QStringLiteral("connected");
    case MqttClient::State::Reconnecting:
        return QStringLiteral("reconnecting");
    }
    return {};
}

} // namespace

QString ServeCommand::summary() const
{
    return QStringLiteral("Run the MQTT ingest and/or the update server until stopped");
}

QList<CommandSpec> ServeCommand::commands()
{
    CommandSpec serve;
    serve.summary = summary();
    serve.description = QStringLiteral(
        "Connects to the MQTT broker and writes what devices publish (presence, inventory, "
        "heartbeat) into the workspace, as the Fleetdesk window does, without a display. "
        "Connection changes and a summary every minute (messages, devices changed, rejected) "
        "go to stderr.\n\nRuns until SIGINT (Ctrl+C) or SIGTERM: then everything received is "
        "written, the client disconnects cleanly and the exit code is 0. If the first "
        "connection fails (DNS, TCP, TLS handshake, authentication) the error is printed and "
        "the exit code is 1; a connection lost later is retried with growing delays.\n\nThe "
        "password is read from a file (first line), never from the command line, where other "
        "users could see it.\n\nWith --profile NAME the broker profile saved in the workspace (in "
        "the window's Broker settings) is used; its password comes from --password-file or, "
        "when not given, from the OS keychain.\n\nWith --ddi-port PORT the built-in update server "
        "runs as well (or alone): device agents such as SWUpdate (suricatta) and "
        "rauc-hawkbit-updater poll it over HTTPS with hawkBit's DDI API, authenticated by the "
        "tokens of 'fleetctl device token' and 'fleetctl gateway token', and install the "
        "releases 'fleetctl firmware assign' gave them. Its certificate is the workspace's "
        "server certificate, issued by the workspace's local CA on first use (see 'fleetctl "
        "server certificate'; export the CA for the devices).\n\nThe rollout engine runs too "
        "(unless "
        "--no-rollouts): it starts the devices of running rollouts within their plans (waves, "
        "rate, windows, gates) as their jobs and DDI actions, and follows them to the end. Of "
        "several processes on one workspace (the window, other serve processes) one runs it at a "
        "time; the others wait and take over when it stops or is killed.");
    serve.options = {
        QCommandLineOption(QStringLiteral("broker"),
                           QStringLiteral("The broker: mqtt://HOST[:PORT] or mqtts://HOST[:PORT] "
                                          "(TLS)."),
                           QStringLiteral("URL")),
        QCommandLineOption(QStringLiteral("profile"),
                           QStringLiteral("Use the workspace's broker profile NAME instead of "
                                          "--broker."),
                           QStringLiteral("NAME")),
        QCommandLineOption(QStringLiteral("ca"),
                           QStringLiteral("CA certificates (PEM) to trust for mqtts:// instead "
                                          "of the system's."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("cert"),
                           QStringLiteral("Client certificate (PEM); needs --key."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("key"),
                           QStringLiteral("Private key of the client certificate (PEM)."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("username"), QStringLiteral("MQTT user name."),
                           QStringLiteral("NAME")),
        QCommandLineOption(QStringLiteral("password-file"),
                           QStringLiteral("Read the MQTT password from the first line of FILE."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("client-id"),
                           QStringLiteral("MQTT client id; a random one when not given."),
                           QStringLiteral("ID")),
        QCommandLineOption(QStringLiteral("no-verify-hostname"),
                           QStringLiteral("Accept a server certificate issued for another host "
                                          "name (the chain is still checked).")),
    };
    serve.options << UpdateServerOptions::options();
    serve.options << QCommandLineOption(QStringLiteral("no-rollouts"),
                                        QStringLiteral("Do not run the rollout engine."));
    serve.examples = {
        QStringLiteral("serve --broker mqtt://broker.plant-a.local"),
        QStringLiteral("serve --profile \"Plant A\""),
        QStringLiteral("serve --broker mqtts://broker.example.com:8883 --ca ca.pem "
                       "--username fleetdesk --password-file /etc/fleetdesk/mqtt.pass"),
        QStringLiteral("serve --ddi-port 8443"),
        QStringLiteral("serve --profile \"Plant A\" --ddi-port 8443 --poll-interval 60")};
    serve.run = [this](CommandContext &c) {
        return this->run(c);
    };
    return {serve};
}

Result<MqttBrokerProfile> ServeCommand::profileFrom(const CommandContext &c)
{
    auto parsed = MqttBrokerProfile::fromUrl(c.value(QStringLiteral("broker")));
    if (!parsed)
        return Error::invalid(parsed.error().message);
    MqttBrokerProfile profile = parsed.value();
    if (c.isSet(QStringLiteral("ca")))
        profile.caFile = c.value(QStringLiteral("ca"));
    profile.clientCertFile = c.value(QStringLiteral("cert"));
    profile.clientKeyFile = c.value(QStringLiteral("key"));
    if (c.isSet(QStringLiteral("username")))
        profile.username = c.value(QStringLiteral("username"));
    if (c.isSet(QStringLiteral("password-file"))) {
        auto password = readPasswordFile(c.value(QStringLiteral("password-file")));
        if (!password)
            return password.error();
        profile.password = password.value();
    }
    profile.clientId = c.value(QStringLiteral("client-id"));
    profile.verifyHostname = !c.isSet(QStringLiteral("no-verify-hostname"));
    if (Status valid = profile.validate(); !valid)
        return Error::invalid(valid.error().message);
    return profile;
}

Result<QString> ServeCommand::readPasswordFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::notFound(
            QStringLiteral("Cannot read the password file %1: %2").arg(path, file.errorString()));
    // The first line only, so a file written by `echo` (with its newline) works.
    QString password = QString::fromUtf8(file.readLine()).remove(QLatin1Char('\n'));
    password.remove(QLatin1Char('\r'));
    return password;
}

Result<MqttBrokerProfile> ServeCommand::storedProfile(const CommandContext &c,
                                                      WorkspaceSession &session)
{
    BrokerProfileStore store(session.db(), session.audit());
    const QString name = c.value(QStringLiteral("profile"));
    auto stored = store.find(name);
    if (!stored)
        return stored.error();
    MqttBrokerProfile profile = stored->profile;
    if (c.isSet(QStringLiteral("password-file"))) {
        auto password = readPasswordFile(c.value(QStringLiteral("password-file")));
        if (!password)
            return password.error();
        profile.password = password.value();
    } else if (!profile.username.isEmpty()) {
        auto workspaceId = store.workspaceId();
        if (!workspaceId)
            return workspaceId.error();
        KeychainSecretStore keychain;
        const SecretOutcome secret = keychain.readAndWait(
            SecretStore::brokerPasswordKey(workspaceId.value(), name), keychainTimeoutMs);
        switch (secret.kind) {
        case SecretOutcome::Kind::Ok:
            profile.password = secret.secret;
            break;
        case SecretOutcome::Kind::NotFound:
            break; // a user without a password is allowed; the broker decides
        case SecretOutcome::Kind::Unavailable:
        case SecretOutcome::Kind::Failed:
            return Error::failed(QStringLiteral("%1. Give the password with --password-file FILE.")
                                     .arg(secret.message));
        }
    }
    if (Status valid = profile.validate(); !valid)
        return Error::invalid(valid.error().message);
    return profile;
}

int ServeCommand::run(CommandContext &c)
{
    const bool fromBroker = c.isSet(QStringLiteral("broker"));
    const bool fromProfile = c.isSet(QStringLiteral("profile"));
    const bool mqtt = fromBroker || fromProfile;
    const bool ddi = UpdateServerOptions::isRequested(c);
    if (!mqtt && !ddi)
        return c.usageError(QStringLiteral("--broker URL (or --profile NAME) and/or --ddi-port "
                                           "PORT is required."));
    if (fromBroker && fromProfile)
        return c.usageError(
            QStringLiteral("Give either --broker URL or --profile NAME, not both."));
    if (ddi)
        if (Status valid = UpdateServerOptions::validate(c); !valid)
            return c.usageError(valid.message());
    Result<MqttBrokerProfile> profile = Error::failed({});
    if (fromBroker) {
        profile = profileFrom(c);
        if (!profile)
            return c.fail(profile.error());
    }

    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    if (fromProfile) {
        profile = storedProfile(c, *session.value());
        if (!profile)
            return c.fail(profile.error());
    }
    // The same engine as the window: the client and the ingest run on the engine's thread with
    // a connection of their own; this thread only reports.
    MqttEngine engine(session.value()->workspace(), c.clock());
    DdiServer updateServer(session.value()->workspace().path(), c.clock());

    // Installed before connecting, so a signal during the first connection attempt also
    // ends the process cleanly.
    SignalWatcher stopSignals;
    if (!stopSignals.install())
        return c.fail(Error::failed(
            QStringLiteral("Cannot handle stop signals: %1").arg(stopSignals.errorString())));

    Output &out = c.out();
    const QString url = mqtt ? profile->url() : QString();
    QEventLoop loop;
    bool everConnected = false;
    bool stopping = false;
    qint64 messagesAtLastSummary = 0;
    qint64 rejectedAtLastSummary = 0;
    QSet<qint64> changedDevices;

    QObject::connect(&engine, &MqttEngine::batchCommitted, &loop,
                     [&changedDevices](int, const QList<qint64> &ids) {
                         for (qint64 id : ids)
                             changedDevices.insert(id);
                     });
    QObject::connect(
        &engine, &MqttEngine::rejected, &loop, [&out](const QString &uid, const QString &reason) {
            out.warning(QStringLiteral("rejected a report of %1: %2").arg(uid, reason));
        });
    QObject::connect(&engine, &MqttEngine::stateChanged, &loop,
                     [&](MqttClient::State state, int protocolVersion) {
                         if (stopping)
                             return;
                         if (state == MqttClient::State::Connected) {
                             everConnected = true;
                             out.note(QStringLiteral("connected to %1 (MQTT %2)")
                                          .arg(url, protocolVersion == 5
                                                        ? QStringLiteral("5")
                                                        : QStringLiteral("3.1.1")));
                         } else {
                             out.note(QStringLiteral("%1 %2").arg(stateText(state), url));
                         }
                     });
    int exitCode = ExitCodes::value(ExitCode::Ok);
    QObject::connect(&engine, &MqttEngine::errorOccurred, &loop, [&](const MqttError &error) {
        if (stopping)
            return;
        if (everConnected) {
            // The client retries by itself with its backoff.
            out.warning(describe(error));
            return;
        }
        out.error(QStringLiteral("Cannot connect to %1: %2").arg(url, describe(error)));
        exitCode = ExitCodes::value(ExitCode::Failed);
        stopping = true; // the state changes that follow add nothing to the error
        loop.quit();
    });

    QTimer summary;
    summary.setInterval(summaryIntervalMs);
    const auto printSummary = [&] {
        const MqttEngineCounters counters = engine.counters();
        out.note(QStringLiteral("%1 messages, %2 devices changed, %3 rejected")
                     .arg(counters.messages - messagesAtLastSummary)
                     .arg(changedDevices.size())
                     .arg(counters.rejected - rejectedAtLastSummary));
        messagesAtLastSummary = counters.messages;
        rejectedAtLastSummary = counters.rejected;
        changedDevices.clear();
    };
    QObject::connect(&summary, &QTimer::timeout, &loop, printSummary);
    if (mqtt)
        summary.start();
    QObject::connect(&updateServer, &DdiServer::errorOccurred, &loop,
                     [&out](const QString &message) {
                         out.warning(QStringLiteral("update server: %1").arg(message));
                     });

    QObject::connect(&stopSignals, &SignalWatcher::signalReceived, &loop, [&](int signalNumber) {
        if (stopping)
            return;
        out.note(QStringLiteral("%1 received, stopping")
                     .arg(signalNumber == SIGINT ? QStringLiteral("SIGINT")
                                                 : QStringLiteral("SIGTERM")));
        stopping = true;
        loop.quit();
    });

    if (ddi) {
        if (Status started = UpdateServerOptions::start(c, *session.value(), updateServer);
            !started)
            return c.fail(started.error());
        out.note(
            QStringLiteral("update server (hawkBit DDI) listening on %1").arg(updateServer.url()));
    }
    if (mqtt)
        if (Status started = engine.start(profile.value()); !started)
            return c.fail(started.error());
    RolloutEngineRunner::Options rolloutOptions;
    rolloutOptions.holder = QStringLiteral("fleetctl serve");
    if (ddi)
        rolloutOptions.fallbackArtifactBaseUrl = QUrl(updateServer.url());
    RolloutEngineRunner rollouts(session.value()->workspace().path(), c.clock(), rolloutOptions);
    QObject::connect(&rollouts, &RolloutEngineRunner::problem, &loop,
                     [&out](const QString &message) { out.warning(message); });
    QObject::connect(
        &rollouts, &RolloutEngineRunner::leaseChanged, &loop,
        [&out](bool held, const QString &holder) {
            out.note(held ? QStringLiteral("running the rollout engine")
                          : QStringLiteral("the rollout engine runs in %1; waiting").arg(holder));
        });
    QObject::connect(&rollouts, &RolloutEngineRunner::ticked, &loop,
                     [&out](const RolloutTickReport &r) {
                         if (r.started > 0 || r.decisions > 0 || r.rollbacks > 0)
                             out.note(QStringLiteral("rollouts: %1 devices started, %2 "
                                                     "transitions, %3 decisions, %4 rollbacks")
                                          .arg(r.started)
                                          .arg(r.transitions)
                                          .arg(r.decisions)
                                          .arg(r.rollbacks));
                     });
    if (!c.isSet(QStringLiteral("no-rollouts")))
        if (Status started = rollouts.start(); !started)
            return c.fail(started.error());
    loop.exec();
    rollouts.stop();
    summary.stop();

    stopping = true;
    // Answers no more requests and writes the poll times noted so far.
    updateServer.stop();
    // Reads what is still in the socket, writes every queued report and disconnects.
    if (mqtt)
        if (Status stopped = engine.stop(); !stopped)
            return c.fail(stopped.error());
    if (everConnected)
        printSummary();
    return exitCode;
}

} // namespace fleet
