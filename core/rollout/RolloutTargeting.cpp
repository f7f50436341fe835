#include "rollout/RolloutTargeting.h"

#include "firmware/InstallPolicy.h"
#include "firmware/ReleaseRepository.h"
#include "firmware/SemanticVersion.h"
#include "jobs/JobStore.h"
#include "storage/SqliteDatabase.h"

#include <QSet>
#include <algorithm>

namespace fleet {

namespace {

struct DeviceRow
{
    TargetDevice target;
    QString model;
    QString hwRevision;
    QString fwVersion;
    QString state;
};

// The kinds of the install policy's refusals, in the order InstallPolicy::evaluate lists them
// (model, hardware revision, then the version checks). The policy stays the single source of
// the rule and of the sentence; this only names which rule each sentence comes from, so the
// JSON output and the tests can rely on a stable word instead of parsing prose.
QList<TargetingReason::Kind> policyKinds(const DeviceRow &d, const Release &release)
{
    using Kind = TargetingReason::Kind;
    QList<Kind> kinds;
    if (release.models.isEmpty() || !release.models.contains(d.model, Qt::CaseInsensitive))
        kinds << Kind::Model;
    if (!release.hwRevisions.isEmpty() &&
        !release.hwRevisions.contains(d.hwRevision, Qt::CaseInsensitive))
        kinds << Kind::HardwareRevision;
    const QString reported = d.fwVersion.trimmed();
    if (reported.isEmpty()) {
        if (!release.minVersion.isNull())
            kinds << Kind::MinimumVersion;
    } else if (auto current = SemanticVersion::parse(reported); !current) {
        kinds << Kind::UnknownVersion;
    } else {
        if (!release.minVersion.isNull() && *current < release.minVersion)
            kinds << Kind::MinimumVersion;
        if (release.version < *current)
            kinds << Kind::Downgrade;
    }
    return kinds;
}

bool isOutOfService(const QString &state)
{
    return state == QLatin1String("retired") || state == QLatin1String("decommissioning") ||
           state == QLatin1String("quarantined");
}

} // namespace

QString TargetingReason::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Model:
        return QStringLiteral("model");
    case Kind::HardwareRevision:
        return QStringLiteral("hardware-revision");
    case Kind::MinimumVersion:
        return QStringLiteral("minimum-version");
    case Kind::Downgrade:
        return QStringLiteral("downgrade");
    case Kind::UnknownVersion:
        return QStringLiteral("unknown-version");
    case Kind::AlreadyOnTarget:
        return QStringLiteral("already-on-target");
    case Kind::OpenInstall:
        return QStringLiteral("open-install");
    case Kind::Lifecycle:
        return QStringLiteral("lifecycle");
    case Kind::TimeZone:
        return QStringLiteral("time-zone");
    case Kind::Policy:
        return QStringLiteral("policy");
    }
    return QStringLiteral("policy");
}

QList<ExcludedDevice> RolloutTargets::excludedForPlanner() const
{
    QList<ExcludedDevice> list;
    for (const TargetingExclusion &e : excluded)
        for (const TargetingReason &r : e.reasons)
            list.append({e.deviceUid, r.text});
    return list;
}

void RolloutTargets::exclude(const TargetingExclusion &exclusion)
{
    eligible.removeIf([&](const TargetDevice &d) { return d.uid == exclusion.deviceUid; });
    const auto at = std::lower_bound(
        excluded.begin(), excluded.end(), exclusion.deviceUid,
        [](const TargetingExclusion &e, const QString &uid) { return e.deviceUid < uid; });
    if (at != excluded.end() && at->deviceUid == exclusion.deviceUid)
        at->reasons << exclusion.reasons;
    else
        excluded.insert(at, exclusion);
}

RolloutTargeting::RolloutTargeting(SqliteDatabase &db)
    : m_db(db)
{}

Result<QList<qint64>> RolloutTargeting::groupMembers(const QString &groupName)
{
    auto group =
        m_db.scalar(QStringLiteral("SELECT id FROM device_groups WHERE name = ?"), {groupName});
    if (!group)
        return group.error();
    if (!group->isValid())
        return Error::notFound(QStringLiteral("No device group '%1'").arg(groupName));
    auto s = m_db.prepare(QStringLiteral("SELECT device_id FROM group_members WHERE group_id = ? "
                                         "ORDER BY device_id"));
    if (!s)
        return s.error();
    s->bind(1, group->toLongLong());
    QList<qint64> ids;
    while (s->next())
        ids << s->int64(0);
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return ids;
}

