#pragma once

#include "firmware/ArtifactStore.h"
#include "firmware/FirmwareManifest.h"
#include "firmware/Release.h"
#include "firmware/ReleaseRepository.h"
#include "firmware/SigningKeyStore.h"
#include "util/Result.h"

#include <QFile>
#include <functional>
#include <memory>
#include <optional>

namespace fleet {

class AuditLog;
class SqliteDatabase;

// The firmware catalog: imports artifacts into the artifact store and the `releases` table, and
// every operator decision about a release (channel, notes, known-good, approval with the
// release-signing key, revocation), each in one audited transaction. verifyBeforeServe() is the
// gate every download goes through.
class FirmwareCatalog
{
public:
    struct ImportOptions
    {
        std::optional<FirmwareManifest> manifest;
        std::optional<ReleaseChannel> channel; // default: development
        QString notes;                         // overrides the manifest's release notes
        QStringList models;                    // override the file's and the manifest's targets
        QStringList hwRevisions;
    };
    struct Imported
    {
        Release release;
        bool alreadyImported = false; // the same bytes were imported before: nothing changed
    };
    // An approved release whose file was just re-hashed and whose signature verified, with the
    // file open at its start. Serve from this handle: the bytes checked are the bytes sent,
    // even if someone replaces the file by name afterwards.
    struct VerifiedArtifact
    {
        Release release;
        QString path;
        std::shared_ptr<QFile> file;
    };

    FirmwareCatalog(SqliteDatabase &db, AuditLog &audit, QString workspacePath);

    Result<Imported> importFile(const QString &path, const ImportOptions &options);
    Result<QList<Release>> list() { return m_repo.list(); }
    Result<Release> release(qint64 id) { return m_repo.load(id); }

    Status setChannel(qint64 id, ReleaseChannel channel);
    Status setNotes(qint64 id, const QString &notes);
    Status setKnownGood(qint64 id, bool knownGood, const QString &reason = {});
    // Signs the release with `key` (which must be the workspace's active signing key) after
    // checking the stored file still has the imported hash.
    Result<Release> approve(qint64 id, const Ed25519PrivateKey &key);
    Result<Release> approve(qint64 id, const QByteArray &passphrase);
    Status revoke(qint64 id, const QString &reason);

    // The stored file's SHA-256 and size against the release record.
    Status verifyStoredFile(const Release &release);
    Result<VerifiedArtifact> verifyBeforeServe(qint64 id);

    SigningKeyStore &signingKeys() { return m_keys; }
    ArtifactStore &artifacts() { return m_store; }

private:
    // Inserts the release (setting its id) with its firmware.import audit entry.
    Status record(Release &release);
    Status auditedUpdate(const Release &before, const QString &action, const QJsonObject &from,
                         const QJsonObject &to, const QString &reason, bool risky,
                         const std::function<Status()> &change);

    SqliteDatabase &m_db;
    AuditLog &m_audit;
    ReleaseRepository m_repo;
    ArtifactStore m_store;
    SigningKeyStore m_keys;
};

} // namespace fleet
