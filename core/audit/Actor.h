#pragma once

#include <QString>

namespace fleet {

// Who made a change: the OS account, the operator name set in the app (people sharing one
// account on a plant laptop), and the machine. System-initiated changes use operator "system".
struct Actor
{
    QString osUser;
    QString operatorName;
    QString host;

    // The current process's OS user and host, with the given operator name (defaults to the
    // OS user when empty).
    static Actor current(const QString &operatorName = {});
    static Actor system();
};

} // namespace fleet
