#pragma once

#include "audit/Actor.h"
#include "inventory/Device.h"
#include "storage/SqliteDatabase.h"
#include "storage/WorkspaceSession.h"
#include "util/Clock.h"

#include <QByteArray>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>

namespace fleet::test {

// A fresh workspace in a temporary folder, with a manual clock and a fixed actor, removed when
// the object goes away.
class TestWorkspace
{
public:
    TestWorkspace();
    QString path() const { return m_path; }
    QString dir() const { return m_dir.path(); }
    ManualClock &clock() { return m_clock; }
    WorkspaceSession &session() { return *m_session; }
    SqliteDatabase &db() { return m_session->db(); }
    // Closes and reopens (e.g. after an external tool touched the file).
    void reopen();
    void close() { m_session.reset(); }
    bool isOpen() const { return m_session != nullptr; }

    static Actor testActor();
    // A plausible device with the given uid (and, by default, model "GW-4000", site "Plant A").
    static Device makeDevice(const QString &uid);
    // Inserts `count` devices dev-0001.. through InventoryService::saveDevice; returns their ids.
    QList<qint64> addDevices(int count);
    // Number of rows in audit_log.
    qint64 auditCount();

private:
    QTemporaryDir m_dir;
    QString m_path;
    ManualClock m_clock;
    std::unique_ptr<WorkspaceSession> m_session;
};

// SHA-256 (hex) of a file's bytes, or an empty string if it cannot be read.
QByteArray fileSha256(const QString &path);
// A connection to `path` with no workspace checks or pragmas: what an external tool sees.
// Fails the test (and returns nullptr) when the file cannot be opened.
std::unique_ptr<SqliteDatabase>
openRaw(const QString &path, SqliteDatabase::Access access = SqliteDatabase::Access::ReadWrite);
// sqlite_master as sorted "type|name|tbl_name|sql" lines with whitespace in the SQL collapsed,
// root pages left out: two schemas built by the same statements compare equal.
QStringList normalizedSchema(SqliteDatabase &db);
// Rows of a one-column query as strings (fails the test on an SQL error).
QStringList column(SqliteDatabase &db, const QString &sql, const QVariantList &binds = {});
// The value of a one-row, one-column query (fails the test on an SQL error).
QVariant scalarOf(SqliteDatabase &db, const QString &sql, const QVariantList &binds = {});

// Data that a workspace at schema `version` can hold, written with plain SQL as the Fleetdesk
// release of that version would have (plus audit entries through AuditLog, anchored at
// `workspacePath`.audit-head). Version 0 has no tables and gets no data.
void seedVersionData(SqliteDatabase &db, int version, const QString &workspacePath);
// Checks (with QtTest macros) that the data seedVersionData(version) wrote is all there and
// that its audit trail verifies against `workspacePath`.audit-head.
void verifyVersionData(SqliteDatabase &db, int version, const QString &workspacePath);

} // namespace fleet::test
