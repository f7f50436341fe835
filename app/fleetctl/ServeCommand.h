#pragma once

#include "CommandGroup.h"
#include "mqtt/MqttBrokerProfile.h"
#include "util/Result.h"

namespace fleet {

class CommandContext;
class WorkspaceSession;

// `fleetctl serve --broker URL` or `--profile NAME`: the MQTT connection and the device-report
// ingest without a window, through the same MqttEngine the GUI runs, until SIGINT or SIGTERM;
// with `--ddi-port PORT` also (or only) the built-in hawkBit DDI update server (DdiServer).
// On the signal the messages already received are written (nothing is lost) and the client
// disconnects cleanly.
class ServeCommand final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("serve"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int run(CommandContext &context);
    // The broker profile from --broker and the TLS and credential options.
    static Result<MqttBrokerProfile> profileFrom(const CommandContext &context);
    // The workspace's profile --profile NAME, its password from --password-file or the keychain.
    static Result<MqttBrokerProfile> storedProfile(const CommandContext &context,
                                                   WorkspaceSession &session);
    static Result<QString> readPasswordFile(const QString &path);
};

} // namespace fleet
