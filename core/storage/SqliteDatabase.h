#pragma once

#include "storage/SqliteStatement.h"
#include "util/Result.h"

#include <QString>
#include <QVariantList>
#include <memory>

struct sqlite3;

namespace fleet {

// One SQLite connection, owned by one thread. Thin and explicit: Fleetdesk needs the backup
// API, user_version, triggers and precise pragmas, so it talks to SQLite directly.
class SqliteDatabase
{
public:
    enum class Access { ReadWrite, ReadWriteCreate, ReadOnly };

    static Result<std::unique_ptr<SqliteDatabase>> open(const QString &path, Access access);
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase &) = delete;
    SqliteDatabase &operator=(const SqliteDatabase &) = delete;

    // Runs one or more statements without parameters.
    Status exec(const QString &sql);
    Result<SqliteStatement> prepare(const QString &sql);
    // Runs a statement with parameters bound in order, discarding rows.
    Status execute(const QString &sql, const QVariantList &binds = {});
    // The first column of the first row, or an invalid QVariant when there is no row.
    Result<QVariant> scalar(const QString &sql, const QVariantList &binds = {});

    qint64 lastInsertRowId() const;
    int changes() const;
    QString lastErrorMessage() const;
    bool isReadOnly() const { return m_access == Access::ReadOnly; }
    QString path() const { return m_path; }
    sqlite3 *handle() const { return m_db; }

private:
    SqliteDatabase(sqlite3 *db, QString path, Access access);
    sqlite3 *m_db = nullptr;
    QString m_path;
    Access m_access;
};

// A transaction that rolls back unless committed. IMMEDIATE takes the write lock at once, so a
// read-then-write (like appending to the audit chain) cannot interleave with another writer.
class SqliteTransaction
{
public:
    enum class Mode { Deferred, Immediate };
    explicit SqliteTransaction(SqliteDatabase &db, Mode mode = Mode::Immediate);
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction &) = delete;
    SqliteTransaction &operator=(const SqliteTransaction &) = delete;

    const Status &beginStatus() const { return m_begin; }
    Status commit();
    void rollback();

private:
    SqliteDatabase &m_db;
    Status m_begin;
    bool m_open = false;
};

} // namespace fleet
