#include "tls/CertificateDetails.h"

#include "crypto/OpenSslErrors.h"
#include "tls/OpenSslSupport.h"

#include <QJsonArray>
#include <QtEndian>
#include <cstring>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>

namespace fleet {

using namespace fleet::tls;

namespace {

QString nameText(const X509_NAME *name)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
        return {};
    return QString::fromUtf8(bioBytes(bio.get()));
}

ServerNames subjectAltNames(X509 *cert)
{
    ServerNames names;
    auto *sans = static_cast<GENERAL_NAMES *>(
        X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (!sans)
        return names;
    for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
        if (gn->type == GEN_DNS) {
            const ASN1_IA5STRING *s = gn->d.dNSName;
            names.dnsNames << QString::fromLatin1(reinterpret_cast<const char *>(s->data),
                                                  s->length);
        } else if (gn->type == GEN_IPADD) {
            const ASN1_OCTET_STRING *s = gn->d.iPAddress;
            if (s->length == 4) {
                names.addresses << QHostAddress(qFromBigEndian<quint32>(s->data));
            } else if (s->length == 16) {
                Q_IPV6ADDR raw;
                std::memcpy(raw.c, s->data, 16);
                names.addresses << QHostAddress(raw);
            }
        }
    }
    GENERAL_NAMES_free(sans);
    return names;
}

} // namespace

Result<CertificateDetails> CertificateDetails::fromPem(const QByteArray &pem, const QString &what)
{
    if (!pem.contains("-----BEGIN CERTIFICATE-----"))
        return Error::invalid(QStringLiteral("%1 is not a PEM certificate (no \"-----BEGIN "
                                             "CERTIFICATE-----\" line)")
                                  .arg(what));
    BioPtr bio = memoryBio(pem);
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert)
        return Error::invalid(
            QStringLiteral("%1 cannot be read: %2").arg(what, takeOpenSslError()));

    CertificateDetails d;
    d.subject = nameText(X509_get_subject_name(cert.get()));
    d.issuer = nameText(X509_get_issuer_name(cert.get()));
    d.names = subjectAltNames(cert.get());
    d.notBefore = asn1TimeToUtc(X509_get0_notBefore(cert.get()));
    d.notAfter = asn1TimeToUtc(X509_get0_notAfter(cert.get()));

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLength = 0;
    if (X509_digest(cert.get(), EVP_sha256(), digest, &digestLength) != 1)
        return Error::failed(QStringLiteral("Cannot compute the fingerprint of %1: %2")
                                 .arg(what, takeOpenSslError()));
    d.sha256Fingerprint = QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(digest), digestLength).toHex(':').toUpper());

    if (const ASN1_INTEGER *serial = X509_get0_serialNumber(cert.get())) {
        std::unique_ptr<BIGNUM, OpenSslFree> bn(ASN1_INTEGER_to_BN(serial, nullptr));
        if (bn) {
            char *hex = BN_bn2hex(bn.get());
            d.serialNumber = QString::fromLatin1(hex).toLower();
            OPENSSL_free(hex);
        }
    }

    // X509_get_extension_flags computes (and caches) the decoded extensions.
    const uint32_t flags = X509_get_extension_flags(cert.get());
    d.isCa = (flags & EXFLAG_CA) != 0;
    d.selfSigned = (flags & EXFLAG_SS) != 0;
    d.hasExtendedKeyUsage = (flags & EXFLAG_XKUSAGE) != 0;
    d.allowsServerAuth =
        !d.hasExtendedKeyUsage || (X509_get_extended_key_usage(cert.get()) & XKU_SSL_SERVER);
    ERR_clear_error();
    return d;
}

QJsonObject CertificateDetails::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("subject"), subject);
    o.insert(QStringLiteral("issuer"), issuer);
    o.insert(QStringLiteral("names"), QJsonArray::fromStringList(names.toStrings()));
    o.insert(QStringLiteral("notBefore"), notBefore.toString(Qt::ISODate));
    o.insert(QStringLiteral("notAfter"), notAfter.toString(Qt::ISODate));
    o.insert(QStringLiteral("sha256Fingerprint"), sha256Fingerprint);
    o.insert(QStringLiteral("serialNumber"), serialNumber);
    o.insert(QStringLiteral("ca"), isCa);
    o.insert(QStringLiteral("allowsServerAuth"), allowsServerAuth);
    return o;
}

} // namespace fleet
