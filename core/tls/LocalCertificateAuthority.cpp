#include "tls/LocalCertificateAuthority.h"

#include "crypto/OpenSslErrors.h"
#include "tls/OpenSslSupport.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

namespace fleet {

using namespace fleet::tls;

namespace {

constexpr qint64 ClockSkewSeconds = 3600;

std::shared_ptr<EVP_PKEY> shareKey(EVP_PKEY *key)
{
    return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

std::shared_ptr<X509> shareCert(X509 *cert)
{
    return std::shared_ptr<X509>(cert, X509_free);
}

Error sslFailure(const QString &what)
{
    return Error::failed(QStringLiteral("%1: %2").arg(what, takeOpenSslError()));
}

// Never prompts on a terminal for an encrypted key: the server runs unattended.
int noPassphrase(char *, int, int, void *)
{
    return 0;
}

Result<PKeyPtr> generateP256()
{
    PKeyPtr key(EVP_EC_gen("P-256"));
    if (!key)
        return sslFailure(QStringLiteral("Cannot generate an ECDSA P-256 key"));
    return key;
}

// A random positive 128-bit serial number: unique without a counter to keep, and
// unpredictable (RFC 5280 allows up to 20 octets).
bool setRandomSerial(X509 *cert)
{
    std::unique_ptr<BIGNUM, OpenSslFree> bn(BN_new());
    if (!bn)
        return false;
    do {
        if (BN_rand(bn.get(), 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1)
            return false;
    } while (BN_is_zero(bn.get()));
    return BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr;
}

bool setValidity(X509 *cert, const QDateTime &from, const QDateTime &until)
{
    return ASN1_TIME_set(X509_getm_notBefore(cert), static_cast<time_t>(from.toSecsSinceEpoch())) &&
           ASN1_TIME_set(X509_getm_notAfter(cert), static_cast<time_t>(until.toSecsSinceEpoch()));
}

bool setCommonName(X509 *cert, const QString &cn)
{
    X509_NAME *name = X509_get_subject_name(cert);
    const QByteArray utf8 = cn.left(64).toUtf8();
    return X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char *>(utf8.constData()),
                                      static_cast<int>(utf8.size()), -1, 0) == 1;
}

bool addExtension(X509 *cert, X509 *issuer, int nid, const QByteArray &value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, OpenSslFree> ext(
        X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.constData()));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

QByteArray subjectAltNameValue(const ServerNames &names)
{
    QStringList parts;
    for (const QString &n : names.dnsNames)
        parts << QStringLiteral("DNS:") + n;
    for (const QHostAddress &a : names.addresses)
        parts << QStringLiteral("IP:") + a.toString();
    return parts.join(QLatin1Char(',')).toLatin1();
}

Result<QByteArray> certificateToPem(X509 *cert)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
        return sslFailure(QStringLiteral("Cannot encode the certificate"));
    return bioBytes(bio.get());
}

Result<QByteArray> keyToPem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return sslFailure(QStringLiteral("Cannot encode the private key"));
    return bioBytes(bio.get());
}

} // namespace

Result<LocalCertificateAuthority> LocalCertificateAuthority::create(const QString &label,
                                                                    const QDateTime &now)
{
    auto key = generateP256();
    if (!key)
        return key.error();
    X509Ptr cert(X509_new());
    const QDateTime from = now.toUTC().addSecs(-ClockSkewSeconds);
    const bool built =
        cert && X509_set_version(cert.get(), X509_VERSION_3) == 1 && setRandomSerial(cert.get()) &&
        setValidity(cert.get(), from, now.toUTC().addDays(CaValidityDays)) &&
        setCommonName(cert.get(), QStringLiteral("Fleetdesk local CA %1").arg(label)) &&
        X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) == 1 &&
        X509_set_pubkey(cert.get(), key->get()) == 1 &&
        addExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE") &&
        addExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign") &&
        addExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash") &&
        addExtension(cert.get(), cert.get(), NID_authority_key_identifier, "keyid:always") &&
        X509_sign(cert.get(), key->get(), EVP_sha256()) > 0;
    if (!built)
        return sslFailure(QStringLiteral("Cannot create the local CA certificate"));
    return LocalCertificateAuthority(shareKey(key->release()), shareCert(cert.release()));
}

