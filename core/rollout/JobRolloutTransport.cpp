#include "rollout/JobRolloutTransport.h"

#include "audit/AuditLog.h"
#include "firmware/InstallPolicy.h"
#include "inventory/DeviceRepository.h"
#include "jobs/JobService.h"
#include "jobs/JobStore.h"
#include "jobs/ReleaseAssigner.h"
#include "storage/SqliteDatabase.h"
#include "storage/SqliteStatement.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace fleet {

namespace {

QString idList(const QList<qint64> &ids)
{
    QJsonArray a;
    for (qint64 id : ids)
        a << id;
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

// Refusals come back as text per device uid; the engine wants device ids.
void addRefusals(TransportHandOff &handOff, const AssignmentOutcome &outcome,
                 const QHash<QString, qint64> &idOfUid)
{
    for (const AssignmentRefusal &r : outcome.refused)
        handOff.refused << TransportHandOff::Refused{idOfUid.value(r.deviceUid),
                                                     r.reasons.join(QStringLiteral("; "))};
    for (const Job &job : outcome.assigned)
        handOff.handed << TransportHandOff::Handed{job.deviceId, job.row};
}

} // namespace

JobRolloutTransport::JobRolloutTransport(SqliteDatabase &db, AuditLog &audit, QUrl artifactBaseUrl,
                                         QString tenant)
    : m_db(db)
    , m_audit(audit)
    , m_artifactBaseUrl(std::move(artifactBaseUrl))
    , m_tenant(std::move(tenant))
{}

Result<TransportHandOff> JobRolloutTransport::startInstall(AuditedChange &tx, qint64 releaseId,
                                                           const QList<qint64> &deviceIds,
                                                           const QString &reason)
{
    TransportHandOff handOff;
    if (deviceIds.isEmpty())
        return handOff;
    auto uids = m_db.prepare(
        QStringLiteral("SELECT id, uid FROM devices WHERE id IN (SELECT value FROM json_each(?))"));
    if (!uids)
        return uids.error();
    uids->bindAll({idList(deviceIds)});
    QHash<QString, qint64> idOfUid;
    while (uids->next())
        idOfUid.insert(uids->text(1), uids->int64(0));
    AssignmentRequest request;
    request.releaseId = releaseId;
    request.deviceIds = deviceIds;
    request.reason = reason;
    request.origin = origin();
    request.skipRefused = true;
    request.artifactBaseUrl = m_artifactBaseUrl;
    request.tenant = m_tenant;
    ReleaseAssigner assigner(m_db, m_audit);
    auto outcome = assigner.assignWithin(tx, request);
    if (!outcome)
        return outcome.error();
    addRefusals(handOff, outcome.value(), idOfUid);
    return handOff;
}

Result<TransportHandOff> JobRolloutTransport::startRollback(AuditedChange &tx,
                                                            const QList<RollbackTarget> &targets,
                                                            const QString &reason)
{
    TransportHandOff handOff;
    DeviceRepository devices(m_db);
    JobStore jobs(m_db);
    const QDateTime now = m_audit.clock().nowUtc();
    for (const RollbackTarget &target : targets) {
        auto device = devices.load(target.deviceId);
        if (!device)
            return device.error();
        // The approved release of that version for the device's model, newest first.
        auto release = m_db.scalar(
            QStringLiteral("SELECT r.id FROM releases r WHERE r.version = ? AND r.state = "
                           "'approved' AND (r.models_json = '[]' OR EXISTS (SELECT 1 FROM "
                           "json_each(r.models_json) WHERE value = ?)) ORDER BY r.created_ms DESC "
                           "LIMIT 1"),
            {target.knownGoodVersion, device->model});
        if (!release)
            return release.error();
        if (release->isValid()) {
            AssignmentRequest request;
            request.releaseId = release->toLongLong();
            request.deviceIds = {target.deviceId};
            request.intent = InstallPolicy::Intent::Rollback;
            request.reason = reason;
            request.origin = origin();
            request.skipRefused = true;
            request.artifactBaseUrl = m_artifactBaseUrl;
            request.tenant = m_tenant;
            ReleaseAssigner assigner(m_db, m_audit);
            auto outcome = assigner.assignWithin(tx, request);
            if (!outcome)
                return outcome.error();
            addRefusals(handOff, outcome.value(), {{device->uid, target.deviceId}});
            continue;
        }
        if (device->connection != QLatin1String("mqtt")) {
            handOff.refused << TransportHandOff::Refused{
                target.deviceId,
                QStringLiteral("the catalog has no approved release of %1 for model %2, and a "
                               "%3 device can only go back by installing one")
                    .arg(target.knownGoodVersion, device->model, device->connection)};
            continue;
        }
        auto open = jobs.openInstall(target.deviceId);
        if (!open)
            return open.error();
        if (open->has_value()) {
            handOff.refused << TransportHandOff::Refused{
                target.deviceId, QStringLiteral("it has an unfinished %1 (job %2)")
                                     .arg(open->value().kind, open->value().jobId)};
            continue;
        }
        // No release to install: the device switches back to the slot that holds the version.
        JobRequest request;
        request.kind = JobMessage::Kind::Rollback;
        request.targetVersion = target.knownGoodVersion;
        request.reason = reason;
        request.origin = origin();
        auto job = JobService::insertJob(jobs, device.value(), request, now);
        if (!job)
            return job.error();
        if (Status s = tx.record(JobService::createRecord(job.value(), reason), true); !s)
            return s.error();
        if (Status s = ReleaseAssigner(m_db, m_audit)
                           .recordAssignedVersion(target.deviceId, target.knownGoodVersion);
            !s)
            return s.error();
        handOff.handed << TransportHandOff::Handed{target.deviceId, job->row};
    }
    return handOff;
}

Result<QHash<qint64, TransportJobState>>
JobRolloutTransport::jobStates(const QList<qint64> &jobRows)
{
    QHash<qint64, TransportJobState> states;
    if (jobRows.isEmpty())
        return states;
    auto s = m_db.prepare(QStringLiteral("SELECT id, state, reason, updated_ms, finished_ms FROM "
                                         "jobs WHERE id IN (SELECT value FROM json_each(?))"));
    if (!s)
        return s.error();
    s->bindAll({idList(jobRows)});
    while (s->next())
        states.insert(s->int64(0),
                      TransportJobState{s->text(1), s->text(2), s->int64(3), !s->isNull(4)});
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return states;
}

Status JobRolloutTransport::cancel(AuditedChange &tx, qint64 jobRow, const QString &reason)
{
    JobStore store(m_db);
    auto job = store.load(jobRow);
    if (!job)
        return job.status();
    if (job->isFinished())
        return Status::success();
    JobService service(m_db, m_audit);
    auto cancelled = service.cancelWithin(tx, job->jobId, reason);
    if (!cancelled)
        return cancelled.status();
    return Status::success();
}

} // namespace fleet
