#include "tls/PemMaterial.h"

#include "crypto/OpenSslErrors.h"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace fleet::tls {

namespace {

int noPassphrase(char *, int, int, void *)
{
    return 0;
}

// The file's bytes, or nullopt when it does not exist.

} // namespace

Result<X509Ptr> parseCertificate(const QByteArray &pem, const QString &what)
{
    BioPtr bio = memoryBio(pem);
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
    if (!cert)
        return Error::invalid(
            QStringLiteral("%1 cannot be read: %2").arg(what, takeOpenSslError()));
    return cert;
}

Result<PKeyPtr> parsePrivateKey(const QByteArray &pem, const QString &what)
{
    if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") ||
        pem.contains("Proc-Type: 4,ENCRYPTED"))
        return Error::invalid(QStringLiteral("%1 is encrypted with a passphrase; the server "
                                             "starts unattended, so give it the key without "
                                             "one (e.g. `openssl pkey -in KEY -out KEY.plain`)")
                                  .arg(what));
    if (!pem.contains("PRIVATE KEY-----"))
        return Error::invalid(QStringLiteral("%1 is not a PEM private key (no \"-----BEGIN ... "
                                             "PRIVATE KEY-----\" line)")
                                  .arg(what));
    BioPtr bio = memoryBio(pem);
    PKeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
    if (!key)
        return Error::invalid(
            QStringLiteral("%1 cannot be read: %2").arg(what, takeOpenSslError()));
    const int type = EVP_PKEY_get_base_id(key.get());
    if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC)
        return Error::invalid(QStringLiteral("%1 is a %2 key; the server supports RSA and ECDSA "
                                             "keys")
                                  .arg(what, QString::fromLatin1(OBJ_nid2sn(type))));
    return key;
}

Result<QByteArray> pkcs8Pem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return Error::failed(
            QStringLiteral("Cannot encode the private key: %1").arg(takeOpenSslError()));
    return bioBytes(bio.get());
}

Status checkKeyMatches(X509 *cert, EVP_PKEY *key, const QString &certWhat)
{
    if (X509_check_private_key(cert, key) != 1) {
        ERR_clear_error();
        return Error::invalid(
            QStringLiteral("The private key does not belong to %1 (their public keys differ)")
                .arg(certWhat));
    }
    return {};
}

bool signedBy(X509 *cert, X509 *issuer)
{
    EVP_PKEY *pub = X509_get0_pubkey(issuer);
    const bool ok = pub && X509_verify(cert, pub) == 1;
    ERR_clear_error();
    return ok;
}

QList<QByteArray> splitCertificates(const QByteArray &pem)
{
    QList<QByteArray> out;
    static const QByteArray begin = "-----BEGIN CERTIFICATE-----";
    static const QByteArray end = "-----END CERTIFICATE-----";
    qsizetype from = 0;
    while ((from = pem.indexOf(begin, from)) >= 0) {
        const qsizetype stop = pem.indexOf(end, from);
        if (stop < 0)
            break;
        out << pem.mid(from, stop + end.size() - from) + '\n';
        from = stop + end.size();
    }
    return out;
}

} // namespace fleet::tls
