#pragma once

#include "storage/SqliteDatabase.h"
#include "util/Result.h"

#include <QString>
#include <QStringList>
#include <memory>

namespace fleet {

// One workspace = one SQLite file. Opening checks the file before anything writes to it:
// a damaged file is opened read-only with a warning when its tables can still be read and
// refused (Error::Kind::Damaged) otherwise; a file from a newer Fleetdesk, a file that is not
// SQLite and another application's SQLite database are refused (Error::Kind::Incompatible);
// an older schema is backed up and migrated.
class Workspace
{
public:
    struct OpenOptions
    {
        bool create = true;    // create the file if it does not exist
        bool readOnly = false; // never write (fleetctl db check, list, export)
        bool backupBeforeMigrate = true;
        // The GUI's choice: quick_check reads the whole file (seconds at a million devices), so
        // open at once and let the caller run check() on a worker connection, then call
        // completeIntegrityCheck(). Until then the workspace is read-only. Files that need a
        // migration are always checked first.
        bool deferIntegrityCheck = false;
    };

    static Result<std::unique_ptr<Workspace>> open(const QString &path, OpenOptions options);
    static Result<std::unique_ptr<Workspace>> open(const QString &path)
    {
        return open(path, OpenOptions());
    }
    // <GenericDataLocation>/fleetdesk/workspace.fleetdesk, e.g. ~/.local/share/fleetdesk/...
    static QString defaultPath();

    SqliteDatabase &db() { return *m_db; }
    QString path() const { return m_path; }
    QString auditHeadPath() const;
    // True when opened read-only, found damaged, or while a deferred integrity check runs.
    bool isReadOnly() const { return m_readOnly || m_integrityPending; }
    bool isIntegrityCheckPending() const { return m_integrityPending; }
    // The outcome of a deferred check: no problems allow writes; problems keep the workspace
    // read-only, with a warning naming the first problem.
    void completeIntegrityCheck(const QStringList &problems);
    bool wasCreated() const { return m_created; }
    // Why the workspace was opened read-only, or what was done on open (a migration).
    QString warning() const { return m_warning; }

    // Another connection to the same file for a worker thread, with the same pragmas.
    Result<std::unique_ptr<SqliteDatabase>> openConnection() const;

    // PRAGMA quick_check (or integrity_check when `full`): the problems found, empty if none.
    static Result<QStringList> check(SqliteDatabase &db, bool full);
    // The pragmas every Fleetdesk connection runs with.
    static Status configure(SqliteDatabase &db);

private:
    Workspace() = default;
    std::unique_ptr<SqliteDatabase> m_db;
    QString m_path;
    QString m_warning;
    bool m_readOnly = false;
    bool m_created = false;
    bool m_integrityPending = false;
};

} // namespace fleet
