#pragma once

#include "CommandGroup.h"

namespace fleet {

class CommandContext;
struct AuditFilter;

// `fleetctl audit list|verify|export`: the workspace's hash-chained audit trail.
class AuditCommands final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("audit"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int list(CommandContext &context);
    int verify(CommandContext &context);
    int exportFile(CommandContext &context);

    static QList<QCommandLineOption> filterOptions();
    // Reports a malformed option itself and returns its exit code; 0 when `filter` is set.
    static int buildFilter(CommandContext &context, AuditFilter *filter);
};

} // namespace fleet