Result<RolloutTargets> RolloutTargeting::evaluate(qint64 releaseId, const QList<qint64> &deviceIds)
{
    ReleaseRepository releases(m_db);
    auto release = releases.load(releaseId);
    if (!release)
        return release.error();
    const QString label = QStringLiteral("%1 %2").arg(release->name, release->version.toString());
    if (release->state == ReleaseState::Revoked)
        return Error::invalid(QStringLiteral("Release %1 (%2) is revoked (%3): it cannot be "
                                             "rolled out")
                                  .arg(releaseId)
                                  .arg(label, release->revokedReason));
    if (release->state != ReleaseState::Approved)
        return Error::invalid(QStringLiteral("Release %1 (%2) is a draft: only approved (signed) "
                                             "releases are rolled out")
                                  .arg(releaseId)
                                  .arg(label));

    auto s = m_db.prepare(QStringLiteral(
        "SELECT d.uid, d.model, d.hw_revision, d.fw_version, d.state, s.name, s.time_zone "
        "FROM devices d LEFT JOIN sites s ON s.id = d.site_id WHERE d.id = ?"));
    if (!s)
        return s.error();
    QList<DeviceRow> rows;
    QSet<qint64> seen;
    for (qint64 id : deviceIds) {
        if (seen.contains(id))
            continue;
        seen.insert(id);
        s->bind(1, id);
        auto found = s->step();
        if (!found)
            return found.error();
        if (!found.value()) {
            s->reset();
            return Error::notFound(QStringLiteral("No device with row id %1").arg(id));
        }
        DeviceRow d;
        d.target.id = id;
        d.target.uid = s->text(0);
        d.model = s->text(1);
        d.hwRevision = s->text(2);
        d.fwVersion = s->text(3);
        d.state = s->text(4);
        if (!s->isNull(5)) {
            d.target.site = s->text(5);
            d.target.timeZone = s->text(6);
        }
        s->reset();
        rows << d;
    }
    std::sort(rows.begin(), rows.end(),
              [](const DeviceRow &a, const DeviceRow &b) { return a.target.uid < b.target.uid; });

    RolloutTargets out;
    out.release = release.value();
    JobStore jobs(m_db);
    using Kind = TargetingReason::Kind;
    for (const DeviceRow &d : rows) {
        QList<TargetingReason> reasons;
        if (isOutOfService(d.state))
            reasons << TargetingReason{
                Kind::Lifecycle, QStringLiteral("device %1 is %2").arg(d.target.uid, d.state)};
        const InstallVerdict verdict = InstallPolicy::evaluate(
            {d.target.uid, d.model, d.hwRevision, d.fwVersion}, out.release);
        const QList<Kind> kinds = policyKinds(d, out.release);
        for (qsizetype i = 0; i < verdict.reasons.size(); ++i)
            reasons << TargetingReason{kinds.size() == verdict.reasons.size() ? kinds.at(i)
                                                                              : Kind::Policy,
                                       verdict.reasons.at(i)};
        if (auto current = SemanticVersion::parse(d.fwVersion.trimmed());
            current && *current == out.release.version)
            reasons << TargetingReason{
                Kind::AlreadyOnTarget,
                QStringLiteral("device %1 already runs %2").arg(d.target.uid, current->toString())};
        auto open = jobs.openInstall(d.target.id);
        if (!open)
            return open.error();
        if (open->has_value())
            reasons << TargetingReason{Kind::OpenInstall,
                                       QStringLiteral("device %1 has an unfinished %2 (job %3, "
                                                      "%4)")
                                           .arg(d.target.uid, open->value().kind,
                                                open->value().jobId, open->value().state)};
        if (reasons.isEmpty())
            out.eligible << d.target;
        else
            out.excluded << TargetingExclusion{d.target.uid, reasons};
    }
    return out;
}

} // namespace fleet
