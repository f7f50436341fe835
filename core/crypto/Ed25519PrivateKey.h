#pragma once

#include "crypto/Ed25519PublicKey.h"
#include "util/Result.h"

#include <QByteArray>
#include <memory>

struct evp_pkey_st;

namespace fleet {

// An Ed25519 signing key (the release key that signs firmware artifacts). A default-constructed
// key is null (isNull()) and signs nothing.
class Ed25519PrivateKey
{
public:
    Ed25519PrivateKey() = default;

    static Result<Ed25519PrivateKey> generate();
    // PKCS#8 PEM, plain ("BEGIN PRIVATE KEY") or encrypted ("BEGIN ENCRYPTED PRIVATE KEY").
    // An encrypted key without a passphrase, or with a wrong one, is refused with a clear error.
    static Result<Ed25519PrivateKey> fromPem(const QByteArray &pem,
                                             const QByteArray &passphrase = {});

    bool isNull() const { return !m_key; }
    // PKCS#8 PEM; with a passphrase encrypted with AES-256-CBC (key derived as OpenSSL 3 does by
    // default), so `openssl pkey -passin` reads it.
    Result<QByteArray> toPem(const QByteArray &passphrase = {}) const;
    // The 64-byte raw Ed25519 signature of message (RFC 8032, deterministic).
    Result<QByteArray> sign(const QByteArray &message) const;
    Ed25519PublicKey publicKey() const;

private:
    explicit Ed25519PrivateKey(std::shared_ptr<evp_pkey_st> key)
        : m_key(std::move(key))
    {}

    std::shared_ptr<evp_pkey_st> m_key;
};

} // namespace fleet
