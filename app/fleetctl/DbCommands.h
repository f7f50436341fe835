#pragma once

#include "CommandGroup.h"

namespace fleet {

class CommandContext;

// `fleetctl db check|info|upgrade`: the workspace file itself. check and info only read: a
// damaged file is reported, never "repaired". upgrade migrates an older schema explicitly.
class DbCommands final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("db"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int check(CommandContext &context);
    int info(CommandContext &context);
    int upgrade(CommandContext &context);
};

} // namespace fleet
