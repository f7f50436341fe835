#include "crypto/ArtifactSignature.h"

#include <QRegularExpression>

namespace fleet {

namespace {

Status checkHash(const QString &sha256Hex)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]{64}$"));
    if (!hex.match(sha256Hex).hasMatch())
        return Error::invalid(
            QStringLiteral("The artifact's SHA-256 must be 64 hexadecimal characters, got \"%1\"")
                .arg(sha256Hex));
    return {};
}

} // namespace

QByteArray ArtifactSignature::statement(const QString &sha256Hex, qint64 size)
{
    return QByteArrayLiteral("fleetdesk-artifact-v1\nsha256:") + sha256Hex.toLower().toLatin1() +
           QByteArrayLiteral("\nsize:") + QByteArray::number(size) + '\n';
}

Result<QString> ArtifactSignature::sign(const Ed25519PrivateKey &key, const QString &sha256Hex,
                                        qint64 size)
{
    if (Status hash = checkHash(sha256Hex); !hash)
        return hash.error();
    if (size < 0)
        return Error::invalid(QStringLiteral("The artifact's size cannot be negative"));
    Result<QByteArray> signature = key.sign(statement(sha256Hex, size));
    if (!signature)
        return signature.error();
    return QString::fromLatin1(signature->toBase64());
}

Status ArtifactSignature::verify(const Ed25519PublicKey &key, const QString &sha256Hex, qint64 size,
                                 const QString &base64Signature)
{
    if (key.isNull())
        return Error::invalid(
            QStringLiteral("No public key to verify the artifact signature with"));
    if (Status hash = checkHash(sha256Hex); !hash)
        return hash;
    const QByteArray text = base64Signature.trimmed().toLatin1();
    const auto decoded =
        QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    if (text.isEmpty() || !decoded)
        return Error::invalid(QStringLiteral("The artifact signature is not base64"));
    if (decoded.decoded.size() != 64)
        return Error::invalid(
            QStringLiteral("The artifact signature has %1 bytes; an Ed25519 signature has 64")
                .arg(decoded.decoded.size()));
    if (!key.verify(statement(sha256Hex, size), decoded.decoded))
        return Error::invalid(
            QStringLiteral(
                "The artifact signature does not verify with the key %1 for sha256 %2, size %3")
                .arg(key.fingerprint(), sha256Hex.toLower())
                .arg(size));
    return {};
}

} // namespace fleet
