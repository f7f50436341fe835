#pragma once

#include "CommandGroup.h"
#include "util/Result.h"

namespace fleet {

class CommandContext;
class WorkspaceSession;

// `fleetctl inventory list|import|export`: the device inventory as a whole.
class InventoryCommands final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("inventory"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int list(CommandContext &context);
    int importFile(CommandContext &context);
    int exportFile(CommandContext &context);
    int importCsv(CommandContext &context, WorkspaceSession &session, const QString &file);
    int importJson(CommandContext &context, WorkspaceSession &session, const QString &file);

    // DeviceColumns indexes from "uid,name,fw_version"; the default columns when empty.
    static Result<QList<int>> parseColumns(const QString &keys);
};

} // namespace fleet
