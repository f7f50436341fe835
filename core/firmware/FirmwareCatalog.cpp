#include "FirmwareCatalog.h"

#include "audit/AuditLog.h"
#include "crypto/ArtifactSignature.h"
#include "crypto/FileSha256.h"
#include "firmware/ArtifactInspector.h"
#include "storage/SqliteDatabase.h"
#include "util/Clock.h"

#include <QFileInfo>
#include <QJsonArray>

namespace fleet {

namespace {

QJsonObject one(const char *key, const QJsonValue &value)
{
    QJsonObject o;
    o.insert(QLatin1String(key), value);
    return o;
}

QString releaseLabel(const Release &r)
{
    return QStringLiteral("release %1 (%2 %3)").arg(r.id).arg(r.name, r.version.toString());
}

QStringList cleaned(const QStringList &list)
{
    QStringList out;
    for (const QString &s : list)
        if (!s.trimmed().isEmpty() && !out.contains(s.trimmed()))
            out << s.trimmed();
    return out;
}

} // namespace

FirmwareCatalog::FirmwareCatalog(SqliteDatabase &db, AuditLog &audit, QString workspacePath)
    : m_db(db)
    , m_audit(audit)
    , m_repo(db)
    , m_store(ArtifactStore::directoryForWorkspace(workspacePath))
    , m_keys(db, audit, workspacePath)
{}

Result<FirmwareCatalog::Imported> FirmwareCatalog::importFile(const QString &path,
                                                              const ImportOptions &options)
{
    const QFileInfo info(path);
    if (!info.exists() || !info.isFile())
        return Error::notFound(QStringLiteral("No file '%1'").arg(path));
    if (info.size() == 0)
        return Error::invalid(QStringLiteral("'%1' is empty").arg(info.fileName()));

    // Copy first, then read the copy: what is inspected is exactly what will be served.
    auto stored = m_store.add(path);
    if (!stored)
        return stored.error();
    auto existing = m_repo.idForSha256(stored->sha256);
    if (!existing)
        return existing.error();
    if (existing.value()) {
        auto r = m_repo.load(*existing.value());
        if (!r)
            return r.error();
        return Imported{*r, true};
    }
    auto described = ArtifactInspector::inspect(stored->path, info.fileName(), options.manifest);
    if (!described) {
        if (!stored->alreadyPresent)
            QFile::remove(stored->path);
        return described.error();
    }
    const ArtifactDescription &d = *described;

    Release r;
    r.name = d.name.trimmed();
    r.version = d.version;
    r.kind = d.kind;
    r.fileName = info.fileName();
    r.artifactPath = stored->sha256;
    r.sha256 = stored->sha256;
    r.size = stored->size;
    r.models = cleaned(options.models.isEmpty() ? d.models : options.models);
    r.hwRevisions = cleaned(options.hwRevisions.isEmpty() ? d.hwRevisions : options.hwRevisions);
    r.minVersion = d.minVersion;
    r.notes = options.notes.isEmpty() ? d.notes : options.notes;
    r.details = d.details;
    r.channel = options.channel.value_or(ReleaseChannel::Development);
    r.createdMs = m_audit.clock().nowMs();
    if (r.name.isEmpty())
        return Error::invalid(QStringLiteral("A release needs a name"));

    Status s = record(r);
    if (!s) {
        // No release refers to a file this import added: do not leave it behind.
        if (!stored->alreadyPresent)
            QFile::remove(stored->path);
        return s.error();
    }
    return Imported{r, false};
}

Status FirmwareCatalog::record(Release &r)
{
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus();
    auto id = m_repo.insert(r);
    if (!id)
        return id.error();
    r.id = *id;
    QJsonObject after = r.toJson();
    after.remove(QStringLiteral("details"));
    after.remove(QStringLiteral("approved"));
    after.remove(QStringLiteral("revoked"));
    if (Status s = tx.record({QStringLiteral("firmware.import"),
                              QStringLiteral("release"),
                              QString::number(r.id),
                              {},
                              after,
                              {}});
        !s)
        return s;
    return tx.commit();
}

Status FirmwareCatalog::auditedUpdate(const Release &before, const QString &action,
                                      const QJsonObject &from, const QJsonObject &to,
                                      const QString &reason, bool risky,
                                      const std::function<Status()> &change)
{
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus();
    if (Status s = change(); !s)
        return s;
    if (Status s = tx.record(
            {action, QStringLiteral("release"), QString::number(before.id), from, to, reason},
            risky);
        !s)
        return s;
    return tx.commit();
}

Status FirmwareCatalog::setChannel(qint64 id, ReleaseChannel channel)
{
    auto r = m_repo.load(id);
    if (!r)
        return r.error();
    if (r->channel == channel)
        return {};
    return auditedUpdate(*r, QStringLiteral("firmware.set-channel"),
                         one("channel", releaseChannelName(r->channel)),
                         one("channel", releaseChannelName(channel)), {}, false,
                         [&] { return m_repo.setChannel(id, channel); });
}

Status FirmwareCatalog::setNotes(qint64 id, const QString &notes)
{
    auto r = m_repo.load(id);
    if (!r)
        return r.error();
    if (r->notes == notes)
        return {};
    return auditedUpdate(*r, QStringLiteral("firmware.set-notes"), one("notes", r->notes),
                         one("notes", notes), {}, false,
                         [&] { return m_repo.setNotes(id, notes); });
}

Status FirmwareCatalog::setKnownGood(qint64 id, bool knownGood, const QString &reason)
{
    auto r = m_repo.load(id);
    if (!r)
        return r.error();
    if (knownGood && r->state != ReleaseState::Approved)
        return Error::invalid(QStringLiteral("Only an approved release can be marked known-good; "
                                             "%1 is %2")
                                  .arg(releaseLabel(*r), releaseStateName(r->state)));
    if (r->knownGood == knownGood)
        return {};
    return auditedUpdate(*r, QStringLiteral("firmware.set-known-good"),
                         one("known_good", r->knownGood), one("known_good", knownGood), reason,
                         false, [&] { return m_repo.setKnownGood(id, knownGood); });
}

Status FirmwareCatalog::verifyStoredFile(const Release &r)
{
    const QString path = m_store.pathFor(r.artifactPath);
    auto hash = FileSha256::ofFile(path);
    if (!hash)
        return Error::failed(QStringLiteral("The artifact of %1 is missing from the artifact "
                                            "store (%2)")
                                 .arg(releaseLabel(r), hash.message()));
    const qint64 size = QFileInfo(path).size();
    if (hash.value() != r.sha256 || size != r.size)
        return Error::failed(QStringLiteral("The artifact of %1 on disk does not match the "
                                            "catalog (SHA-256 %2, %3 bytes; recorded %4, %5 "
                                            "bytes): the file was changed after import")
                                 .arg(releaseLabel(r), hash.value())
                                 .arg(size)
                                 .arg(r.sha256)
                                 .arg(r.size));
    return {};
}

Result<Release> FirmwareCatalog::approve(qint64 id, const QByteArray &passphrase)
{
    auto key = m_keys.unlock(passphrase);
    if (!key)
        return key.error();
    return approve(id, *key);
}

Result<Release> FirmwareCatalog::approve(qint64 id, const Ed25519PrivateKey &key)
{
    auto r = m_repo.load(id);
    if (!r)
        return r.error();
    if (r->state == ReleaseState::Approved)
        return Error::invalid(QStringLiteral("%1 is already approved").arg(releaseLabel(*r)));
    if (r->state == ReleaseState::Revoked)
        return Error::invalid(
            QStringLiteral("%1 is revoked and cannot be approved").arg(releaseLabel(*r)));
    if (r->models.isEmpty())
        return Error::invalid(QStringLiteral("%1 names no target models: an approved release must "
                                             "say which devices it is for")
                                  .arg(releaseLabel(*r)));
    auto active = m_keys.activeKey();
    if (!active)
        return active.error();
    const QString fingerprint = key.publicKey().fingerprint();
    if (!active.value() || active.value()->fingerprint != fingerprint)
        return Error::invalid(QStringLiteral("The key %1 is not this workspace's active "
                                             "release-signing key")
                                  .arg(fingerprint));
    // Never sign bytes other than the ones imported.
    if (Status s = verifyStoredFile(*r); !s)
        return s.error();
    auto signature = ArtifactSignature::sign(key, r->sha256, r->size);
    if (!signature)
        return signature.error();
    const qint64 now = m_audit.clock().nowMs();
    QJsonObject after;
    after.insert(QStringLiteral("state"), QStringLiteral("approved"));
    after.insert(QStringLiteral("sha256"), r->sha256);
    after.insert(QStringLiteral("size"), r->size);
    after.insert(QStringLiteral("signing_key_fingerprint"), fingerprint);
    after.insert(QStringLiteral("signature"), *signature);
    if (Status s = auditedUpdate(
            *r, QStringLiteral("firmware.approve"), one("state", releaseStateName(r->state)), after,
            {}, false, [&] { return m_repo.markApproved(id, *signature, fingerprint, now); });
        !s)
        return s.error();
    return m_repo.load(id);
}

Status FirmwareCatalog::revoke(qint64 id, const QString &reason)
{
    auto r = m_repo.load(id);
    if (!r)
        return r.error();
    if (reason.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("Revoking a release stops it from being installed: "
                                             "give a reason"));
    if (r->state == ReleaseState::Revoked)
        return Error::invalid(QStringLiteral("%1 is already revoked").arg(releaseLabel(*r)));
    const qint64 now = m_audit.clock().nowMs();
    return auditedUpdate(*r, QStringLiteral("firmware.revoke"),
                         one("state", releaseStateName(r->state)), one("state", "revoked"),
                         reason.trimmed(), true,
                         [&] { return m_repo.markRevoked(id, reason.trimmed(), now); });
}

Result<FirmwareCatalog::VerifiedArtifact> FirmwareCatalog::verifyBeforeServe(qint64 id)
{
    auto r = m_repo.load(id);
    if (!r)
        return r.error();
    if (r->state != ReleaseState::Approved)
        return Error::invalid(QStringLiteral("%1 is %2: only approved releases are served")
                                  .arg(releaseLabel(*r), releaseStateName(r->state)));
    auto key = m_keys.publicKey(r->signingKeyFingerprint);
    if (!key)
        return key.error();
    // The signature covers the recorded hash and size: a record edited in the database fails
    // here, a file changed on disk fails below.
    if (Status s = ArtifactSignature::verify(*key, r->sha256, r->size, r->signature); !s)
        return Error::failed(QStringLiteral("The signature of %1 does not verify: %2")
                                 .arg(releaseLabel(*r), s.message()));
    const QString path = m_store.pathFor(r->artifactPath);
    auto file = std::make_shared<QFile>(path);
    if (!file->open(QIODevice::ReadOnly))
        return Error::failed(QStringLiteral("The artifact of %1 cannot be opened: %2")
                                 .arg(releaseLabel(*r), file->errorString()));
    FileSha256 hash;
    for (;;) {
        const QByteArray chunk = file->read(FileSha256::ChunkSize);
        if (chunk.isEmpty())
            break;
        hash.addData(chunk);
    }
    if (file->error() != QFileDevice::NoError)
        return Error::failed(QStringLiteral("Reading the artifact of %1 failed: %2")
                                 .arg(releaseLabel(*r), file->errorString()));
    if (hash.hexResult() != r->sha256 || hash.bytesHashed() != r->size)
        return Error::failed(QStringLiteral("The artifact of %1 on disk does not match its signed "
                                            "SHA-256 (found %2, %3 bytes; signed %4, %5 bytes): "
                                            "it was changed after approval and will not be "
                                            "served")
                                 .arg(releaseLabel(*r), hash.hexResult())
                                 .arg(hash.bytesHashed())
                                 .arg(r->sha256)
                                 .arg(r->size));
    if (!file->seek(0))
        return Error::failed(
            QStringLiteral("Cannot rewind the artifact of %1").arg(releaseLabel(*r)));
    return VerifiedArtifact{*r, path, file};
}

} // namespace fleet
