#include "jobs/JobService.h"

#include "audit/AuditLog.h"
#include "inventory/DeviceRepository.h"
#include "storage/SqliteDatabase.h"
#include "util/Clock.h"

#include <QJsonObject>

namespace fleet {

namespace {

QJsonObject jobSnapshot(const Job &job)
{
    QJsonObject o{{QStringLiteral("device"), job.deviceUid},
                  {QStringLiteral("kind"), job.kind},
                  {QStringLiteral("seq"), job.seq},
                  {QStringLiteral("state"), job.state}};
    if (!job.targetVersion.isEmpty())
        o.insert(QStringLiteral("target_version"), job.targetVersion);
    if (job.deadlineMs)
        o.insert(
            QStringLiteral("deadline"),
            QDateTime::fromMSecsSinceEpoch(*job.deadlineMs, Qt::UTC).toString(Qt::ISODateWithMs));
    return o;
}

} // namespace

JobService::JobService(SqliteDatabase &db, AuditLog &audit)
    : m_db(db)
    , m_audit(audit)
    , m_store(db)
{}

bool JobService::needsReason(JobMessage::Kind kind)
{
    return kind == JobMessage::Kind::Rollback || kind == JobMessage::Kind::Decommission;
}

AuditRecord JobService::createRecord(const Job &job, const QString &reason)
{
    return {QStringLiteral("job.create"),
            QStringLiteral("job"),
            job.jobId,
            {},
            jobSnapshot(job),
            reason};
}

Result<Job> JobService::insertJob(JobStore &store, const Device &device, const JobRequest &request,
                                  const QDateTime &now)
{
    JobMessage message;
    message.deviceId = device.uid;
    message.kind = request.kind;
    message.timestamp = now;
    message.artifact = request.artifact;
    message.targetVersion = request.targetVersion;
    message.deadline = request.deadline;
    message.settings = request.settings;
    auto seq = store.nextSeq(device.id);
    if (!seq)
        return seq.error();
    message.seq = seq.value();
    auto jobId = store.uniqueJobId(now);
    if (!jobId)
        return jobId.error();
    message.jobId = jobId.value();
    auto payload = message.build();
    if (!payload)
        return Error::invalid(QStringLiteral("Job for %1: %2").arg(device.uid, payload.message()));

    Job job;
    job.jobId = message.jobId;
    job.deviceId = device.id;
    job.deviceUid = device.uid;
    job.kind = JobMessage::kindName(request.kind);
    job.seq = message.seq;
    job.payload = payload.value();
    job.targetVersion = request.targetVersion;
    job.origin = request.origin;
    job.state = Job::createdState();
    job.createdMs = now.toMSecsSinceEpoch();
    job.updatedMs = job.createdMs;
    if (request.deadline.isValid())
        job.deadlineMs = request.deadline.toMSecsSinceEpoch();
    job.releaseId = request.releaseId;
    auto row = store.insert(job);
    if (!row)
        return row.error();
    job.row = row.value();
    if (Status s = store.recordEvent(
            job.row, {0, job.createdMs, std::nullopt, Job::createdState(), std::nullopt, {}});
        !s)
        return s.error();
    return job;
}

Result<QList<Job>> JobService::create(const QList<qint64> &deviceIds, const JobRequest &request)
{
    if (deviceIds.isEmpty())
        return Error::invalid(QStringLiteral("A job needs at least one device"));
    if (needsReason(request.kind) && request.reason.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("A %1 job needs a reason for the audit trail")
                                  .arg(JobMessage::kindName(request.kind)));
    const QDateTime now = m_audit.clock().nowUtc();
    DeviceRepository devices(m_db);
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    QList<Job> created;
    QSet<qint64> seen;
    for (qint64 deviceId : deviceIds) {
        if (seen.contains(deviceId))
            continue; // naming a device twice must not send it the job twice
        seen.insert(deviceId);
        auto device = devices.load(deviceId);
        if (!device)
            return device.error();

        auto job = insertJob(m_store, device.value(), request, now);
        if (!job)
            return job.error();
        if (Status s =
                tx.record(createRecord(job.value(), request.reason), needsReason(request.kind));
            !s)
            return s.error();
        created << job.value();
    }
    if (Status s = tx.commit(); !s)
        return s.error();
    return created;
}

Result<Job> JobService::cancel(const QString &jobId, const QString &reason)
{
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    auto cancelled = cancelWithin(tx, jobId, reason);
    if (!cancelled)
        return cancelled.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return m_store.load(cancelled->row);
}

Result<Job> JobService::cancelWithin(AuditedChange &tx, const QString &jobId, const QString &reason)
{
    if (reason.trimmed().isEmpty())
        return Error::invalid(
            QStringLiteral("Cancelling a job needs a reason for the audit trail"));
    const qint64 nowMs = m_audit.clock().nowMs();
    auto job = m_store.loadByJobId(jobId);
    if (!job)
        return job.error();
    if (job->isFinished())
        return Error::invalid(QStringLiteral("Job %1 has already finished (%2); there is nothing "
                                             "to cancel")
                                  .arg(jobId, job->state));
    const QJsonObject before{{QStringLiteral("state"), job->state}};
    if (job->transport == Job::ddiTransport() && job->state != Job::createdState()) {
        // The device's DDI client was already offered the action: hawkBit's cancel is a
        // request the device confirms or refuses through cancelAction feedback.
        if (job->cancelRequestedMs)
            return Error::invalid(QStringLiteral("Cancelling job %1 was already asked for; the "
                                                 "device has not answered yet")
                                      .arg(jobId));
        if (Status s = m_store.setCancelRequested(job->row, nowMs); !s)
            return s.error();
        if (Status s = m_store.recordEvent(
                job->row,
                {0, nowMs, std::nullopt, QStringLiteral("cancel_requested"), std::nullopt, reason});
            !s)
            return s.error();
        if (Status s = tx.record(
                {QStringLiteral("job.cancel-request"), QStringLiteral("job"), jobId, before,
                 QJsonObject{{QStringLiteral("state"), job->state},
                             {QStringLiteral("cancel"), QStringLiteral("requested")},
                             {QStringLiteral("device"), job->deviceUid}},
                 reason},
                true);
            !s)
            return s.error();
        return m_store.load(job->row);
    }
    if (Status s = m_store.applyState(job->row, Job::cancelledState(), std::nullopt, reason, nowMs);
        !s)
        return s.error();
    if (Status s = m_store.recordEvent(
            job->row, {0, nowMs, std::nullopt, Job::cancelledState(), std::nullopt, reason});
        !s)
        return s.error();
    if (Status s = tx.record({QStringLiteral("job.cancel"), QStringLiteral("job"), jobId, before,
                              QJsonObject{{QStringLiteral("state"), Job::cancelledState()},
                                          {QStringLiteral("device"), job->deviceUid}},
                              reason},
                             true);
        !s)
        return s.error();
    return m_store.load(job->row);
}

} // namespace fleet
