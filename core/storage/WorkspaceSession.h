#pragma once

#include "audit/AuditLog.h"
#include "inventory/InventoryService.h"
#include "inventory/SavedFilters.h"
#include "storage/Workspace.h"

#include <memory>

namespace fleet {

class Clock;

// An open workspace with the services that write to it, for one thread: the GUI's main
// thread, fleetctl, a test. Worker threads open their own connection with
// Workspace::openConnection().
class WorkspaceSession
{
public:
    static Result<std::unique_ptr<WorkspaceSession>> open(const QString &path,
                                                          Workspace::OpenOptions options,
                                                          const Clock &clock, const Actor &actor);

    Workspace &workspace() { return *m_workspace; }
    SqliteDatabase &db() { return m_workspace->db(); }
    AuditLog &audit() { return *m_audit; }
    InventoryService &inventory() { return *m_inventory; }
    SavedFilters &savedFilters() { return *m_savedFilters; }
    const Clock &clock() const { return m_clock; }

private:
    WorkspaceSession(std::unique_ptr<Workspace> ws, const Clock &clock, const Actor &actor);
    std::unique_ptr<Workspace> m_workspace;
    const Clock &m_clock;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<InventoryService> m_inventory;
    std::unique_ptr<SavedFilters> m_savedFilters;
};

} // namespace fleet
