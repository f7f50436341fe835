#pragma once

#include "firmware/Release.h"
#include "util/Result.h"

#include <QList>
#include <optional>

namespace fleet {

class SqliteDatabase;

// Reads and writes rows of `releases`. No transactions and no audit: FirmwareCatalog wraps its
// calls in one AuditedChange with the matching entry.
class ReleaseRepository
{
public:
    explicit ReleaseRepository(SqliteDatabase &db);

    Result<qint64> insert(const Release &release);
    Result<Release> load(qint64 id);
    Result<std::optional<qint64>> idForSha256(const QString &sha256);
    // Newest first within a name: ORDER BY name, version_sort DESC.
    Result<QList<Release>> list();

    Status setChannel(qint64 id, ReleaseChannel channel);
    Status setNotes(qint64 id, const QString &notes);
    // The SHA-1 and MD5 DDI clients check, worked out when the artifact is first served.
    Status setDigests(qint64 id, const QString &sha1, const QString &md5);
    Status setKnownGood(qint64 id, bool knownGood);
    Status setTargets(qint64 id, const QStringList &models, const QStringList &hwRevisions);
    Status markApproved(qint64 id, const QString &signature, const QString &fingerprint,
                        qint64 atMs);
    Status markRevoked(qint64 id, const QString &reason, qint64 atMs);

private:
    Status updateOne(qint64 id, const QString &sql, const QVariantList &binds);
    SqliteDatabase &m_db;
};

} // namespace fleet
