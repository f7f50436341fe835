#include "BackgroundSession.h"

#include "storage/SqliteDatabase.h"
#include "storage/WorkspaceSession.h"

namespace fleet {

Result<std::shared_ptr<BackgroundSession>> BackgroundSession::open(WorkspaceSession &session)
{
    auto connection = session.workspace().openConnection();
    if (!connection)
        return connection.error();
    std::shared_ptr<BackgroundSession> s(new BackgroundSession);
    s->m_db = std::move(connection.value());
    s->m_workspacePath = session.workspace().path();
    s->m_auditHeadPath = session.workspace().auditHeadPath();
    s->m_audit = std::make_unique<AuditLog>(*s->m_db, session.clock(), session.audit().actor(),
                                            s->m_auditHeadPath);
    s->m_inventory = std::make_unique<InventoryService>(*s->m_db, *s->m_audit);
    return s;
}

BackgroundSession::~BackgroundSession() = default;

} // namespace fleet
