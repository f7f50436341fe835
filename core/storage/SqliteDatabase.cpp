#include "SqliteDatabase.h"

#include <QFileInfo>
#include <sqlite3.h>

namespace fleet {

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const QString &path, Access access)
{
    // Once, before the first connection initialises SQLite: its allocation statistics take a
    // global mutex on every allocation (several per row written; 5-10 % of the ingest writer
    // thread), and nothing here reads them. Refused harmlessly if SQLite is initialised already.
    static const int noMemoryStatistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    Q_UNUSED(noMemoryStatistics)
    int flags = SQLITE_OPEN_NOMUTEX; // one connection per thread: no need for SQLite's mutexes
    switch (access) {
    case Access::ReadWrite:
        flags |= SQLITE_OPEN_READWRITE;
        break;
    case Access::ReadWriteCreate:
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        break;
    case Access::ReadOnly:
        flags |= SQLITE_OPEN_READONLY;
        break;
    }
    sqlite3 *db = nullptr;
    const QByteArray utf8Path = path.toUtf8();
    const int rc = sqlite3_open_v2(utf8Path.constData(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        QString why =
            db ? QString::fromUtf8(sqlite3_errmsg(db)) : QString::fromUtf8(sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        if (rc == SQLITE_CANTOPEN && !QFileInfo::exists(path))
            return Error::notFound(QStringLiteral("No workspace at %1").arg(path));
        return Error::failed(QStringLiteral("Cannot open %1: %2").arg(path, why));
    }
    sqlite3_extended_result_codes(db, 1);
    // Another connection (the GUI and fleetctl at once) may hold the write lock briefly.
    sqlite3_busy_timeout(db, 10000);
    return std::unique_ptr<SqliteDatabase>(new SqliteDatabase(db, path, access));
}

SqliteDatabase::SqliteDatabase(sqlite3 *db, QString path, Access access)
    : m_db(db)
    , m_path(std::move(path))
    , m_access(access)
{}

SqliteDatabase::~SqliteDatabase()
{
    sqlite3_close_v2(m_db);
}

Status SqliteDatabase::exec(const QString &sql)
{
    char *message = nullptr;
    const int rc = sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, &message);
    if (rc == SQLITE_OK)
        return {};
    const QString text = message ? QString::fromUtf8(message) : lastErrorMessage();
    sqlite3_free(message);
    return Error::failed(text);
}

Result<SqliteStatement> SqliteDatabase::prepare(const QString &sql)
{
    sqlite3_stmt *stmt = nullptr;
    const QByteArray utf8 = sql.toUtf8();
    const int rc = sqlite3_prepare_v3(m_db, utf8.constData(), int(utf8.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK)
        return Error::failed(
            QStringLiteral("%1 (in: %2)").arg(lastErrorMessage(), sql.simplified()));
    return SqliteStatement(m_db, stmt);
}

Status SqliteDatabase::execute(const QString &sql, const QVariantList &binds)
{
    auto stmt = prepare(sql);
    if (!stmt)
        return stmt.status();
    stmt->bindAll(binds);
    return stmt->exec();
}

Result<QVariant> SqliteDatabase::scalar(const QString &sql, const QVariantList &binds)
{
    auto stmt = prepare(sql);
    if (!stmt)
        return stmt.error();
    stmt->bindAll(binds);
    auto row = stmt->step();
    if (!row)
        return row.error();
    if (!row.value())
        return QVariant();
    return stmt->value(0);
}

qint64 SqliteDatabase::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int SqliteDatabase::changes() const
{
    return sqlite3_changes(m_db);
}

QString SqliteDatabase::lastErrorMessage() const
{
    return QString::fromUtf8(sqlite3_errmsg(m_db));
}

SqliteTransaction::SqliteTransaction(SqliteDatabase &db, Mode mode)
    : m_db(db)
{
    m_begin = m_db.exec(mode == Mode::Immediate ? QStringLiteral("BEGIN IMMEDIATE")
                                                : QStringLiteral("BEGIN"));
    m_open = m_begin.ok();
}

SqliteTransaction::~SqliteTransaction()
{
    rollback();
}

Status SqliteTransaction::commit()
{
    if (!m_open)
        return m_begin.ok() ? Status(Error::failed(QStringLiteral("Transaction already ended")))
                            : m_begin;
    Status s = m_db.exec(QStringLiteral("COMMIT"));
    if (s.ok())
        m_open = false;
    else
        rollback(); // e.g. SQLITE_FULL at commit: nothing was written
    return s;
}

void SqliteTransaction::rollback()
{
    if (m_open) {
        (void)m_db.exec(QStringLiteral("ROLLBACK"));
        m_open = false;
    }
}

} // namespace fleet
