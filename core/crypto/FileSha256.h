#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QString>

namespace fleet {

// SHA-256 of a file or of a stream of chunks (a download), without holding it in memory.
class FileSha256
{
public:
    static constexpr qint64 ChunkSize = 64 * 1024;

    // Lower-case hex SHA-256 of the file at path, read in 64 KiB chunks.
    static Result<QString> ofFile(const QString &path);

    // Incremental use while data arrives.
    void addData(const QByteArray &chunk);
    qint64 bytesHashed() const { return m_bytes; }
    // Lower-case hex of everything added so far (the hash can keep growing afterwards).
    QString hexResult() const;
    void reset();

private:
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
    qint64 m_bytes = 0;
};

} // namespace fleet
