#include "ServeCommand.h"

#include "CommandContext.h"
#include "SignalWatcher.h"
#include "audit/AuditHeadAnchor.h"
#include "ingest/DeviceReportIngest.h"
#include "mqtt/MqttClient.h"
#include "storage/SqliteDatabase.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QSet>
#include <QTimer>
#include <csignal>

namespace fleet {

namespace {

constexpr int summaryIntervalMs = 60 * 1000;
// After a stop signal, reads go on until the socket has nothing more, but never longer than
// this: a busy fleet would otherwise keep the process alive.
constexpr int drainLimitMs = 2000;

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
    return QStringLiteral("Ingest device reports from an MQTT broker until stopped");
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
        "users could see it.");
    serve.options = {
        QCommandLineOption(QStringLiteral("broker"),
                           QStringLiteral("The broker: mqtt://HOST[:PORT] or mqtts://HOST[:PORT] "
                                          "(TLS)."),
                           QStringLiteral("URL")),
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
    serve.examples = {
        QStringLiteral("serve --broker mqtt://broker.plant-a.local"),
        QStringLiteral("serve --broker mqtts://broker.example.com:8883 --ca ca.pem "
                       "--username fleetdesk --password-file /etc/fleetdesk/mqtt.pass")};
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
        const QString path = c.value(QStringLiteral("password-file"));
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return Error::notFound(QStringLiteral("Cannot read the password file %1: %2")
                                       .arg(path, file.errorString()));
        // The first line only, so a file written by `echo` (with its newline) works.
        profile.password = QString::fromUtf8(file.readLine()).remove(QLatin1Char('\n'));
        profile.password.remove(QLatin1Char('\r'));
    }
    profile.clientId = c.value(QStringLiteral("client-id"));
    profile.verifyHostname = !c.isSet(QStringLiteral("no-verify-hostname"));
    if (Status valid = profile.validate(); !valid)
        return Error::invalid(valid.error().message);
    return profile;
}

int ServeCommand::run(CommandContext &c)
{
    if (!c.isSet(QStringLiteral("broker")))
        return c.usageError(QStringLiteral("--broker URL is required."));
    auto profile = profileFrom(c);
    if (!profile)
        return c.fail(profile.error());

    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    Workspace &workspace = session.value()->workspace();
    // The ingest writes through a connection of its own, as in the GUI.
    auto connection = workspace.openConnection();
    if (!connection)
        return c.fail(connection.error());
    DeviceReportIngest ingest(*connection.value(), c.clock(),
                              AuditHeadAnchor::pathForWorkspace(workspace.path()));

    // Installed before connecting, so a signal during the first connection attempt also
    // ends the process cleanly.
    SignalWatcher stopSignals;
    if (!stopSignals.install())
        return c.fail(Error::failed(
            QStringLiteral("Cannot handle stop signals: %1").arg(stopSignals.errorString())));

    MqttClient client(profile.value());
    ingest.attach(client);

    Output &out = c.out();
    QEventLoop loop;
    bool everConnected = false;
    bool stopping = false;
    qint64 messages = 0;
    qint64 messagesAtLastSummary = 0;
    qint64 rejectedAtLastSummary = 0;
    QSet<qint64> changedDevices;

    QObject::connect(&client, &MqttClient::messageReceived, &loop,
                     [&messages](const QString &, const QByteArray &, int, bool) { ++messages; });
    QObject::connect(&ingest, &DeviceReportIngest::batchCommitted, &loop,
                     [&changedDevices](int, const QList<qint64> &ids) {
                         for (qint64 id : ids)
                             changedDevices.insert(id);
                     });
    QObject::connect(&ingest, &DeviceReportIngest::rejected, &loop,
                     [&out](const QString &uid, const QString &reason) {
                         out.warning(
                             QStringLiteral("rejected a report of %1: %2").arg(uid, reason));
                     });
    QObject::connect(&client, &MqttClient::stateChanged, &loop, [&](MqttClient::State state) {
        if (stopping)
            return;
        if (state == MqttClient::State::Connected) {
            everConnected = true;
            out.note(QStringLiteral("connected to %1 (MQTT %2)")
                         .arg(client.profile().url(), client.negotiatedProtocolVersion() == 5
                                                          ? QStringLiteral("5")
                                                          : QStringLiteral("3.1.1")));
        } else {
            out.note(QStringLiteral("%1 %2").arg(stateText(state), client.profile().url()));
        }
    });
    int exitCode = ExitCodes::value(ExitCode::Ok);
    QObject::connect(&client, &MqttClient::errorOccurred, &loop, [&](const MqttError &error) {
        if (stopping)
            return;
        if (everConnected) {
            // The client retries by itself with its backoff.
            out.warning(describe(error));
            return;
        }
        out.error(QStringLiteral("Cannot connect to %1: %2")
                      .arg(client.profile().url(), describe(error)));
        exitCode = ExitCodes::value(ExitCode::Failed);
        stopping = true; // the state changes that follow add nothing to the error
        loop.quit();
    });

    QTimer summary;
    summary.setInterval(summaryIntervalMs);
    const auto printSummary = [&] {
        out.note(QStringLiteral("%1 messages, %2 devices changed, %3 rejected")
                     .arg(messages - messagesAtLastSummary)
                     .arg(changedDevices.size())
                     .arg(ingest.rejectedCount() - rejectedAtLastSummary));
        messagesAtLastSummary = messages;
        rejectedAtLastSummary = ingest.rejectedCount();
        changedDevices.clear();
    };
    QObject::connect(&summary, &QTimer::timeout, &loop, printSummary);
    summary.start();

    // A stop signal does not end the loop at once: messages already waiting in the socket are
    // read first (two quiet event-loop passes in a row), so a report the broker delivered just
    // before the signal is not dropped.
    QTimer drain;
    drain.setInterval(0);
    QElapsedTimer draining;
    qint64 messagesAtLastPass = -1;
    int quietPasses = 0;
    QObject::connect(&drain, &QTimer::timeout, &loop, [&] {
        quietPasses = messages == messagesAtLastPass ? quietPasses + 1 : 0;
        messagesAtLastPass = messages;
        if (quietPasses >= 2 || draining.hasExpired(drainLimitMs))
            loop.quit();
    });
    QObject::connect(&stopSignals, &SignalWatcher::signalReceived, &loop, [&](int signalNumber) {
        if (stopping)
            return;
        out.note(QStringLiteral("%1 received, stopping")
                     .arg(signalNumber == SIGINT ? QStringLiteral("SIGINT")
                                                 : QStringLiteral("SIGTERM")));
        if (!everConnected) {
            exitCode = ExitCodes::value(ExitCode::Ok);
            stopping = true;
            loop.quit();
            return;
        }
        stopping = true;
        draining.start();
        drain.start();
    });

    if (Status started = client.connectToBroker(); !started)
        return c.fail(started.error());
    loop.exec();
    drain.stop();
    summary.stop();

    stopping = true;
    client.disconnectFromBroker();
    if (Status flushed = ingest.flush(); !flushed)
        return c.fail(flushed.error());
    if (everConnected)
        printSummary();
    return exitCode;
}

} // namespace fleet
