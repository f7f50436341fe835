#pragma once

#include "CommandGroup.h"

namespace fleet {

class CommandContext;
class InventoryService;

// `fleetctl device show|set-state|tag|group|notes|attach-sbom|token`: one device, or the devices
// named by their ids. Every change is audited by InventoryService.
class DeviceCommands final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("device"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int show(CommandContext &context);
    int setState(CommandContext &context);
    int tag(CommandContext &context);
    int group(CommandContext &context);
    int notes(CommandContext &context);
    int attachSbom(CommandContext &context);
    // Shared by tag and group: --add X or --remove X on the devices named by the arguments.
    enum class Membership { Tag, Group };
    int changeMembership(CommandContext &context, Membership what);
    // Prints the result of a change to several devices and returns exit code 0.
    static int reportChange(CommandContext &context, const QString &action, const QString &value,
                            const QStringList &uids, int changed);
};

} // namespace fleet
