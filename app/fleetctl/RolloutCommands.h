#pragma once

#include "CommandGroup.h"

namespace fleet {

class CommandContext;

// `fleetctl rollout plan`: a read-only preview of a staged rollout (issue #5) — which devices a
// release would reach and which it would leave out (and why), the pilot and waves, and when each
// wave is expected to run given the maintenance windows in each site's time zone, the rate and
// the concurrency cap. `rollout create` stores the same plan as a draft (RolloutService);
// `list` and `show` read the stored rollouts. The commands that drive a rollout (start,
// pause, status ...) are RolloutActionCommands'.
class RolloutCommands final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("rollout"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int plan(CommandContext &context);
    int create(CommandContext &context);
    int list(CommandContext &context);
    int show(CommandContext &context);
};

} // namespace fleet
