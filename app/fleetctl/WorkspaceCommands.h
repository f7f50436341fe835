#pragma once

#include "CommandGroup.h"

namespace fleet {

class CommandContext;

// `fleetctl workspace init`: creates a workspace, optionally seeded with the demo fleet.
class WorkspaceCommands final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("workspace"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int init(CommandContext &context);
};

} // namespace fleet
