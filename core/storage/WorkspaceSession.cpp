#include "WorkspaceSession.h"

namespace fleet {

Result<std::unique_ptr<WorkspaceSession>> WorkspaceSession::open(const QString &path,
                                                                 Workspace::OpenOptions options,
                                                                 const Clock &clock,
                                                                 const Actor &actor)
{
    auto ws = Workspace::open(path, options);
    if (!ws)
        return ws.error();
    return std::unique_ptr<WorkspaceSession>(
        new WorkspaceSession(std::move(ws.value()), clock, actor));
}

WorkspaceSession::WorkspaceSession(std::unique_ptr<Workspace> ws, const Clock &clock,
                                   const Actor &actor)
    : m_workspace(std::move(ws))
    , m_clock(clock)
    , m_audit(
          std::make_unique<AuditLog>(m_workspace->db(), clock, actor, m_workspace->auditHeadPath()))
    , m_inventory(std::make_unique<InventoryService>(m_workspace->db(), *m_audit))
    , m_savedFilters(std::make_unique<SavedFilters>(m_workspace->db(), *m_audit))
{}

} // namespace fleet
