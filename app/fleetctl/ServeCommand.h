#pragma once

#include "CommandGroup.h"
#include "mqtt/MqttBrokerProfile.h"
#include "util/Result.h"

namespace fleet {

class CommandContext;

// `fleetctl serve --broker URL`: the MQTT connection and the device-report ingest without a
// window, with the same core classes the GUI uses, until SIGINT or SIGTERM. On the signal the
// messages already received are written (nothing is lost) and the client disconnects cleanly.
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
};

} // namespace fleet
