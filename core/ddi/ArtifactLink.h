#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace fleet {

class SqliteDatabase;

// Download links for devices that get releases as MQTT update jobs and carry no DDI token:
//   {base}/{tenant}/artifacts/{releaseId}/{fileName}?device={uid}&k={mac}
// where mac = the first 128 bits of HMAC-SHA256(workspace link key, "releaseId\nuid"), in hex.
// The link names one release for one device; the update server serves it only while that
// device has an unfinished MQTT job installing that release, so a finished or cancelled job's
// link is dead without any expiry to tune. The key is 256 random bits created on first use and
// kept in workspace_settings ("artifact_link_key"), so every process on the workspace (the
// window, fleetctl serve) agrees on it.
class ArtifactLink
{
public:
    static constexpr const char *settingsKey = "artifact_link_key";

    // Loads (creating it if needed) the workspace's link key.
    static Result<ArtifactLink> forWorkspace(SqliteDatabase &db);

    QUrl url(const QUrl &base, const QString &tenant, qint64 releaseId, const QString &fileName,
             const QString &deviceUid) const;
    QString mac(qint64 releaseId, const QString &deviceUid) const;
    // Constant-time comparison of a link's `k` with the expected value.
    bool verify(qint64 releaseId, const QString &deviceUid, const QString &mac) const;

private:
    explicit ArtifactLink(QByteArray key)
        : m_key(std::move(key))
    {}
    QByteArray m_key;
};

} // namespace fleet
