#pragma once

#include "util/Result.h"

#include <QString>
#include <QStringList>

namespace fleet {

class SqliteDatabase;

// The workspace schema as an ordered list of migrations. PRAGMA user_version records how many
// have been applied; a migration is never edited once released, only followed by a new one.
class Migrations
{
public:
    // The schema version this build writes.
    static int latestVersion();
    // SQL of migration `version` (1-based): what turns schema version-1 into version.
    static QString sql(int version);
    static Result<int> currentVersion(SqliteDatabase &db);
    // Applies every migration above the current version, up to `target`, each in its own
    // transaction together with its user_version bump. A target above latestVersion() is
    // refused (Error::Kind::Invalid) without applying anything.
    static Status migrate(SqliteDatabase &db, int target = latestVersion());
};

} // namespace fleet
