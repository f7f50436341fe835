#pragma once

#include "CommandGroup.h"

namespace fleet {

class CommandContext;

// `fleetctl group list|create|delete`: static device groups. Membership is changed with
// `fleetctl device group`.
class GroupCommands final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("group"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int list(CommandContext &context);
    int create(CommandContext &context);
    int remove(CommandContext &context);
};

} // namespace fleet
