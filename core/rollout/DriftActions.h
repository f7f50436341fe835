#pragma once

#include "jobs/Job.h"
#include "util/Result.h"

#include <QString>
#include <QUrl>

namespace fleet {

class AuditLog;
class Clock;
class SqliteDatabase;

// The two ways to settle a drift finding, each audited with a reason:
// - accept the reported version: the device is right; what it runs becomes what the server
//   wants it on (devices.fw_assigned), and its findings are scanned again;
// - re-target: the server is right; the approved release of the assigned version for the
//   device's model is assigned to it again (ReleaseAssigner, so the install policy applies).
class DriftActions
{
public:
    DriftActions(SqliteDatabase &db, AuditLog &audit, const Clock &clock);

    // The version now assigned.
    Result<QString> acceptReported(const QString &uid, const QString &reason);
    // The job that carries the install. `artifactBaseUrl` for MQTT devices (empty: the update
    // server's public URL setting).
    Result<Job> retarget(const QString &uid, const QString &reason, QUrl artifactBaseUrl = {});

private:
    SqliteDatabase &m_db;
    AuditLog &m_audit;
    const Clock &m_clock;
};

} // namespace fleet
