#include "InstallPolicy.h"

namespace fleet {

QString InstallVerdict::summary() const
{
    if (!allowed)
        return QStringLiteral("refused: ") + reasons.join(QStringLiteral("; "));
    QString s =
        isRollback ? QStringLiteral("allowed as an explicit rollback") : QStringLiteral("allowed");
    if (!notes.isEmpty())
        s += QStringLiteral(" (") + notes.join(QStringLiteral("; ")) + QLatin1Char(')');
    return s;
}

InstallVerdict InstallPolicy::evaluate(const DeviceFirmwareFacts &device, const Release &release,
                                       Intent intent, const QString &rollbackReason)
{
    InstallVerdict v;
    const QString label = QStringLiteral("%1 %2").arg(release.name, release.version.toString());

    if (release.state == ReleaseState::Revoked)
        v.reasons << QStringLiteral("release %1 is revoked (%2)").arg(label, release.revokedReason);
    else if (release.state != ReleaseState::Approved)
        v.reasons << QStringLiteral("release %1 is a draft: only approved (signed) releases are "
                                    "installed")
                         .arg(label);

    if (release.models.isEmpty()) {
        v.reasons << QStringLiteral("release %1 names no target models").arg(label);
    } else if (!release.models.contains(device.model, Qt::CaseInsensitive)) {
        v.reasons << QStringLiteral("device %1 is a %2; release %3 is for %4")
                         .arg(device.uid,
                              device.model.isEmpty() ? QStringLiteral("device of unknown model")
                                                     : device.model,
                              label, release.models.join(QStringLiteral(", ")));
    }
    if (!release.hwRevisions.isEmpty() &&
        !release.hwRevisions.contains(device.hwRevision, Qt::CaseInsensitive))
        v.reasons << (device.hwRevision.isEmpty()
                          ? QStringLiteral("device %1 has not reported its hardware revision; "
                                           "release %2 is for revisions %3")
                                .arg(device.uid, label,
                                     release.hwRevisions.join(QStringLiteral(", ")))
                          : QStringLiteral("device %1 has hardware revision %2; release %3 is "
                                           "for revisions %4")
                                .arg(device.uid, device.hwRevision, label,
                                     release.hwRevisions.join(QStringLiteral(", "))));

    const QString reported = device.currentVersion.trimmed();
    if (reported.isEmpty()) {
        if (!release.minVersion.isNull())
            v.reasons << QStringLiteral("device %1 has not reported a firmware version, and "
                                        "release %2 may only be installed over %3 or later")
                             .arg(device.uid, label, release.minVersion.toString());
        else
            v.notes << QStringLiteral("the device has not reported a firmware version");
    } else if (auto current = SemanticVersion::parse(reported); !current) {
        v.reasons << QStringLiteral("device %1 reports firmware '%2', which is not a semantic "
                                    "version, so a downgrade cannot be ruled out")
                         .arg(device.uid, reported);
    } else {
        if (!release.minVersion.isNull() && *current < release.minVersion)
            v.reasons << QStringLiteral("device %1 runs %2; release %3 may only be installed over "
                                        "%4 or later")
                             .arg(device.uid, current->toString(), label,
                                  release.minVersion.toString());
        if (release.version < *current) {
            v.isDowngrade = true;
            if (intent != Intent::Rollback)
                v.reasons << QStringLiteral("device %1 runs %2, newer than %3: downgrades are "
                                            "refused unless asked for as an explicit rollback "
                                            "with a reason")
                                 .arg(device.uid, current->toString(), label);
            else if (rollbackReason.trimmed().isEmpty())
                v.reasons << QStringLiteral("a rollback from %1 to %2 needs a reason for the "
                                            "audit trail")
                                 .arg(current->toString(), release.version.toString());
            else
                v.isRollback = true;
            if (!release.knownGood)
                v.notes << QStringLiteral("%1 is not marked known-good").arg(label);
        } else if (release.version == *current) {
            v.notes << QStringLiteral("the device already runs %1").arg(current->toString());
        }
    }
    v.allowed = v.reasons.isEmpty();
    if (!v.allowed)
        v.isRollback = false;
    return v;
}

AuditRecord InstallPolicy::rollbackRecord(const DeviceFirmwareFacts &device, const Release &release,
                                          const QString &reason)
{
    QJsonObject before;
    before.insert(QStringLiteral("fw_version"), device.currentVersion);
    QJsonObject after;
    after.insert(QStringLiteral("release"), release.id);
    after.insert(QStringLiteral("name"), release.name);
    after.insert(QStringLiteral("version"), release.version.toString());
    after.insert(QStringLiteral("sha256"), release.sha256);
    return {QStringLiteral("firmware.rollback"),
            QStringLiteral("device"),
            device.uid,
            before,
            after,
            reason.trimmed()};
}

} // namespace fleet
