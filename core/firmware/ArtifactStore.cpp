#include "ArtifactStore.h"

#include "crypto/FileSha256.h"

#include <QDir>
#include <QFile>
#include <QTemporaryFile>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace fleet {

ArtifactStore::ArtifactStore(QString directory)
    : m_dir(std::move(directory))
{}

QString ArtifactStore::directoryForWorkspace(const QString &workspacePath)
{
    return workspacePath + QStringLiteral(".artifacts");
}

QString ArtifactStore::pathFor(const QString &sha256) const
{
    return QDir(m_dir).filePath(sha256);
}

Result<ArtifactStore::Stored> ArtifactStore::add(const QString &sourcePath)
{
    QFile source(sourcePath);
    if (!source.open(QIODevice::ReadOnly))
        return Error::notFound(
            QStringLiteral("Cannot read '%1': %2").arg(sourcePath, source.errorString()));
    if (!QDir().mkpath(m_dir))
        return Error::failed(QStringLiteral("Cannot create the artifact store '%1'").arg(m_dir));

    QTemporaryFile temp(QDir(m_dir).filePath(QStringLiteral(".incoming-XXXXXX")));
    if (!temp.open())
        return Error::failed(QStringLiteral("Cannot write into the artifact store '%1': %2")
                                 .arg(m_dir, temp.errorString()));
    FileSha256 hash;
    for (;;) {
        const QByteArray chunk = source.read(FileSha256::ChunkSize);
        if (chunk.isEmpty()) {
            if (source.error() != QFileDevice::NoError)
                return Error::failed(QStringLiteral("Reading '%1' failed: %2")
                                         .arg(sourcePath, source.errorString()));
            break;
        }
        hash.addData(chunk);
        if (temp.write(chunk) != chunk.size())
            return Error::failed(QStringLiteral("Writing into the artifact store failed: %1")
                                     .arg(temp.errorString()));
    }
    if (!temp.flush())
        return Error::failed(
            QStringLiteral("Writing into the artifact store failed: %1").arg(temp.errorString()));
#ifdef Q_OS_UNIX
    // The rename below must not publish a file whose bytes are still only in the page cache.
    if (::fsync(temp.handle()) != 0)
        return Error::failed(QStringLiteral("Flushing the artifact to disk failed"));
#endif
    Stored stored;
    stored.sha256 = hash.hexResult();
    stored.size = hash.bytesHashed();
    stored.path = pathFor(stored.sha256);
    temp.close();

    if (QFile::exists(stored.path)) {
        // Same name, so the same bytes, unless someone altered the stored copy: then the fresh
        // copy replaces it.
        auto existing = FileSha256::ofFile(stored.path);
        if (existing && existing.value() == stored.sha256) {
            stored.alreadyPresent = true;
            return stored;
        }
        QFile::setPermissions(stored.path, QFile::ReadOwner | QFile::WriteOwner);
        if (!QFile::remove(stored.path))
            return Error::failed(QStringLiteral("The stored artifact '%1' is damaged and cannot "
                                                "be replaced")
                                     .arg(stored.path));
    }
    if (!temp.rename(stored.path)) {
        // Another import of the same bytes may have won the race: then it is already there.
        auto raced = FileSha256::ofFile(stored.path);
        if (raced && raced.value() == stored.sha256) {
            stored.alreadyPresent = true;
            return stored;
        }
        return Error::failed(QStringLiteral("Cannot move the artifact into place as '%1': %2")
                                 .arg(stored.path, temp.errorString()));
    }
    temp.setAutoRemove(false);
    QFile::setPermissions(stored.path, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther);
    return stored;
}

} // namespace fleet
