#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>
#include <memory>

struct evp_pkey_st;

namespace fleet {

// An Ed25519 public key: verifies signatures made by the matching Ed25519PrivateKey. A
// default-constructed key is null (isNull()) and verifies nothing.
class Ed25519PublicKey
{
public:
    Ed25519PublicKey() = default;

    // SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----"), as `openssl pkey -pubout` writes.
    static Result<Ed25519PublicKey> fromPem(const QByteArray &pem);
    // The 32 raw key bytes (RFC 8032).
    static Result<Ed25519PublicKey> fromRaw(const QByteArray &raw32);

    bool isNull() const { return !m_key; }
    QByteArray raw() const;
    Result<QByteArray> toPem() const;
    // True only for a 64-byte signature over exactly this message by the matching private key.
    bool verify(const QByteArray &message, const QByteArray &signature) const;
    // Lower-case hex of the first 16 bytes of SHA-256(raw()): 32 characters, shown to operators
    // so they can compare a key with the one they expect.
    QString fingerprint() const;

    bool operator==(const Ed25519PublicKey &other) const { return raw() == other.raw(); }

private:
    friend class Ed25519PrivateKey;
    explicit Ed25519PublicKey(std::shared_ptr<evp_pkey_st> key)
        : m_key(std::move(key))
    {}

    // Shared: a key is immutable once made, so copies can share the OpenSSL object.
    std::shared_ptr<evp_pkey_st> m_key;
};

} // namespace fleet
