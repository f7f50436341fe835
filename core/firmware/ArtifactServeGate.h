#pragma once

#include "firmware/Release.h"
#include "util/Result.h"

#include <QFile>
#include <QHash>
#include <QMutex>
#include <memory>

namespace fleet {

class SqliteDatabase;

// The check every artifact download passes right before it is served, shared by all of the
// update server's threads: the release is approved, its signature verifies over the recorded
// hash and size, and the bytes of the very file handle that will be streamed hash to that
// SHA-256. The handle is opened once and served as is, so a file swapped on disk after the
// check is never what a device gets.
//
// Hashing 16 MB for every one of 50 parallel downloads would cost more than serving them, so a
// file whose identity has not changed since it last hashed correctly is not hashed again. The
// identity is (device, inode, size, mtime, ctime) of the open handle: ctime cannot be set back
// by any user-space call, so any write to the file or replacement of it (even one that restores
// mtime) changes the identity and forces a full hash. The SHA-1 and MD5 DDI clients check come
// out of the same pass.
class ArtifactServeGate
{
public:
    struct Served
    {
        Release release; // with sha1 and md5 filled
        std::shared_ptr<QFile> file;
        bool hashedNow = false;      // false when the cached verification was reused
        bool digestsChanged = false; // sha1/md5 were worked out now and should be stored
    };

    explicit ArtifactServeGate(QString workspacePath);

    // Uses `db` for the release and its signing key (the caller's connection on its thread).
    Result<Served> open(SqliteDatabase &db, qint64 releaseId);

    // How many full hashes were run (tests check the cache is used and invalidated).
    quint64 fullHashCount() const;

private:
    struct FileIdentity
    {
        quint64 device = 0;
        quint64 inode = 0;
        qint64 size = 0;
        qint64 mtimeNs = 0;
        qint64 ctimeNs = 0;
        bool operator==(const FileIdentity &) const = default;
    };
    struct Verified
    {
        FileIdentity identity;
        QString sha256;
        QString sha1;
        QString md5;
    };

    static Result<FileIdentity> identityOf(QFile &file);

    QString m_workspacePath;
    mutable QMutex m_mutex;
    QHash<qint64, Verified> m_verified; // by release id
    quint64 m_fullHashes = 0;
};

} // namespace fleet
