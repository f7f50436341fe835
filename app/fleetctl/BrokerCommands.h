#pragma once

#include "CommandGroup.h"

namespace fleet {

class CommandContext;

// `fleetctl broker list|add|delete|activate|set-password`: the workspace's broker profiles, as
// the window's Broker settings dialog edits them (same BrokerProfileStore, same audit entries).
// Passwords go to the OS keychain, never to the workspace.
class BrokerCommands final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("broker"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int list(CommandContext &context);
    int add(CommandContext &context);
    int remove(CommandContext &context);
    int activate(CommandContext &context);
    int setPassword(CommandContext &context);
};

} // namespace fleet
