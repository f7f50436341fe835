#include "Release.h"

#include <QDateTime>
#include <QJsonArray>

namespace fleet {

QString releaseChannelName(ReleaseChannel channel)
{
    switch (channel) {
    case ReleaseChannel::Development:
        return QStringLiteral("development");
    case ReleaseChannel::Testing:
        return QStringLiteral("testing");
    case ReleaseChannel::Stable:
        break;
    }
    return QStringLiteral("stable");
}

std::optional<ReleaseChannel> releaseChannelFromName(const QString &name)
{
    for (ReleaseChannel c :
         {ReleaseChannel::Development, ReleaseChannel::Testing, ReleaseChannel::Stable})
        if (releaseChannelName(c) == name.trimmed().toLower())
            return c;
    return std::nullopt;
}

QStringList releaseChannelNames()
{
    return {QStringLiteral("development"), QStringLiteral("testing"), QStringLiteral("stable")};
}

QString releaseStateName(ReleaseState state)
{
    switch (state) {
    case ReleaseState::Draft:
        return QStringLiteral("draft");
    case ReleaseState::Approved:
        return QStringLiteral("approved");
    case ReleaseState::Revoked:
        break;
    }
    return QStringLiteral("revoked");
}

std::optional<ReleaseState> releaseStateFromName(const QString &name)
{
    for (ReleaseState s : {ReleaseState::Draft, ReleaseState::Approved, ReleaseState::Revoked})
        if (releaseStateName(s) == name)
            return s;
    return std::nullopt;
}

QJsonObject Release::toJson() const
{
    auto iso = [](const std::optional<qint64> &ms) -> QJsonValue {
        if (!ms)
            return QJsonValue::Null;
        return QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC).toString(Qt::ISODateWithMs);
    };
    QJsonObject o;
    o.insert(QStringLiteral("id"), id);
    o.insert(QStringLiteral("name"), name);
    o.insert(QStringLiteral("version"), version.toString());
    o.insert(QStringLiteral("kind"), artifactKindName(kind));
    o.insert(QStringLiteral("file_name"), fileName);
    o.insert(QStringLiteral("sha256"), sha256);
    o.insert(QStringLiteral("size"), size);
    o.insert(QStringLiteral("models"), QJsonArray::fromStringList(models));
    o.insert(QStringLiteral("hw_revisions"), QJsonArray::fromStringList(hwRevisions));
    o.insert(QStringLiteral("min_version"), minVersion.toString());
    o.insert(QStringLiteral("notes"), notes);
    o.insert(QStringLiteral("channel"), releaseChannelName(channel));
    o.insert(QStringLiteral("state"), releaseStateName(state));
    o.insert(QStringLiteral("known_good"), knownGood);
    o.insert(QStringLiteral("signature"), signature);
    o.insert(QStringLiteral("signing_key_fingerprint"), signingKeyFingerprint);
    o.insert(QStringLiteral("revoked_reason"), revokedReason);
    o.insert(QStringLiteral("created"), iso(createdMs));
    o.insert(QStringLiteral("approved"), iso(approvedMs));
    o.insert(QStringLiteral("revoked"), iso(revokedMs));
    o.insert(QStringLiteral("details"), details);
    return o;
}

} // namespace fleet
