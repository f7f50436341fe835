#pragma once

// Small helpers shared by the tests that run the simulators against a workspace.

#include "storage/SqliteDatabase.h"

#include <QString>

namespace fleet::test {

// The fleetsim binary of this build (ctest sets FLEETDESK_TEST_BINARY_DIR).
inline QString fleetsimPath()
{
    return qEnvironmentVariable("FLEETDESK_TEST_BINARY_DIR") +
           QStringLiteral("/tools/fleetsim/fleetsim");
}

// The first column of the first row as a number, or -1 when the query fails.
inline qint64 scalarNumber(SqliteDatabase &db, const QString &sql)
{
    auto value = db.scalar(sql);
    return value ? value.value().toLongLong() : -1;
}

} // namespace fleet::test
