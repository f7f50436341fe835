#pragma once

#include "crypto/Ed25519PrivateKey.h"
#include "crypto/Ed25519PublicKey.h"
#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace fleet {

// The signature of a firmware artifact. Ed25519 cannot sign a stream, so the release key signs a
// short statement naming the artifact's SHA-256 and size instead of the file itself; a device
// hashes the file while downloading it and then checks the statement (docs/device-protocol.md,
// "Artifact signatures").
class ArtifactSignature
{
public:
    // Exactly "fleetdesk-artifact-v1\nsha256:<64 lower-case hex>\nsize:<decimal>\n".
    // sha256Hex is lower-cased; callers validate it (sign/verify refuse a malformed one).
    static QByteArray statement(const QString &sha256Hex, qint64 size);
    // Base64 of the 64-byte signature over statement(sha256Hex, size).
    static Result<QString> sign(const Ed25519PrivateKey &key, const QString &sha256Hex,
                                qint64 size);
    // Success only when base64Signature is the key's signature over statement(sha256Hex, size);
    // otherwise says why: not base64, wrong length, malformed hash, does not verify.
    static Status verify(const Ed25519PublicKey &key, const QString &sha256Hex, qint64 size,
                         const QString &base64Signature);
};

} // namespace fleet
