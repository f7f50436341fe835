#pragma once

#include "CommandGroup.h"

namespace fleet {

class CommandContext;

// `fleetctl job send|list|show|cancel`: jobs for devices over MQTT (update, rollback, reboot,
// config, decommission). Sending only writes the job into the workspace; a running
// `fleetctl serve` or the Fleetdesk window connected to the broker publishes it (JobDispatcher).
// Creating and cancelling are audited by JobService.
class JobCommands final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("job"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int send(CommandContext &context);
    int list(CommandContext &context);
    int show(CommandContext &context);
    int cancel(CommandContext &context);
};

} // namespace fleet
