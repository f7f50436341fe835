#pragma once

#include "tls/ServerNames.h"
#include "util/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <memory>

struct evp_pkey_st;
struct x509_st;

namespace fleet {

// A certificate authority that lives in one workspace and only vouches for that workspace's
// update server: an ECDSA P-256 key (accepted by every TLS stack devices use: OpenSSL,
// libcurl with mbedTLS or wolfSSL, Zephyr's mbedTLS) and a self-signed certificate valid for
// ten years. Devices are given its certificate once (SWUpdate's `cafile`) and keep trusting
// the server when its own certificate is reissued for new names or before it expires.
class LocalCertificateAuthority
{
public:
    static constexpr int CaValidityDays = 3650;
    // The CA/Browser Forum's old ceiling, which Apple's and other clients still enforce.
    static constexpr int MaxServerValidityDays = 825;

    struct IssuedCertificate
    {
        QByteArray certificatePem;
        QByteArray privateKeyPem; // unencrypted PKCS#8: the server reads it unattended
    };

    // A new CA "Fleetdesk local CA <label>", valid from `now` (minus an hour of clock skew).
    static Result<LocalCertificateAuthority> create(const QString &label, const QDateTime &now);
    // The CA from its PEM certificate and unencrypted PKCS#8 key; refused when they do not
    // belong together or the certificate is not a CA.
    static Result<LocalCertificateAuthority> fromPem(const QByteArray &certificatePem,
                                                     const QByteArray &privateKeyPem);

    QByteArray certificatePem() const;
    Result<QByteArray> privateKeyPem() const;
    QDateTime notAfter() const;

    // A new key pair and a certificate for `names` (at least one), for TLS servers only
    // (extendedKeyUsage serverAuth), valid from `now` for `validityDays` (at most
    // MaxServerValidityDays and never past the CA's own expiry). The subject CN is the first
    // DNS name, or the first address.
    Result<IssuedCertificate>
    issueServerCertificate(const ServerNames &names, const QDateTime &now,
                           int validityDays = MaxServerValidityDays) const;

private:
    LocalCertificateAuthority(std::shared_ptr<evp_pkey_st> key, std::shared_ptr<x509_st> cert)
        : m_key(std::move(key))
        , m_cert(std::move(cert))
    {}

    std::shared_ptr<evp_pkey_st> m_key;
    std::shared_ptr<x509_st> m_cert;
};

} // namespace fleet
