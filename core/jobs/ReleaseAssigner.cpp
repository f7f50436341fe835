#include "jobs/ReleaseAssigner.h"

#include "audit/AuditLog.h"
#include "firmware/Release.h"
#include "firmware/ReleaseRepository.h"
#include "inventory/DeviceRepository.h"
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

Result<AssignmentOutcome> ReleaseAssigner::assign(const AssignmentRequest &request)
{
    if (request.deviceIds.isEmpty())
        return Error::invalid(QStringLiteral("An assignment needs at least one device"));
    const bool rollback = request.intent == InstallPolicy::Intent::Rollback;
    if (rollback && request.reason.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("A rollback needs a reason for the audit trail"));
    const QDateTime now = m_audit.clock().nowUtc();
    const qint64 nowMs = now.toMSecsSinceEpoch();

    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
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
        if (device->connection != QLatin1String("ddi"))
            reasons << QStringLiteral("it is connected over %1, not through the update server: "
                                      "send it an update job (fleetctl job send update) or give "
                                      "it a DDI token (fleetctl device token)")
                           .arg(device->connection);
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
                tx.record({QStringLiteral("firmware.assign"), QStringLiteral("device"), device->uid,
                           QJsonObject{{QStringLiteral("fw_version"), device->fwVersion}},
                           QJsonObject{{QStringLiteral("release"), release->name},
                                       {QStringLiteral("version"), job.targetVersion},
                                       {QStringLiteral("sha256"), release->sha256},
                                       {QStringLiteral("job"), job.jobId},
                                       {QStringLiteral("kind"), job.kind},
                                       {QStringLiteral("transport"), job.transport}},
                           request.reason});
            !s)
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
    if (outcome.assigned.isEmpty())
        return outcome; // nothing changed: no empty transaction to commit
    if (Status s = tx.commit(); !s)
        return s.error();
    return outcome;
}

} // namespace fleet
