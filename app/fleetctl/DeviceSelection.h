#pragma once

#include "util/Result.h"

#include <QCommandLineOption>
#include <QList>

namespace fleet {

class CommandContext;
class WorkspaceSession;

// The devices a command acts on: --device UID (repeatable) and/or --filter NAME (every device
// the saved filter matches now), shared by `job send` and `firmware assign`.
class DeviceSelection
{
public:
    static QList<QCommandLineOption> options();
    // Whether the command line names any device at all (checked before opening the workspace).
    static bool isGiven(CommandContext &context);
    // The selected devices' ids, duplicates removed; an unknown uid or a saved filter that
    // matches nothing is an error.
    static Result<QList<qint64>> resolve(CommandContext &context, WorkspaceSession &session);
};

} // namespace fleet
