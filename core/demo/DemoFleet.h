#pragma once

#include "util/Result.h"

namespace fleet {

class AuditLog;
class Clock;
class SqliteDatabase;

// Fills an empty workspace with a realistic demo fleet: ~600 devices over several plants in
// different time zones, several models and hardware revisions, firmware spread over versions
// (with history), SBOM components, configuration, groups, tags, some offline or unhealthy.
// Deterministic for a given seed. Recorded in the audit trail as one "workspace.seed-demo" entry.
class DemoFleet
{
public:
    struct Options
    {
        int devices = 600;
        quint32 seed = 20261124;
    };
    static Status seed(SqliteDatabase &db, AuditLog &audit, const Clock &clock, Options options);
    static Status seed(SqliteDatabase &db, AuditLog &audit, const Clock &clock)
    {
        return seed(db, audit, clock, Options());
    }
};

} // namespace fleet
