#pragma once

#include "firmware/ArtifactInspector.h"
#include "firmware/SemanticVersion.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace fleet {

// Where a release is offered: development builds, releases under test, the fleet's stable line.
enum class ReleaseChannel { Development, Testing, Stable };
// A release is imported as a draft, approved (signed) before any device may get it, and revoked
// when it must not be installed any more.
enum class ReleaseState { Draft, Approved, Revoked };

QString releaseChannelName(ReleaseChannel channel);
std::optional<ReleaseChannel> releaseChannelFromName(const QString &name);
QStringList releaseChannelNames();
QString releaseStateName(ReleaseState state);
std::optional<ReleaseState> releaseStateFromName(const QString &name);

// One release of the firmware catalog (a row of `releases`).
struct Release
{
    qint64 id = 0;
    QString name;
    SemanticVersion version;
    ArtifactKind kind = ArtifactKind::File;
    QString fileName;     // the name it was imported from
    QString artifactPath; // relative to the artifact store: the SHA-256
    QString sha256;       // lower-case hex
    QString sha1;         // lower-case hex; empty until the update server first served it
    QString md5;          // likewise
    qint64 size = 0;
    QStringList models;
    QStringList hwRevisions;
    SemanticVersion minVersion;
    QString notes;
    QJsonObject details;
    ReleaseChannel channel = ReleaseChannel::Development;
    ReleaseState state = ReleaseState::Draft;
    bool knownGood = false;
    QString signature; // base64 Ed25519 over ArtifactSignature::statement(sha256, size)
    QString signingKeyFingerprint;
    QString revokedReason;
    qint64 createdMs = 0;
    std::optional<qint64> approvedMs;
    std::optional<qint64> revokedMs;

    // The fields operators see and the audit trail records.
    QJsonObject toJson() const;
};

} // namespace fleet
