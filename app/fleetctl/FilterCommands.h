#pragma once

#include "CommandGroup.h"

namespace fleet {

class CommandContext;

// `fleetctl filter list|save|delete`: saved filters, which are Fleetdesk's dynamic groups
// (whoever matches now is a member). Use one with `inventory list --filter NAME`.
class FilterCommands final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("filter"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int list(CommandContext &context);
    int save(CommandContext &context);
    int remove(CommandContext &context);
};

} // namespace fleet
