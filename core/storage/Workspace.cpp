#include "Workspace.h"

#include "audit/AuditHeadAnchor.h"
#include "storage/Migrations.h"
#include "storage/WorkspaceBackup.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace fleet {

namespace {

// What quick_check/integrity_check or the first read failed with, as one line.
QString firstProblem(const QStringList &problems)
{
    QString p = problems.value(0);
    if (problems.size() > 1)
        p += QStringLiteral(" (and %1 more)").arg(problems.size() - 1);
    return p;
}

// The cheap part of the check, for a deferred open: the file is SQLite and its schema reads.
Result<QStringList> readProbe(SqliteDatabase &db)
{
    auto tables = db.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master"));
    if (!tables)
        return QStringList{tables.message()};
    auto devices = db.scalar(QStringLiteral("SELECT max(id) FROM devices"));
    if (!devices)
        return QStringList{devices.message()};
    return QStringList();
}

// True when the file is empty (SQLite makes a new database of it) or starts like one.
bool looksLikeSqlite(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return true; // let SQLite report why it cannot be read
    if (f.size() == 0)
        return true;
    static const QByteArray magic("SQLite format 3\0", 16);
    return f.read(magic.size()) == magic;
}

} // namespace

QString Workspace::defaultPath()
{
    // Not AppDataLocation: that depends on each program's organization and application names,
    // and fleetdesk and fleetctl must find the same default workspace.
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir(dir).filePath(QStringLiteral("fleetdesk/workspace.fleetdesk"));
}

QString Workspace::auditHeadPath() const
{
    return AuditHeadAnchor::pathForWorkspace(m_path);
}

Status Workspace::configure(SqliteDatabase &db)
{
    // synchronous=FULL: a committed audit entry or state change survives a power cut, not only
    // an application crash (NORMAL may roll the last commits back).
    QString pragmas = QStringLiteral("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; "
                                     "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32768;");
    return db.exec(pragmas);
}

Result<QStringList> Workspace::check(SqliteDatabase &db, bool full)
{
    auto stmt = db.prepare(full ? QStringLiteral("PRAGMA integrity_check")
                                : QStringLiteral("PRAGMA quick_check"));
    if (!stmt)
        return QStringList{stmt.message()};
    QStringList problems;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return QStringList{row.message()};
        if (!row.value())
            break;
        const QString line = stmt->text(0);
        if (line != QLatin1String("ok"))
            problems << line;
    }
    return problems;
}

