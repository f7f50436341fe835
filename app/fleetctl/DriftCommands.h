#pragma once

#include "CommandSpec.h"

#include <QList>

namespace fleet {

// `fleetctl device drift`, `device accept-version` and `device retarget`: the drift scanner's
// findings (assigned against reported versions, fall-backs, update loops, flapping) and the two
// ways to settle them.
class DriftCommands
{
public:
    static QList<CommandSpec> commands();
};

} // namespace fleet
