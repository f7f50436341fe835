#pragma once

#include "audit/AuditEntry.h"
#include "inventory/Device.h"
#include "jobs/Job.h"
#include "jobs/JobStore.h"
#include "protocol/JobMessage.h"
#include "util/Result.h"

#include <QList>
#include <QMap>
#include <optional>

namespace fleet {

class AuditLog;
class AuditedChange;
class SqliteDatabase;

// What an operator asks for: the same job for one or many devices.
struct JobRequest
{
    JobMessage::Kind kind = JobMessage::Kind::Reboot;
    std::optional<JobArtifact> artifact; // update (required), rollback (optional)
    QString targetVersion;               // update (required), rollback (optional)
    QDateTime deadline;                  // optional; the device rejects the job after it
    QMap<QString, QString> settings;     // config
    QString reason;                      // required for rollback and decommission
    QString origin;                      // "fleetctl", "fleetdesk": shown with the job
    std::optional<qint64> releaseId;     // the catalog release an update installs, if any
};

// The jobs operators create and cancel (GUI and fleetctl). Each call is one audited
// transaction: the jobs, their first event and the audit entries commit together or not at
// all. Creating a job only writes it (state "created"); a JobDispatcher connected to the
// broker — in `fleetctl serve` or the Fleetdesk window, possibly another process — publishes
// it.
class JobService
{
public:
    JobService(SqliteDatabase &db, AuditLog &audit);

    // Whether a job of this kind needs a reason: rollback and decommission change what runs
    // on the device or take it out of service.
    static bool needsReason(JobMessage::Kind kind);

    // One job per device (ids as in the inventory), all or none. Each gets a new job id and
    // the device's next seq; the payload is built (and checked) by JobMessage.
    Result<QList<Job>> create(const QList<qint64> &deviceIds, const JobRequest &request);
    // Marks a job that has not finished as cancelled (audited, reason required). The v1 device
    // protocol has no cancel message: a device that already received the job may still run it.
    // Later reports about the job are recorded as events but do not change its state.
    // A DDI action the device was already offered is not cancelled at once: the cancellation
    // is requested (cancel_requested_ms), the server offers cancelAction on the next poll, and
    // the job ends as "cancelled" only when the device confirms.
    Result<Job> cancel(const QString &jobId, const QString &reason);
    // The same inside the caller's open transaction; nothing is committed here.
    Result<Job> cancelWithin(AuditedChange &tx, const QString &jobId, const QString &reason);

    // Writes one MQTT job for `device` (payload, seq, id, first event) inside the caller's
    // transaction; the caller records createRecord() with it. Shared with ReleaseAssigner.
    static Result<Job> insertJob(JobStore &store, const Device &device, const JobRequest &request,
                                 const QDateTime &now);
    static AuditRecord createRecord(const Job &job, const QString &reason);

private:
    SqliteDatabase &m_db;
    AuditLog &m_audit;
    JobStore m_store;
};

} // namespace fleet
