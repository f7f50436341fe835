#pragma once

#include "CommandSpec.h"

#include <QList>

namespace fleet {

// The `fleetctl rollout` commands that drive a rollout after it was created: the operator
// actions (submit, approve, deny, start, pause, resume, cancel, force-next-wave,
// override-windows, retry, skip, rollback), `status` and `test-pass`. They only commit the
// decision (RolloutControl); the engine that runs in `fleetctl serve` or the window acts on it.
class RolloutActionCommands
{
public:
    static QList<CommandSpec> commands();
};

} // namespace fleet