Result<LocalCertificateAuthority>
LocalCertificateAuthority::fromPem(const QByteArray &certificatePem,
                                   const QByteArray &privateKeyPem)
{
    BioPtr certBio = memoryBio(certificatePem);
    X509Ptr cert(certBio ? PEM_read_bio_X509(certBio.get(), nullptr, noPassphrase, nullptr)
                         : nullptr);
    if (!cert)
        return Error::invalid(
            QStringLiteral("The local CA certificate cannot be read: %1").arg(takeOpenSslError()));
    if (privateKeyPem.contains("ENCRYPTED"))
        return Error::invalid(QStringLiteral("The local CA key is encrypted; Fleetdesk keeps it "
                                             "unencrypted with owner-only permissions"));
    BioPtr keyBio = memoryBio(privateKeyPem);
    PKeyPtr key(keyBio ? PEM_read_bio_PrivateKey(keyBio.get(), nullptr, noPassphrase, nullptr)
                       : nullptr);
    if (!key)
        return Error::invalid(
            QStringLiteral("The local CA key cannot be read: %1").arg(takeOpenSslError()));
    if (X509_check_private_key(cert.get(), key.get()) != 1) {
        ERR_clear_error();
        return Error::invalid(
            QStringLiteral("The local CA key does not belong to the local CA certificate"));
    }
    if (!(X509_get_extension_flags(cert.get()) & EXFLAG_CA))
        return Error::invalid(QStringLiteral("The local CA certificate is not a CA certificate "
                                             "(basicConstraints CA:TRUE is missing)"));
    return LocalCertificateAuthority(shareKey(key.release()), shareCert(cert.release()));
}

QByteArray LocalCertificateAuthority::certificatePem() const
{
    auto pem = certificateToPem(m_cert.get());
    return pem ? *pem : QByteArray();
}

Result<QByteArray> LocalCertificateAuthority::privateKeyPem() const
{
    return keyToPem(m_key.get());
}

QDateTime LocalCertificateAuthority::notAfter() const
{
    return asn1TimeToUtc(X509_get0_notAfter(m_cert.get()));
}

Result<LocalCertificateAuthority::IssuedCertificate>
LocalCertificateAuthority::issueServerCertificate(const ServerNames &names, const QDateTime &now,
                                                  int validityDays) const
{
    if (names.isEmpty())
        return Error::invalid(QStringLiteral("A server certificate needs at least one DNS name "
                                             "or IP address"));
    if (validityDays < 1 || validityDays > MaxServerValidityDays)
        return Error::invalid(QStringLiteral("A server certificate is valid for 1 to %1 days, "
                                             "not %2")
                                  .arg(MaxServerValidityDays)
                                  .arg(validityDays));
    const QDateTime caExpiry = notAfter();
    QDateTime until = now.toUTC().addDays(validityDays);
    if (caExpiry.isValid() && until > caExpiry)
        until = caExpiry;
    if (until <= now.toUTC())
        return Error::invalid(QStringLiteral("The local CA expired on %1; it cannot issue "
                                             "certificates any more")
                                  .arg(caExpiry.toString(Qt::ISODate)));

    auto key = generateP256();
    if (!key)
        return key.error();
    const QString cn =
        names.dnsNames.isEmpty() ? names.addresses.first().toString() : names.dnsNames.first();
    X509Ptr cert(X509_new());
    const bool built =
        cert && X509_set_version(cert.get(), X509_VERSION_3) == 1 && setRandomSerial(cert.get()) &&
        setValidity(cert.get(), now.toUTC().addSecs(-ClockSkewSeconds), until) &&
        setCommonName(cert.get(), cn) &&
        X509_set_issuer_name(cert.get(), X509_get_subject_name(m_cert.get())) == 1 &&
        X509_set_pubkey(cert.get(), key->get()) == 1 &&
        addExtension(cert.get(), m_cert.get(), NID_basic_constraints, "critical,CA:FALSE") &&
        addExtension(cert.get(), m_cert.get(), NID_key_usage, "critical,digitalSignature") &&
        addExtension(cert.get(), m_cert.get(), NID_ext_key_usage, "serverAuth") &&
        addExtension(cert.get(), m_cert.get(), NID_subject_alt_name, subjectAltNameValue(names)) &&
        addExtension(cert.get(), m_cert.get(), NID_subject_key_identifier, "hash") &&
        addExtension(cert.get(), m_cert.get(), NID_authority_key_identifier, "keyid:always") &&
        X509_sign(cert.get(), m_key.get(), EVP_sha256()) > 0;
    if (!built)
        return sslFailure(QStringLiteral("Cannot issue the server certificate"));
    auto certPem = certificateToPem(cert.get());
    if (!certPem)
        return certPem.error();
    auto keyPem = keyToPem(key->get());
    if (!keyPem)
        return keyPem.error();
    return IssuedCertificate{*certPem, *keyPem};
}

} // namespace fleet
