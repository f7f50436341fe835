#include "crypto/Ed25519PublicKey.h"

#include "crypto/OpenSslErrors.h"

#include <QCryptographicHash>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace fleet {

namespace {

std::shared_ptr<EVP_PKEY> adopt(EVP_PKEY *key)
{
    return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

} // namespace

Result<Ed25519PublicKey> Ed25519PublicKey::fromPem(const QByteArray &pem)
{
    BIO *bio = BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size()));
    if (!bio)
        return Error::failed(QStringLiteral("Cannot read the public key: out of memory"));
    EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!key)
        return Error::invalid(
            QStringLiteral("Not a PEM public key (expected \"BEGIN PUBLIC KEY\"): %1")
                .arg(takeOpenSslError()));
    auto owned = adopt(key);
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_ED25519)
        return Error::invalid(QStringLiteral("The public key is not an Ed25519 key"));
    return Ed25519PublicKey(owned);
}

Result<Ed25519PublicKey> Ed25519PublicKey::fromRaw(const QByteArray &raw32)
{
    if (raw32.size() != 32)
        return Error::invalid(
            QStringLiteral("An Ed25519 public key has 32 bytes, not %1").arg(raw32.size()));
    EVP_PKEY *key = EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char *>(raw32.constData()), 32);
    if (!key)
        return Error::invalid(
            QStringLiteral("Not a valid Ed25519 public key: %1").arg(takeOpenSslError()));
    return Ed25519PublicKey(adopt(key));
}

QByteArray Ed25519PublicKey::raw() const
{
    if (!m_key)
        return {};
    QByteArray out(32, '\0');
    size_t length = 32;
    if (EVP_PKEY_get_raw_public_key(m_key.get(), reinterpret_cast<unsigned char *>(out.data()),
                                    &length) != 1 ||
        length != 32)
        return {};
    return out;
}

Result<QByteArray> Ed25519PublicKey::toPem() const
{
    if (!m_key)
        return Error::invalid(QStringLiteral("No public key"));
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio)
        return Error::failed(QStringLiteral("Cannot write the public key: out of memory"));
    QByteArray out;
    if (PEM_write_bio_PUBKEY(bio, m_key.get()) == 1) {
        char *data = nullptr;
        const long length = BIO_get_mem_data(bio, &data);
        out = QByteArray(data, static_cast<qsizetype>(length));
    }
    BIO_free(bio);
    if (out.isEmpty())
        return Error::failed(
            QStringLiteral("Cannot write the public key: %1").arg(takeOpenSslError()));
    return out;
}

bool Ed25519PublicKey::verify(const QByteArray &message, const QByteArray &signature) const
{
    if (!m_key || signature.size() != 64)
        return false;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return false;
    // Ed25519 is "one-shot": no digest is named, the whole message goes to DigestVerify.
    bool good =
        EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, m_key.get()) == 1 &&
        EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char *>(signature.constData()), 64,
                         reinterpret_cast<const unsigned char *>(message.constData()),
                         static_cast<size_t>(message.size())) == 1;
    EVP_MD_CTX_free(ctx);
    takeOpenSslError(); // a failed verification leaves an error on the thread's queue
    return good;
}

QString Ed25519PublicKey::fingerprint() const
{
    const QByteArray bytes = raw();
    if (bytes.isEmpty())
        return {};
    return QString::fromLatin1(
        QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).left(16).toHex());
}

} // namespace fleet
