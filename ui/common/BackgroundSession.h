#pragma once

#include "audit/AuditLog.h"
#include "inventory/InventoryService.h"
#include "util/Result.h"

#include <memory>

namespace fleet {

class SqliteDatabase;
class WorkspaceSession;

// What a background task (QtConcurrent) needs to read or write the workspace: its own
// connection, and an audit log and inventory service on it with the GUI session's actor and
// clock. Opened on the GUI thread (quick), then used only by the one task it is handed to.
class BackgroundSession
{
public:
    static Result<std::shared_ptr<BackgroundSession>> open(WorkspaceSession &session);
    ~BackgroundSession();

    SqliteDatabase &db() { return *m_db; }
    AuditLog &audit() { return *m_audit; }
    InventoryService &inventory() { return *m_inventory; }
    QString workspacePath() const { return m_workspacePath; }
    QString auditHeadPath() const { return m_auditHeadPath; }

private:
    BackgroundSession() = default;
    std::unique_ptr<SqliteDatabase> m_db;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<InventoryService> m_inventory;
    QString m_workspacePath;
    QString m_auditHeadPath;
};

} // namespace fleet
