#pragma once

#include <QString>

namespace fleet {

// The operator name recorded in the audit trail next to the OS user, remembered between runs
// (people sharing one account on a plant laptop each set their own).
class OperatorSettings
{
public:
    // The saved name, or "" when none was set.
    static QString load();
    static void save(const QString &name);
};

} // namespace fleet
