#pragma once

#include "crypto/Ed25519PrivateKey.h"
#include "crypto/Ed25519PublicKey.h"
#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <optional>

namespace fleet {

class AuditLog;
class SqliteDatabase;

// The workspace's Ed25519 release-signing key. The private key lives in a passphrase-encrypted
// PKCS#8 PEM file next to the workspace (<workspace>.signing-key.pem, mode 0600), never in the
// database, so a copied or shared workspace file does not carry it. The public key and its
// fingerprint are in `signing_keys` (every key that ever signed stays there, so old signatures
// can still be checked after a key is replaced); one of them is the active key.
class SigningKeyStore
{
public:
    static constexpr int MinPassphraseLength = 8;

    struct KeyInfo
    {
        QString fingerprint;
        QByteArray publicKeyPem;
        qint64 createdMs = 0;
        bool active = false;
    };

    SigningKeyStore(SqliteDatabase &db, AuditLog &audit, QString workspacePath);
    static QString keyPathForWorkspace(const QString &workspacePath);
    QString keyPath() const { return keyPathForWorkspace(m_workspacePath); }

    // A new key, saved encrypted with `passphrase`. An existing active key is only replaced
    // when `replace` is set (releases it signed stay verifiable). Audited.
    Result<KeyInfo> create(const QByteArray &passphrase, bool replace = false);
    // An existing key from PEM (decrypted with pemPassphrase when encrypted), re-saved encrypted
    // with `passphrase`. Audited.
    Result<KeyInfo> importPem(const QByteArray &pem, const QByteArray &pemPassphrase,
                              const QByteArray &passphrase, bool replace = false);

    Result<std::optional<KeyInfo>> activeKey();
    Result<QList<KeyInfo>> keys();
    // The public key with that fingerprint (from the database), for checking signatures.
    Result<Ed25519PublicKey> publicKey(const QString &fingerprint);
    // The active private key, decrypted with `passphrase`; refused when the key file does not
    // hold the key the workspace names as active.
    Result<Ed25519PrivateKey> unlock(const QByteArray &passphrase);

private:
    Result<KeyInfo> install(const Ed25519PrivateKey &key, const QByteArray &passphrase,
                            bool replace, const QString &action);

    SqliteDatabase &m_db;
    AuditLog &m_audit;
    QString m_workspacePath;
};

} // namespace fleet
