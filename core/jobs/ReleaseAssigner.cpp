#include "jobs/ReleaseAssigner.h"

#include "audit/AuditLog.h"
#include "ddi/ArtifactLink.h"
#include "ddi/DdiService.h"
#include "firmware/Release.h"
#include "firmware/ReleaseRepository.h"
#include "inventory/DeviceRepository.h"
#include "jobs/JobService.h"
#include "jobs/JobStore.h"
#include "storage/SqliteDatabase.h"
#include "util/Clock.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace fleet {

ReleaseAssigner::ReleaseAssigner(SqliteDatabase &db, AuditLog &audit)
    : m_db(db)
    , m_audit(audit)
{}

QByteArray ReleaseAssigner::ddiPayload(const Release &release)
{
    const QJsonObject o{{QStringLiteral("release_id"), release.id},
                        {QStringLiteral("name"), release.name},
                        {QStringLiteral("version"), release.version.toString()},
                        {QStringLiteral("file_name"), release.fileName},
                        {QStringLiteral("sha256"), release.sha256},
                        {QStringLiteral("size"), release.size}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

AuditRecord ReleaseAssigner::assignRecord(const Device &device, const Release &release,
                                          const Job &job, const QString &reason)
{
    return {QStringLiteral("firmware.assign"),
            QStringLiteral("device"),
            device.uid,
            QJsonObject{{QStringLiteral("fw_version"), device.fwVersion}},
            QJsonObject{{QStringLiteral("release"), release.name},
                        {QStringLiteral("version"), job.targetVersion},
                        {QStringLiteral("sha256"), release.sha256},
                        {QStringLiteral("job"), job.jobId},
                        {QStringLiteral("kind"), job.kind},
                        {QStringLiteral("transport"), job.transport}},
            reason};
}

Status ReleaseAssigner::recordAssignedVersion(qint64 deviceId, const QString &version)
{
    return m_db.execute(QStringLiteral("UPDATE devices SET fw_assigned = ? WHERE id = ?"),
                        {version, deviceId});
}

Result<AssignmentOutcome> ReleaseAssigner::assign(const AssignmentRequest &request)
{
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    auto outcome = assignWithin(tx, request);
    if (!outcome)
        return outcome.error();
    if (outcome->assigned.isEmpty())
        return outcome; // nothing changed: no empty transaction to commit
    if (Status s = tx.commit(); !s)
        return s.error();
    return outcome;
}

Result<AssignmentOutcome> ReleaseAssigner::assignWithin(AuditedChange &tx,
                                                        const AssignmentRequest &request)
{
    if (request.deviceIds.isEmpty())
        return Error::invalid(QStringLiteral("An assignment needs at least one device"));
    const bool rollback = request.intent == InstallPolicy::Intent::Rollback;
    if (rollback && request.reason.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("A rollback needs a reason for the audit trail"));
    const QDateTime now = m_audit.clock().nowUtc();
    const qint64 nowMs = now.toMSecsSinceEpoch();

    ReleaseRepository releases(m_db);
    auto release = releases.load(request.releaseId);
    if (!release)
        return release.error();
    DeviceRepository devices(m_db);
    JobStore jobs(m_db);

    AssignmentOutcome outcome;
    QSet<qint64> seen;
    for (qint64 deviceId : request.deviceIds) {
        if (seen.contains(deviceId))
            continue;
        seen.insert(deviceId);
        auto device = devices.load(deviceId);
        if (!device)
            return device.error();
        const DeviceFirmwareFacts facts{device->uid, device->model, device->hwRevision,
                                        device->fwVersion};
        InstallVerdict verdict =
            InstallPolicy::evaluate(facts, release.value(), request.intent, request.reason);
        QStringList reasons = verdict.reasons;
        const bool ddi = device->connection == QLatin1String("ddi");
        const bool mqtt = device->connection == QLatin1String("mqtt");
        if (!ddi && !mqtt)
            reasons << QStringLiteral("it is connected over %1, which the update server does not "
                                      "reach")
                           .arg(device->connection);
        if (mqtt && request.artifactBaseUrl.isEmpty())
            reasons << QStringLiteral("it gets updates as MQTT jobs, which need the update "
                                      "server's URL as devices reach it (--artifact-base-url, or "
                                      "the public URL in the update server settings)");
        auto open = jobs.openInstall(deviceId);
        if (!open)
            return open.error();
        if (open->has_value())
            reasons << QStringLiteral("it already has an unfinished %1 (job %2, %3): cancel it "
                                      "first")
                           .arg(open->value().kind, open->value().jobId, open->value().state);
        if (!reasons.isEmpty()) {
            outcome.refused << AssignmentRefusal{device->uid, reasons};
            continue;
        }

        if (mqtt) {
            auto link = ArtifactLink::forWorkspace(m_db);
            if (!link)
                return link.error();
            JobRequest mqttRequest;
            mqttRequest.kind = rollback ? JobMessage::Kind::Rollback : JobMessage::Kind::Update;
            mqttRequest.artifact =
                JobArtifact{link->url(request.artifactBaseUrl, request.tenant, release->id,
                                      DdiService::artifactFileName(release.value()), device->uid)
                                .toString(QUrl::FullyEncoded),
                            release->size, release->sha256, release->signature};
            mqttRequest.targetVersion = release->version.toString();
            mqttRequest.deadline = request.deadline;
            mqttRequest.reason = request.reason;
            mqttRequest.origin = request.origin;
            mqttRequest.releaseId = release->id;
            auto job = JobService::insertJob(jobs, device.value(), mqttRequest, now);
            if (!job)
                return job.error();
            if (Status s = tx.record(JobService::createRecord(job.value(), request.reason),
                                     JobService::needsReason(mqttRequest.kind));
                !s)
                return s.error();
            if (verdict.isRollback)
                if (Status s = tx.record(
                        InstallPolicy::rollbackRecord(facts, release.value(), request.reason),
                        true);
                    !s)
                    return s.error();
            if (Status s = tx.record(
                    assignRecord(device.value(), release.value(), job.value(), request.reason));
                !s)
                return s.error();
            if (Status s = recordAssignedVersion(deviceId, job->targetVersion); !s)
                return s.error();
            outcome.assigned << job.value();
            continue;
        }

        auto jobId = jobs.uniqueJobId(now);
        if (!jobId)
            return jobId.error();
        auto seq = jobs.nextSeq(deviceId);
        if (!seq)
            return seq.error();
        Job job;
        job.jobId = jobId.value();
        job.deviceId = deviceId;
        job.deviceUid = device->uid;
        job.kind = rollback ? QStringLiteral("rollback") : QStringLiteral("update");
        job.seq = seq.value();
        job.payload = ddiPayload(release.value());
        job.targetVersion = release->version.toString();
        job.origin = request.origin;
        job.createdMs = nowMs;
        job.updatedMs = nowMs;
        if (request.deadline.isValid())
            job.deadlineMs = request.deadline.toMSecsSinceEpoch();
        job.transport = Job::ddiTransport();
        job.releaseId = release->id;
        auto row = jobs.insert(job);
        if (!row)
            return row.error();
        job.row = row.value();
        if (Status s = jobs.recordEvent(
                job.row, {0, nowMs, std::nullopt, Job::createdState(), std::nullopt, {}});
            !s)
            return s.error();
        if (verdict.isRollback)
            if (Status s = tx.record(
                    InstallPolicy::rollbackRecord(facts, release.value(), request.reason), true);
                !s)
                return s.error();
        if (Status s =
                tx.record(assignRecord(device.value(), release.value(), job, request.reason));
            !s)
            return s.error();
        if (Status s = recordAssignedVersion(deviceId, job.targetVersion); !s)
            return s.error();
        outcome.assigned << job;
    }
    if (!outcome.refused.isEmpty() && !request.skipRefused) {
        QStringList lines;
        for (const AssignmentRefusal &r : outcome.refused)
            lines << QStringLiteral("%1: %2").arg(r.deviceUid,
                                                  r.reasons.join(QStringLiteral("; ")));
        return Error::invalid(
            QStringLiteral("%1 %2 not take %3 %4, so nothing was assigned:\n%5")
                .arg(outcome.refused.size())
                .arg(outcome.refused.size() == 1 ? QStringLiteral("device may")
                                                 : QStringLiteral("devices may"))
                .arg(release->name, release->version.toString(), lines.join(QLatin1Char('\n'))));
    }
    return outcome;
}

} // namespace fleet
