#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>
#include <QVariant>
#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace fleet {

// One prepared SQLite statement: bind, step, read columns. Move-only; finalized on destruction.
class SqliteStatement
{
public:
    SqliteStatement() = default;
    SqliteStatement(sqlite3 *db, sqlite3_stmt *stmt)
        : m_db(db)
        , m_stmt(stmt)
    {}
    SqliteStatement(SqliteStatement &&other) noexcept;
    SqliteStatement &operator=(SqliteStatement &&other) noexcept;
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;
    ~SqliteStatement();

    bool isValid() const { return m_stmt != nullptr; }

    // Parameters are 1-based, as in SQLite.
    void bindNull(int index);
    void bind(int index, qint64 value);
    void bind(int index, int value) { bind(index, qint64(value)); }
    void bind(int index, bool value) { bind(index, qint64(value ? 1 : 0)); }
    void bind(int index, double value);
    void bind(int index, const QString &value);
    void bind(int index, const char *utf8) = delete; // say QString or QByteArray explicitly
    void bindBlob(int index, const QByteArray &value);
    // Binds text as UTF-8 bytes already encoded; avoids a conversion on hot paths.
    void bindUtf8(int index, const QByteArray &utf8);
    void bindVariant(int index, const QVariant &value);
    // Binds values to parameters 1..n in order.
    void bindAll(const QVariantList &values);

    // Advances: a row is available (true), the statement is done (false), or an error.
    Result<bool> step();
    // step() for read loops: true while a row is available; false when done or on error
    // (see lastStepError()).
    bool next();
    const QString &lastStepError() const { return m_stepError; }
    // Runs to completion, ignoring rows. Resets the statement afterwards so it can be reused.
    Status exec();
    // Rewinds the statement, clears its bindings and its lastStepError().
    void reset();

    int columnCount() const;
    QString columnName(int column) const;
    bool isNull(int column) const;
    qint64 int64(int column) const;
    // Nothing for SQL NULL: for the optional columns (times that have not happened yet).
    std::optional<qint64> optionalInt64(int column) const;
    double real(int column) const;
    QString text(int column) const;
    QByteArray blob(int column) const;
    QVariant value(int column) const;

    QString errorMessage() const;

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QString m_stepError;
};

} // namespace fleet
