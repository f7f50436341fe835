#pragma once

#include "CommandGroup.h"

namespace fleet {

class CommandContext;

// `fleetctl backup DEST`: a consistent copy of the workspace (and its audit head), made with
// SQLite's online backup API, so it is safe while Fleetdesk is writing.
class BackupCommand final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("backup"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int run(CommandContext &context);
};

} // namespace fleet