Result<std::unique_ptr<Workspace>> Workspace::open(const QString &path, OpenOptions options)
{
    std::unique_ptr<Workspace> ws(new Workspace);
    ws->m_path = QFileInfo(path).absoluteFilePath();

    const bool exists = QFileInfo::exists(ws->m_path);
    if (!exists && (!options.create || options.readOnly))
        return Error::notFound(QStringLiteral("No workspace at %1").arg(ws->m_path));
    if (!exists) {
        const QDir dir = QFileInfo(ws->m_path).absoluteDir();
        if (!dir.exists() && !QDir().mkpath(dir.absolutePath()))
            return Error::failed(
                QStringLiteral("Cannot create the folder %1").arg(dir.absolutePath()));
    }

    if (exists && !looksLikeSqlite(ws->m_path))
        return Error{Error::Kind::Incompatible,
                     QStringLiteral("%1 is not a Fleetdesk workspace: it is not an SQLite "
                                    "database file. It was not changed.")
                         .arg(ws->m_path)};

    using Access = SqliteDatabase::Access;
    const Access access = options.readOnly ? Access::ReadOnly
                          : exists         ? Access::ReadWrite
                                           : Access::ReadWriteCreate;
    auto db = SqliteDatabase::open(ws->m_path, access);
    if (!db)
        return db.error();
    ws->m_db = std::move(db.value());
    ws->m_created = !exists;
    ws->m_readOnly = options.readOnly;

    if (exists) {
        // Check before anything writes: a damaged file is never "repaired" behind the user's
        // back. Reading the schema version first also catches files that are not SQLite at all.
        auto version = Migrations::currentVersion(*ws->m_db);
        const bool deferCheck = options.deferIntegrityCheck && !options.readOnly && version.ok() &&
                                version.value() == Migrations::latestVersion();
        auto problems = !version     ? Result<QStringList>(QStringList{version.message()})
                        : deferCheck ? readProbe(*ws->m_db)
                                     : check(*ws->m_db, false);
        ws->m_integrityPending = deferCheck;
        if (!problems.value().isEmpty()) {
            const QString what = firstProblem(problems.value());
            auto readOnly = SqliteDatabase::open(ws->m_path, Access::ReadOnly);
            // Readable means the current schema and its main tables can be read row by row:
            // NOT INDEXED, since count(*) alone is answered from any index and would not touch
            // a destroyed table.
            const bool readable =
                version.ok() && version.value() == Migrations::latestVersion() && readOnly.ok() &&
                readOnly.value()
                    ->scalar(QStringLiteral("SELECT count(*) FROM devices NOT INDEXED"))
                    .ok() &&
                readOnly.value()
                    ->scalar(QStringLiteral("SELECT count(*) FROM audit_log NOT INDEXED"))
                    .ok();
            if (!readable)
                return Error{Error::Kind::Damaged,
                             QStringLiteral("%1 is damaged and cannot be read (%2). Nothing was "
                                            "changed; restore it from a backup.")
                                 .arg(ws->m_path, what)};
            ws->m_db = std::move(readOnly.value());
            ws->m_readOnly = true;
            ws->m_warning = QStringLiteral("%1 failed its integrity check (%2). It is open "
                                           "read-only and nothing will be written to it; "
                                           "restore it from a backup.")
                                .arg(ws->m_path, what);
            return ws;
        }
        if (version.value() > Migrations::latestVersion())
            return Error{Error::Kind::Incompatible,
                         QStringLiteral("%1 was written by a newer Fleetdesk (schema version %2; "
                                        "this build knows up to %3). Open it with that version "
                                        "or newer; it was not changed.")
                             .arg(ws->m_path)
                             .arg(version.value())
                             .arg(Migrations::latestVersion())};
        if (version.value() == 0) {
            // Schema 0 with tables is another application's database: migrating would write
            // Fleetdesk's tables into it.
            auto objects = ws->m_db->scalar(QStringLiteral("SELECT count(*) FROM sqlite_master"));
            if (!objects)
                return objects.error();
            if (objects.value().toLongLong() > 0)
                return Error{Error::Kind::Incompatible,
                             QStringLiteral("%1 is not a Fleetdesk workspace: it is an SQLite "
                                            "database of another application. It was not "
                                            "changed.")
                                 .arg(ws->m_path)};
        }
        if (version.value() < Migrations::latestVersion() && options.readOnly)
            return Error{Error::Kind::Incompatible,
                         QStringLiteral("%1 has schema version %2 and needs upgrading to %3: "
                                        "open it once without --read-only")
                             .arg(ws->m_path)
                             .arg(version.value())
                             .arg(Migrations::latestVersion())};
        if (version.value() > 0 && version.value() < Migrations::latestVersion() &&
            options.backupBeforeMigrate) {
            const QString backupPath =
                QStringLiteral("%1.v%2.bak").arg(ws->m_path).arg(version.value());
            if (Status s = WorkspaceBackup::run(*ws->m_db, ws->m_path, backupPath); !s)
                return Error::failed(QStringLiteral("Could not back up %1 before upgrading its "
                                                    "schema: %2")
                                         .arg(ws->m_path, s.message()));
            ws->m_warning = QStringLiteral("The workspace schema was upgraded from version %1 "
                                           "to %2; the previous file was kept as %3.")
                                .arg(version.value())
                                .arg(Migrations::latestVersion())
                                .arg(backupPath);
        }
    }

    if (!ws->m_readOnly) {
        if (Status s = ws->m_db->exec(QStringLiteral("PRAGMA journal_mode=WAL")); !s)
            return Error::failed(
                QStringLiteral("Cannot switch %1 to WAL mode: %2").arg(ws->m_path, s.message()));
    }
    if (Status s = configure(*ws->m_db); !s)
        return s.error();
    if (ws->m_integrityPending) {
        // Refuse writes on this connection until the deferred check has passed.
        if (Status s = ws->m_db->exec(QStringLiteral("PRAGMA query_only=ON")); !s)
            return s.error();
    }
    if (!ws->m_readOnly) {
        if (Status s = Migrations::migrate(*ws->m_db); !s)
            return s.error();
    }
    return ws;
}

void Workspace::completeIntegrityCheck(const QStringList &problems)
{
    if (!m_integrityPending)
        return;
    m_integrityPending = false;
    if (problems.isEmpty()) {
        (void)m_db->exec(QStringLiteral("PRAGMA query_only=OFF"));
        return;
    }
    m_readOnly = true;
    m_warning = QStringLiteral("%1 failed its integrity check (%2). It is open read-only and "
                               "nothing will be written to it; restore it from a backup.")
                    .arg(m_path, firstProblem(problems));
}

Result<std::unique_ptr<SqliteDatabase>> Workspace::openConnection() const
{
    auto db = SqliteDatabase::open(m_path, isReadOnly() ? SqliteDatabase::Access::ReadOnly
                                                        : SqliteDatabase::Access::ReadWrite);
    if (!db)
        return db.error();
    if (Status s = configure(*db.value()); !s)
        return s.error();
    return std::move(db.value());
}

} // namespace fleet
