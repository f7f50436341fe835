#include "crypto/FileSha256.h"

#include <QFile>

namespace fleet {

Result<QString> FileSha256::ofFile(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return Error::notFound(QStringLiteral("No file %1").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return Error::failed(QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    FileSha256 hash;
    while (!file.atEnd()) {
        const QByteArray chunk = file.read(ChunkSize);
        if (chunk.isEmpty() && file.error() != QFileDevice::NoError)
            return Error::failed(
                QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
        hash.addData(chunk);
    }
    return hash.hexResult();
}

void FileSha256::addData(const QByteArray &chunk)
{
    m_hash.addData(chunk);
    m_bytes += chunk.size();
}

QString FileSha256::hexResult() const
{
    // QCryptographicHash::result() finalises a copy, so more data can still be added afterwards.
    return QString::fromLatin1(m_hash.result().toHex());
}

void FileSha256::reset()
{
    m_hash.reset();
    m_bytes = 0;
}

} // namespace fleet
