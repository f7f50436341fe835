#pragma once

#include "util/Result.h"

#include <QString>

namespace fleet {

class SqliteDatabase;

// Copies a live workspace with SQLite's online backup API: the copy is a consistent snapshot
// even while another connection (the GUI, fleetctl serve) keeps writing. Copies the audit head
// anchor alongside, so the backup's trail verifies on its own.
class WorkspaceBackup
{
public:
    static Status run(SqliteDatabase &source, const QString &sourcePath,
                      const QString &destinationPath);
};

} // namespace fleet
