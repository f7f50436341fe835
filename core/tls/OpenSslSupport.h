#pragma once

#include <QByteArray>
#include <QDateTime>
#include <memory>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// Owning pointers for the OpenSSL objects core/tls works with, so every early return frees
// what was allocated, and small conversions between OpenSSL and Qt types. Internal to core/tls: the
// public headers only speak PEM and Qt types.
namespace fleet::tls {

struct OpenSslFree
{
    void operator()(X509 *p) const { X509_free(p); }
    void operator()(EVP_PKEY *p) const { EVP_PKEY_free(p); }
    void operator()(BIO *p) const { BIO_free(p); }
    void operator()(X509_NAME *p) const { X509_NAME_free(p); }
    void operator()(X509_EXTENSION *p) const { X509_EXTENSION_free(p); }
    void operator()(GENERAL_NAMES *p) const { GENERAL_NAMES_free(p); }
    void operator()(BIGNUM *p) const { BN_free(p); }
    void operator()(X509_STORE *p) const { X509_STORE_free(p); }
    void operator()(X509_STORE_CTX *p) const { X509_STORE_CTX_free(p); }
    void operator()(EXTENDED_KEY_USAGE *p) const { EXTENDED_KEY_USAGE_free(p); }
};

using X509Ptr = std::unique_ptr<X509, OpenSslFree>;
using PKeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree>;

// A read-only memory BIO over `bytes` (which must outlive it).
inline BioPtr memoryBio(const QByteArray &bytes)
{
    return BioPtr(BIO_new_mem_buf(bytes.constData(), static_cast<int>(bytes.size())));
}

// Everything written to a memory BIO.
inline QByteArray bioBytes(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? QByteArray(data, static_cast<qsizetype>(size)) : QByteArray();
}

// An ASN.1 time (a certificate's notBefore/notAfter) as a UTC QDateTime; invalid if unreadable.
inline QDateTime asn1TimeToUtc(const ASN1_TIME *t)
{
    struct tm parts = {};
    if (!t || ASN1_TIME_to_tm(t, &parts) != 1)
        return {};
    return QDateTime(QDate(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday),
                     QTime(parts.tm_hour, parts.tm_min, parts.tm_sec), Qt::UTC);
}

} // namespace fleet::tls
