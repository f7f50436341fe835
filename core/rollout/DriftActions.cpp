#include "rollout/DriftActions.h"

#include "audit/AuditLog.h"
#include "ddi/UpdateServerSettings.h"
#include "firmware/SemanticVersion.h"
#include "jobs/ReleaseAssigner.h"
#include "rollout/DriftScanner.h"
#include "storage/SqliteDatabase.h"
#include "storage/SqliteStatement.h"

#include <QJsonObject>

namespace fleet {

namespace {

struct DeviceVersions
{
    qint64 id = 0;
    QString model;
    QString reported;
    QString assigned;
};

Result<DeviceVersions> versionsOf(SqliteDatabase &db, const QString &uid)
{
    auto s = db.prepare(
        QStringLiteral("SELECT id, model, fw_version, fw_assigned FROM devices WHERE uid = ?"));
    if (!s)
        return s.error();
    s->bindAll({uid});
    if (!s->next())
        return Error::notFound(QStringLiteral("No device '%1' in the inventory").arg(uid));
    return DeviceVersions{s->int64(0), s->text(1), s->text(2), s->text(3)};
}

} // namespace

DriftActions::DriftActions(SqliteDatabase &db, AuditLog &audit, const Clock &clock)
    : m_db(db)
    , m_audit(audit)
    , m_clock(clock)
{}

Result<QString> DriftActions::acceptReported(const QString &uid, const QString &reason)
{
    if (reason.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("Accepting the reported version needs a reason for "
                                             "the audit trail"));
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    auto device = versionsOf(m_db, uid);
    if (!device)
        return device.error();
    if (device->reported.isEmpty())
        return Error::invalid(QStringLiteral("%1 has not reported a version to accept").arg(uid));
    if (Status s = m_db.execute(QStringLiteral("UPDATE devices SET fw_assigned = ? WHERE id = ?"),
                                {device->reported, device->id});
        !s)
        return s.error();
    if (Status s = tx.record({QStringLiteral("device.accept-version"), QStringLiteral("device"),
                              uid, QJsonObject{{QStringLiteral("fw_assigned"), device->assigned}},
                              QJsonObject{{QStringLiteral("fw_assigned"), device->reported}},
                              reason.trimmed()},
                             true);
        !s)
        return s.error();
    DriftScanner scanner(m_db, m_clock);
    if (auto rescanned = scanner.scanDevice(device->id); !rescanned)
        return rescanned.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return device->reported;
}

Result<Job> DriftActions::retarget(const QString &uid, const QString &reason, QUrl artifactBaseUrl)
{
    if (reason.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("Re-targeting a device needs a reason for the audit "
                                             "trail"));
    auto device = versionsOf(m_db, uid);
    if (!device)
        return device.error();
    if (device->assigned.isEmpty())
        return Error::invalid(QStringLiteral("No version is assigned to %1: assign a release to "
                                             "it instead")
                                  .arg(uid));
    auto release = m_db.scalar(
        QStringLiteral(
            "SELECT r.id FROM releases r WHERE r.version = ? AND r.state = 'approved' "
            "AND (r.models_json = '[]' OR EXISTS (SELECT 1 FROM json_each(r.models_json) "
            "WHERE value = ?)) ORDER BY r.created_ms DESC LIMIT 1"),
        {device->assigned, device->model});
    if (!release)
        return release.error();
    if (!release->isValid())
        return Error::notFound(QStringLiteral("The catalog has no approved release of %1 for "
                                              "model %2 to send to %3 again")
                                   .arg(device->assigned, device->model, uid));
    if (artifactBaseUrl.isEmpty()) {
        auto settings = UpdateServerSettingsStore(m_db, m_audit).load();
        if (settings && !settings->publicUrl.isEmpty())
            artifactBaseUrl = QUrl(settings->publicUrl);
    }
    AssignmentRequest request;
    request.releaseId = release->toLongLong();
    request.deviceIds = {device->id};
    request.reason = QStringLiteral("re-target to %1: %2").arg(device->assigned, reason.trimmed());
    request.origin = QStringLiteral("drift");
    request.artifactBaseUrl = artifactBaseUrl;
    // Going back to an assigned version older than what the device runs is a downgrade, which
    // the install policy only allows as an explicit rollback.
    auto assigned = SemanticVersion::parse(device->assigned);
    auto reported = SemanticVersion::parse(device->reported);
    if (assigned && reported && SemanticVersion::compare(assigned.value(), reported.value()) < 0)
        request.intent = InstallPolicy::Intent::Rollback;
    ReleaseAssigner assigner(m_db, m_audit);
    auto outcome = assigner.assign(request);
    if (!outcome)
        return outcome.error();
    if (outcome->assigned.isEmpty())
        return Error::invalid(QStringLiteral("%1 was not re-targeted").arg(uid));
    return outcome->assigned.front();
}

} // namespace fleet
