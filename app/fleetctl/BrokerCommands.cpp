#include "BrokerCommands.h"

#include "CommandContext.h"
#include "TextTable.h"
#include "settings/BrokerProfileStore.h"
#include "settings/KeychainSecretStore.h"
#include "storage/WorkspaceSession.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>

namespace fleet {

namespace {

constexpr int keychainTimeoutMs = 10 * 1000;

CommandSpec::Argument nameArgument()
{
    return {QStringLiteral("NAME"), QStringLiteral("The broker profile's name."), true, false};
}

QString protocolText(MqttBrokerProfile::ProtocolVersion protocol)
{
    switch (protocol) {
    case MqttBrokerProfile::ProtocolVersion::V5WithFallback:
        return QStringLiteral("5 (3.1.1 fallback)");
    case MqttBrokerProfile::ProtocolVersion::V5Only:
        return QStringLiteral("5");
    case MqttBrokerProfile::ProtocolVersion::V311Only:
        return QStringLiteral("3.1.1");
    }
    return {};
}

} // namespace

QString BrokerCommands::summary() const
{
    return QStringLiteral("The workspace's MQTT broker profiles (one active), as in the window's "
                          "Broker settings");
}

QList<CommandSpec> BrokerCommands::commands()
{
    CommandSpec list;
    list.name = QStringLiteral("list");
    list.summary = QStringLiteral("List the broker profiles");
    list.run = [this](CommandContext &c) {
        return this->list(c);
    };

    CommandSpec add;
    add.name = QStringLiteral("add");
    add.summary = QStringLiteral("Add a broker profile");
    add.description = QStringLiteral(
        "Adds a broker profile to the workspace. The password is not an option: store it in the "
        "OS keychain with 'fleetctl broker set-password NAME --password-file FILE', or give it to "
        "'fleetctl serve --profile NAME --password-file FILE'.");
    add.arguments = {nameArgument()};
    add.options = {
        QCommandLineOption(QStringLiteral("url"),
                           QStringLiteral("mqtt://HOST[:PORT] or mqtts://HOST[:PORT] (TLS)."),
                           QStringLiteral("URL")),
        QCommandLineOption(QStringLiteral("ca"), QStringLiteral("CA certificates (PEM)."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("cert"), QStringLiteral("Client certificate (PEM)."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("key"), QStringLiteral("Client private key (PEM)."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("username"), QStringLiteral("MQTT user name."),
                           QStringLiteral("NAME")),
        QCommandLineOption(QStringLiteral("client-id"), QStringLiteral("MQTT client id."),
                           QStringLiteral("ID")),
        QCommandLineOption(QStringLiteral("keep-alive"),
                           QStringLiteral("Keep-alive in seconds (5-65535, default 60)."),
                           QStringLiteral("SECONDS")),
        QCommandLineOption(QStringLiteral("inflight"),
                           QStringLiteral("In-flight window (1-65535, default 20)."),
                           QStringLiteral("N")),
        QCommandLineOption(QStringLiteral("protocol"),
                           QStringLiteral("auto (MQTT 5, else 3.1.1), 5 or 3.1.1."),
                           QStringLiteral("VERSION")),
        QCommandLineOption(QStringLiteral("no-verify-hostname"),
                           QStringLiteral("Accept a server certificate for another host name.")),
        QCommandLineOption(QStringLiteral("activate"),
                           QStringLiteral("Make it the workspace's active profile.")),
    };
    add.examples = {QStringLiteral("broker add \"Plant A\" --url mqtts://broker.plant-a.local "
                                   "--ca ca.pem --username fleetdesk --activate")};
    add.run = [this](CommandContext &c) {
        return this->add(c);
    };

    CommandSpec remove;
    remove.name = QStringLiteral("delete");
    remove.summary = QStringLiteral("Delete a broker profile (and its keychain password)");
    remove.arguments = {nameArgument()};
    remove.run = [this](CommandContext &c) {
        return this->remove(c);
    };

    CommandSpec activate;
    activate.name = QStringLiteral("activate");
    activate.summary = QStringLiteral("Make a broker profile the active one");
    activate.arguments = {nameArgument()};
    activate.run = [this](CommandContext &c) {
        return this->activate(c);
    };

    CommandSpec setPassword;
    setPassword.name = QStringLiteral("set-password");
    setPassword.summary = QStringLiteral("Store a profile's password in the OS keychain");
    setPassword.description = QStringLiteral(
        "Reads the password from the first line of FILE and stores it in the OS keychain. "
        "Fails, storing nothing anywhere, when no keychain is available (a server without a "
        "D-Bus Secret Service): then give --password-file to 'fleetctl serve' instead.");
    setPassword.arguments = {nameArgument()};
    setPassword.options = {QCommandLineOption(QStringLiteral("password-file"),
                                              QStringLiteral("Read the password from FILE."),
                                              QStringLiteral("FILE"))};
    setPassword.run = [this](CommandContext &c) {
        return this->setPassword(c);
    };

    return {list, add, remove, activate, setPassword};
}

int BrokerCommands::list(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    BrokerProfileStore store(session.value()->db(), session.value()->audit());
    auto profiles = store.list();
    if (!profiles)
        return c.fail(profiles.error());
    QJsonArray json;
    TextTable table({QStringLiteral("Profile"), QStringLiteral("Active"), QStringLiteral("URL"),
                     QStringLiteral("User"), QStringLiteral("Protocol")});
    for (const NamedBrokerProfile &p : profiles.value()) {
        QJsonObject o = BrokerProfileStore::settingsJson(p.profile);
        o.insert(QStringLiteral("name"), p.name);
        o.insert(QStringLiteral("url"), p.profile.url());
        o.insert(QStringLiteral("active"), p.active);
        json.append(o);
        table.addRow({p.name, p.active ? QStringLiteral("yes") : QString(), p.profile.url(),
                      p.profile.username, protocolText(p.profile.protocol)});
    }
    if (c.out().isJson()) {
        c.out().json(QJsonObject{{QStringLiteral("profiles"), json}});
    } else if (json.isEmpty()) {
        c.out().line(QStringLiteral("No broker profiles yet. Add one with 'fleetctl broker add "
                                    "NAME --url mqtt://HOST'."));
    } else {
        c.out().text(table.render());
    }
    return ExitCodes::value(ExitCode::Ok);
}

int BrokerCommands::add(CommandContext &c)
{
    const QString name = c.argument(0);
    if (!c.isSet(QStringLiteral("url")))
        return c.usageError(QStringLiteral("--url URL is required."));
    auto parsed = MqttBrokerProfile::fromUrl(c.value(QStringLiteral("url")));
    if (!parsed)
        return c.fail(Error::invalid(parsed.error().message));
    MqttBrokerProfile profile = parsed.value();
    profile.caFile = c.value(QStringLiteral("ca"));
    profile.clientCertFile = c.value(QStringLiteral("cert"));
    profile.clientKeyFile = c.value(QStringLiteral("key"));
    if (c.isSet(QStringLiteral("username")))
        profile.username = c.value(QStringLiteral("username"));
    profile.clientId = c.value(QStringLiteral("client-id"));
    profile.verifyHostname = !c.isSet(QStringLiteral("no-verify-hostname"));
    auto keepAlive = c.integerOption(QStringLiteral("keep-alive"),
                                     MqttBrokerProfile::DefaultKeepAliveSeconds, 5, 65535);
    if (!keepAlive)
        return c.usageError(keepAlive.error().message);
    profile.keepAliveSeconds = int(keepAlive.value());
    auto inflight =
        c.integerOption(QStringLiteral("inflight"), MqttBrokerProfile::DefaultInflightWindow, 1,
                        MqttBrokerProfile::MaxInflightWindow);
    if (!inflight)
        return c.usageError(inflight.error().message);
    profile.inflightWindow = int(inflight.value());
    const QString protocol = c.value(QStringLiteral("protocol"));
    if (protocol.isEmpty() || protocol == QLatin1String("auto"))
        profile.protocol = MqttBrokerProfile::ProtocolVersion::V5WithFallback;
    else if (protocol == QLatin1String("5"))
        profile.protocol = MqttBrokerProfile::ProtocolVersion::V5Only;
    else if (protocol == QLatin1String("3.1.1"))
        profile.protocol = MqttBrokerProfile::ProtocolVersion::V311Only;
    else
        return c.usageError(
            QStringLiteral("--protocol is auto, 5 or 3.1.1, not '%1'.").arg(protocol));

    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    BrokerProfileStore store(session.value()->db(), session.value()->audit());
    auto created = store.create(name, profile);
    if (!created)
        return c.fail(created.error());
    const bool activate = c.isSet(QStringLiteral("activate"));
    if (activate) {
        if (Status s = store.activate(name); !s)
            return c.fail(s.error());
    }
    if (c.out().isJson())
        c.out().json(QJsonObject{{QStringLiteral("added"), name},
                                 {QStringLiteral("url"), profile.url()},
                                 {QStringLiteral("active"), activate}});
    c.out().line(
        QStringLiteral("Added broker profile '%1' (%2)%3.")
            .arg(name, profile.url(), activate ? QStringLiteral(", now active") : QString()));
    return ExitCodes::value(ExitCode::Ok);
}

int BrokerCommands::remove(CommandContext &c)
{
    const QString name = c.argument(0);
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    BrokerProfileStore store(session.value()->db(), session.value()->audit());
    auto workspaceId = store.workspaceId();
    if (!workspaceId)
        return c.fail(workspaceId.error());
    if (Status s = store.remove(name); !s)
        return c.fail(s.error());
    // Without a keychain there was no password to delete; anything else is worth a warning.
    KeychainSecretStore keychain;
    const SecretOutcome removed = keychain.removeAndWait(
        SecretStore::brokerPasswordKey(workspaceId.value(), name), keychainTimeoutMs);
    if (removed.kind == SecretOutcome::Kind::Failed)
        c.out().warning(removed.message);
    if (c.out().isJson())
        c.out().json(QJsonObject{{QStringLiteral("deleted"), name}});
    c.out().line(QStringLiteral("Deleted broker profile '%1'.").arg(name));
    return ExitCodes::value(ExitCode::Ok);
}

int BrokerCommands::activate(CommandContext &c)
{
    const QString name = c.argument(0);
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    BrokerProfileStore store(session.value()->db(), session.value()->audit());
    if (Status s = store.activate(name); !s)
        return c.fail(s.error());
    if (c.out().isJson())
        c.out().json(QJsonObject{{QStringLiteral("active"), name}});
    c.out().line(QStringLiteral("'%1' is the active broker profile.").arg(name));
    return ExitCodes::value(ExitCode::Ok);
}

int BrokerCommands::setPassword(CommandContext &c)
{
    const QString name = c.argument(0);
    if (!c.isSet(QStringLiteral("password-file")))
        return c.usageError(QStringLiteral("--password-file FILE is required."));
    QFile file(c.value(QStringLiteral("password-file")));
    if (!file.open(QIODevice::ReadOnly))
        return c.fail(Error::notFound(QStringLiteral("Cannot read the password file %1: %2")
                                          .arg(file.fileName(), file.errorString())));
    QString password = QString::fromUtf8(file.readLine()).remove(QLatin1Char('\n'));
    password.remove(QLatin1Char('\r'));

    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    BrokerProfileStore store(session.value()->db(), session.value()->audit());
    if (auto exists = store.find(name); !exists)
        return c.fail(exists.error());
    auto workspaceId = store.workspaceId();
    if (!workspaceId)
        return c.fail(workspaceId.error());
    KeychainSecretStore keychain;
    const SecretOutcome written = keychain.writeAndWait(
        SecretStore::brokerPasswordKey(workspaceId.value(), name), password, keychainTimeoutMs);
    if (!written.ok())
        return c.fail(Error::failed(written.message));
    if (c.out().isJson())
        c.out().json(QJsonObject{{QStringLiteral("passwordStored"), name}});
    c.out().line(QStringLiteral("The password of '%1' is in the OS keychain.").arg(name));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
