#include "firmware/ArtifactServeGate.h"

#include "crypto/ArtifactSignature.h"
#include "crypto/Ed25519PublicKey.h"
#include "crypto/FileSha256.h"
#include "firmware/ArtifactStore.h"
#include "firmware/ReleaseRepository.h"
#include "storage/SqliteDatabase.h"

#include <QCryptographicHash>
#include <QMutexLocker>
#include <sys/stat.h>

namespace fleet {

namespace {

QString label(const Release &r)
{
    return QStringLiteral("%1 %2").arg(r.name, r.version.toString());
}

} // namespace

ArtifactServeGate::ArtifactServeGate(QString workspacePath)
    : m_workspacePath(std::move(workspacePath))
{}

quint64 ArtifactServeGate::fullHashCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_fullHashes;
}

Result<ArtifactServeGate::FileIdentity> ArtifactServeGate::identityOf(QFile &file)
{
    struct stat st
    {
    };
    if (::fstat(file.handle(), &st) != 0)
        return Error::failed(QStringLiteral("Cannot read the state of %1").arg(file.fileName()));
    FileIdentity id;
    id.device = quint64(st.st_dev);
    id.inode = quint64(st.st_ino);
    id.size = qint64(st.st_size);
    id.mtimeNs = qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    id.ctimeNs = qint64(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
    return id;
}

Result<ArtifactServeGate::Served> ArtifactServeGate::open(SqliteDatabase &db, qint64 releaseId)
{
    ReleaseRepository releases(db);
    auto release = releases.load(releaseId);
    if (!release)
        return release.error();
    if (release->state != ReleaseState::Approved)
        return Error::invalid(QStringLiteral("%1 is %2: only approved releases are served")
                                  .arg(label(*release), releaseStateName(release->state)));
    // Every key that ever signed stays in signing_keys, so an old release still verifies.
    auto pem = db.scalar(QStringLiteral("SELECT public_key_pem FROM signing_keys WHERE "
                                        "fingerprint = ?"),
                         {release->signingKeyFingerprint});
    if (!pem)
        return pem.error();
    if (!pem->isValid())
        return Error::failed(
            QStringLiteral("The key that signed %1 is not in the workspace").arg(label(*release)));
    auto key = Ed25519PublicKey::fromPem(pem->toString().toUtf8());
    if (!key)
        return key.error();
    // The signature covers the recorded hash and size: a record edited in the database fails
    // here, a file changed on disk fails below.
    if (Status s =
            ArtifactSignature::verify(*key, release->sha256, release->size, release->signature);
        !s)
        return Error::failed(QStringLiteral("The signature of %1 does not verify: %2")
                                 .arg(label(*release), s.message()));

    ArtifactStore store(ArtifactStore::directoryForWorkspace(m_workspacePath));
    auto file = std::make_shared<QFile>(store.pathFor(release->artifactPath));
    if (!file->open(QIODevice::ReadOnly))
        return Error::failed(QStringLiteral("The artifact of %1 cannot be opened: %2")
                                 .arg(label(*release), file->errorString()));
    auto identity = identityOf(*file);
    if (!identity)
        return identity.error();

    Served served;
    served.file = file;
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_verified.constFind(releaseId);
        if (it != m_verified.constEnd() && it->identity == identity.value() &&
            it->sha256 == release->sha256) {
            served.release = release.value();
            served.release.sha1 = it->sha1;
            served.release.md5 = it->md5;
            served.digestsChanged = release->sha1 != it->sha1 || release->md5 != it->md5;
            return served;
        }
    }

    {
        QMutexLocker lock(&m_mutex);
        ++m_fullHashes;
    }
    QCryptographicHash sha256(QCryptographicHash::Sha256);
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    QCryptographicHash md5(QCryptographicHash::Md5);
    qint64 bytes = 0;
    for (;;) {
        const QByteArray chunk = file->read(FileSha256::ChunkSize);
        if (chunk.isEmpty())
            break;
        sha256.addData(chunk);
        sha1.addData(chunk);
        md5.addData(chunk);
        bytes += chunk.size();
    }
    if (file->error() != QFileDevice::NoError)
        return Error::failed(QStringLiteral("Reading the artifact of %1 failed: %2")
                                 .arg(label(*release), file->errorString()));
    const QString actual = QString::fromLatin1(sha256.result().toHex());
    if (actual != release->sha256 || bytes != release->size)
        return Error::failed(QStringLiteral("The artifact of %1 changed on disk since it was "
                                            "imported (SHA-256 %2, %3 bytes; expected %4, %5 "
                                            "bytes): it is not served")
                                 .arg(label(*release), actual)
                                 .arg(bytes)
                                 .arg(release->sha256)
                                 .arg(release->size));
    if (!file->seek(0))
        return Error::failed(
            QStringLiteral("Cannot rewind the artifact of %1").arg(label(*release)));
    Verified verified{identity.value(), actual, QString::fromLatin1(sha1.result().toHex()),
                      QString::fromLatin1(md5.result().toHex())};
    {
        QMutexLocker lock(&m_mutex);
        m_verified.insert(releaseId, verified);
    }
    served.release = release.value();
    served.digestsChanged = release->sha1 != verified.sha1 || release->md5 != verified.md5;
    served.release.sha1 = verified.sha1;
    served.release.md5 = verified.md5;
    served.hashedNow = true;
    return served;
}

} // namespace fleet
