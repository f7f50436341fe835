#include "rollout/DriftDetector.h"

#include "firmware/SemanticVersion.h"

#include <QMap>
#include <QSet>
#include <algorithm>
#include <optional>
#include <utility>

namespace fleet {

namespace {

// Versions are compared by SemVer precedence when both parse ("1.2.3+7" is "1.2.3", as MCUboot
// sees it); otherwise as trimmed text, so a non-SemVer assignment still compares sensibly.
bool sameVersion(const QString &a, const QString &b)
{
    const Result<SemanticVersion> va = SemanticVersion::parse(a);
    const Result<SemanticVersion> vb = SemanticVersion::parse(b);
    if (va.ok() && vb.ok())
        return va.value() == vb.value();
    return a.trimmed() == b.trimmed();
}

// The key findings are grouped and sorted by: the canonical text when it parses.
QString canonical(const QString &version)
{
    const Result<SemanticVersion> parsed = SemanticVersion::parse(version);
    return parsed.ok() ? parsed.value().toString() : version.trimmed();
}

QString timeText(const QDateTime &at)
{
    return at.toUTC().toString(Qt::ISODate);
}

QString durationText(qint64 secs)
{
    if (secs % 3600 == 0)
        return secs == 3600 ? QStringLiteral("hour") : QStringLiteral("%1 hours").arg(secs / 3600);
    if (secs % 60 == 0)
        return secs == 60 ? QStringLiteral("minute") : QStringLiteral("%1 minutes").arg(secs / 60);
    return QStringLiteral("%1 seconds").arg(secs);
}

bool inWindow(const QDateTime &at, const QDateTime &now, qint64 windowSecs)
{
    // Inclusive at both ends: an attempt exactly one window ago still counts.
    return at.isValid() && at <= now && at >= now.addSecs(-windowSecs);
}

const QList<DriftAction> kBothActions = {DriftAction::AcceptReported, DriftAction::Retarget};

std::optional<DriftFinding> unknownVersion(const DeviceVersionState &device)
{
    if (device.reported.trimmed().isEmpty()) {
        return DriftFinding{DriftKind::UnknownVersion,
                            QString(),
                            QStringLiteral("Device %1 has not reported a firmware version, so its "
                                           "version cannot be checked.")
                                .arg(device.deviceId),
                            {DriftAction::Retarget}};
    }
    const Result<SemanticVersion> parsed = SemanticVersion::parse(device.reported);
    if (parsed.ok())
        return std::nullopt;
    // Accepting a version nothing can compare would only hide the problem: re-target only.
    return DriftFinding{
        DriftKind::UnknownVersion,
        device.reported.trimmed(),
        QStringLiteral("Device %1 reports firmware version \"%2\", which is not a "
                       "semantic version (%3), so it cannot be compared.")
            .arg(device.deviceId, device.reported.trimmed(), parsed.error().message),
        {DriftAction::Retarget}};
}

std::optional<DriftFinding> fellBack(const DeviceVersionState &device)
{
    const InstallAttempt *latest = nullptr;
    for (const InstallAttempt &attempt : device.attempts) {
        if (attempt.outcome == InstallOutcome::Succeeded && attempt.at.isValid() &&
            (latest == nullptr || attempt.at >= latest->at))
            latest = &attempt;
    }
    if (latest == nullptr || sameVersion(device.reported, latest->target))
        return std::nullopt;
    // A report older than the install says nothing about what happened after it.
    if (device.reportedAt.isValid() && device.reportedAt < latest->at)
        return std::nullopt;

    // The known-good version: what the device ran when the install started.
    const VersionChange *before = nullptr;
    for (const VersionChange &change : device.history) {
        if (change.at.isValid() && change.at <= latest->at &&
            (before == nullptr || change.at >= before->at))
            before = &change;
    }
    const bool backOnKnownGood = before != nullptr && sameVersion(device.reported, before->to);
    // Or seen directly: it came up on the target after the reboot and then went back.
    const bool wentBackAfterReboot =
        std::any_of(device.history.cbegin(), device.history.cend(), [&](const VersionChange &c) {
            return c.at.isValid() && c.at >= latest->at && sameVersion(c.from, latest->target) &&
                   sameVersion(c.to, device.reported);
        });
    if (!backOnKnownGood && !wentBackAfterReboot)
        return std::nullopt;
    return DriftFinding{
        DriftKind::FellBack, canonical(latest->target),
        QStringLiteral("Device %1 runs %2 again although the install of %3 reported success at %4: "
                       "it fell back to its previous version (boot-slot fallback or rollback).")
            .arg(device.deviceId, device.reported.trimmed(), canonical(latest->target),
                 timeText(latest->at)),
        kBothActions};
}

QList<DriftFinding> updateLoops(const DeviceVersionState &device, const QDateTime &now,
                                const DriftSettings &settings)
{
    QMap<QString, int> attemptsByTarget; // sorted by target: deterministic order
    for (const InstallAttempt &attempt : device.attempts) {
        if (inWindow(attempt.at, now, settings.loopWindowSecs) &&
            !attempt.target.trimmed().isEmpty())
            ++attemptsByTarget[canonical(attempt.target)];
    }
    QList<DriftFinding> findings;
    for (auto it = attemptsByTarget.cbegin(); it != attemptsByTarget.cend(); ++it) {
        if (it.value() < settings.loopAttempts || sameVersion(device.reported, it.key()))
            continue;
        findings.append(DriftFinding{
            DriftKind::UpdateLoop, it.key(),
            QStringLiteral("Device %1 was sent %2 %3 times in the last %4 and still runs %5: it is "
                           "stuck in an update loop.")
                .arg(device.deviceId, it.key(), QString::number(it.value()),
                     durationText(settings.loopWindowSecs),
                     device.reported.trimmed().isEmpty() ? QStringLiteral("an unknown version")
                                                         : device.reported.trimmed()),
            kBothActions});
    }
    return findings;
}

QList<DriftFinding> flapping(const DeviceVersionState &device, const QDateTime &now,
                             const DriftSettings &settings)
{
    struct PairCount
    {
        int changes = 0;
        bool forward = false; // low -> high (by text), to require an actual back and forth
        bool backward = false;
    };
    QMap<std::pair<QString, QString>, PairCount> pairs;
    for (const VersionChange &change : device.history) {
        if (!inWindow(change.at, now, settings.flapWindowSecs))
            continue;
        const QString from = canonical(change.from);
        const QString to = canonical(change.to);
        if (from == to)
            continue;
        const bool forward = from < to;
        PairCount &count = pairs[forward ? std::pair(from, to) : std::pair(to, from)];
        ++count.changes;
        (forward ? count.forward : count.backward) = true;
    }
    QList<DriftFinding> findings;
    for (auto it = pairs.cbegin(); it != pairs.cend(); ++it) {
        if (it.value().changes < settings.flapChanges || !it.value().forward ||
            !it.value().backward)
            continue;
        const auto &[low, high] = it.key();
        findings.append(DriftFinding{
            DriftKind::Flapping, QStringLiteral("%1 <-> %2").arg(low, high),
            QStringLiteral("Device %1 switched between %2 and %3 %4 times in the last %5: its "
                           "firmware version is flapping.")
                .arg(device.deviceId, low, high, QString::number(it.value().changes),
                     durationText(settings.flapWindowSecs)),
            kBothActions});
    }
    return findings;
}

std::optional<DriftFinding> drift(const DeviceVersionState &device, const QDateTime &now,
                                  const DriftSettings &settings)
{
    if (device.assigned.trimmed().isEmpty() || !device.expected.trimmed().isEmpty() ||
        sameVersion(device.reported, device.assigned))
        return std::nullopt;
    // Since when the device has run what it reports: its last change to it, else the report.
    QDateTime since;
    for (const VersionChange &change : device.history) {
        if (change.at.isValid() && sameVersion(change.to, device.reported) &&
            (!since.isValid() || change.at > since))
            since = change.at;
    }
    if (!since.isValid())
        since = device.reportedAt;
    if (!since.isValid() || since.secsTo(now) <= settings.driftGraceSecs)
        return std::nullopt;
    return DriftFinding{DriftKind::Drift, canonical(device.assigned),
                        QStringLiteral("Device %1 has run %2 since %3 but is assigned %4, and no "
                                       "install is in progress.")
                            .arg(device.deviceId, device.reported.trimmed(), timeText(since),
                                 canonical(device.assigned)),
                        kBothActions};
}

} // namespace

Status DriftSettings::validate() const
{
    if (loopAttempts < 2)
        return Error::invalid(
            QStringLiteral("An update loop needs at least 2 attempts of the same target, not %1.")
                .arg(loopAttempts));
    if (flapChanges < 2)
        return Error::invalid(
            QStringLiteral("Flapping needs at least 2 version changes, not %1.").arg(flapChanges));
    if (loopWindowSecs <= 0 || flapWindowSecs <= 0)
        return Error::invalid(QStringLiteral("The update-loop and flapping windows must be longer "
                                             "than zero seconds."));
    if (driftGraceSecs < 0)
        return Error::invalid(QStringLiteral("The drift grace period cannot be negative."));
    return Status::success();
}

DriftDetector::DriftDetector(DriftSettings settings)
    : m_settings(std::move(settings))
{}

QList<DriftFinding> DriftDetector::inspect(const DeviceVersionState &device,
                                           const QDateTime &now) const
{
    QList<DriftFinding> findings;
    const std::optional<DriftFinding> unknown = unknownVersion(device);
    if (unknown)
        findings.append(*unknown);
    // Fell back and drift compare the reported version; an unreadable one proves nothing.
    std::optional<DriftFinding> fell;
    if (!unknown)
        fell = fellBack(device);
    if (fell)
        findings.append(*fell);
    findings.append(updateLoops(device, now, m_settings));
    findings.append(flapping(device, now, m_settings));
    // A device that fell back is also off its assignment; the fell-back sentence already says
    // why, so a second, vaguer finding would only add noise.
    if (!unknown && !fell) {
        if (const std::optional<DriftFinding> drifted = drift(device, now, m_settings))
            findings.append(*drifted);
    }
    std::stable_sort(findings.begin(), findings.end(),
                     [](const DriftFinding &a, const DriftFinding &b) { return a.kind < b.kind; });
    return findings;
}

} // namespace fleet
