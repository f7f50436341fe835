#include "crypto/Ed25519PrivateKey.h"

#include "crypto/OpenSslErrors.h"

#include <cstring>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace fleet {

namespace {

std::shared_ptr<EVP_PKEY> adopt(EVP_PKEY *key)
{
    return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

// OpenSSL's PEM password callback. Always installed: without one, OpenSSL would prompt on the
// terminal for an encrypted key, which would hang a GUI or a test.
int passphraseCallback(char *buffer, int size, int /*rwflag*/, void *userData)
{
    const auto *passphrase = static_cast<const QByteArray *>(userData);
    if (!passphrase || passphrase->isEmpty() || passphrase->size() > size)
        return 0;
    std::memcpy(buffer, passphrase->constData(), static_cast<size_t>(passphrase->size()));
    return static_cast<int>(passphrase->size());
}

} // namespace

Result<Ed25519PrivateKey> Ed25519PrivateKey::generate()
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    if (!ctx)
        return Error::failed(
            QStringLiteral("Cannot generate an Ed25519 key: %1").arg(takeOpenSslError()));
    EVP_PKEY *key = nullptr;
    const bool good = EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &key) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!good || !key)
        return Error::failed(
            QStringLiteral("Cannot generate an Ed25519 key: %1").arg(takeOpenSslError()));
    return Ed25519PrivateKey(adopt(key));
}

Result<Ed25519PrivateKey> Ed25519PrivateKey::fromPem(const QByteArray &pem,
                                                     const QByteArray &passphrase)
{
    const bool encrypted = pem.contains("BEGIN ENCRYPTED PRIVATE KEY");
    if (encrypted && passphrase.isEmpty())
        return Error::invalid(
            QStringLiteral("The private key is encrypted: a passphrase is needed"));
    if (!encrypted && !pem.contains("BEGIN PRIVATE KEY"))
        return Error::invalid(QStringLiteral("Not a PKCS#8 PEM private key (expected \"BEGIN "
                                             "PRIVATE KEY\" or \"BEGIN ENCRYPTED PRIVATE KEY\")"));
    BIO *bio = BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size()));
    if (!bio)
        return Error::failed(QStringLiteral("Cannot read the private key: out of memory"));
    QByteArray pass = passphrase;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, nullptr, passphraseCallback, &pass);
    BIO_free(bio);
    if (!key) {
        const QString detail = takeOpenSslError();
        if (encrypted)
            return Error::invalid(
                QStringLiteral("Cannot decrypt the private key: wrong passphrase (%1)")
                    .arg(detail));
        return Error::invalid(QStringLiteral("Cannot read the private key: %1").arg(detail));
    }
    auto owned = adopt(key);
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_ED25519)
        return Error::invalid(QStringLiteral("The private key is not an Ed25519 key"));
    return Ed25519PrivateKey(owned);
}

Result<QByteArray> Ed25519PrivateKey::toPem(const QByteArray &passphrase) const
{
    if (!m_key)
        return Error::invalid(QStringLiteral("No private key"));
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio)
        return Error::failed(QStringLiteral("Cannot write the private key: out of memory"));
    QByteArray pass = passphrase;
    // PKCS#8 always; with a cipher OpenSSL 3 writes PBES2 (PBKDF2-HMAC-SHA256) + AES-256-CBC.
    const EVP_CIPHER *cipher = passphrase.isEmpty() ? nullptr : EVP_aes_256_cbc();
    QByteArray out;
    if (PEM_write_bio_PKCS8PrivateKey(bio, m_key.get(), cipher, nullptr, 0,
                                      cipher ? passphraseCallback : nullptr,
                                      cipher ? &pass : nullptr) == 1) {
        char *data = nullptr;
        const long length = BIO_get_mem_data(bio, &data);
        out = QByteArray(data, static_cast<qsizetype>(length));
    }
    BIO_free(bio);
    if (out.isEmpty())
        return Error::failed(
            QStringLiteral("Cannot write the private key: %1").arg(takeOpenSslError()));
    return out;
}

Result<QByteArray> Ed25519PrivateKey::sign(const QByteArray &message) const
{
    if (!m_key)
        return Error::invalid(QStringLiteral("No private key to sign with"));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return Error::failed(QStringLiteral("Cannot sign: out of memory"));
    QByteArray signature(64, '\0');
    size_t length = 64;
    const bool good =
        EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, m_key.get()) == 1 &&
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(signature.data()), &length,
                       reinterpret_cast<const unsigned char *>(message.constData()),
                       static_cast<size_t>(message.size())) == 1 &&
        length == 64;
    EVP_MD_CTX_free(ctx);
    if (!good)
        return Error::failed(QStringLiteral("Cannot sign: %1").arg(takeOpenSslError()));
    return signature;
}

Ed25519PublicKey Ed25519PrivateKey::publicKey() const
{
    if (!m_key)
        return {};
    unsigned char raw[32];
    size_t length = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(m_key.get(), raw, &length) != 1 || length != 32)
        return {};
    EVP_PKEY *pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw, length);
    if (!pub)
        return {};
    return Ed25519PublicKey(std::shared_ptr<EVP_PKEY>(pub, EVP_PKEY_free));
}

} // namespace fleet
