#pragma once

#include "tls/ServerNames.h"
#include "util/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace fleet {

// What an operator (and the server) needs to know about one X.509 certificate, read with
// OpenSSL from PEM: who it is for, who signed it, when it is valid, its SHA-256 fingerprint
// and whether a TLS server may use it.
struct CertificateDetails
{
    QString subject; // one line, RFC 2253 ("CN=Fleetdesk local CA 1a2b3c4d")
    QString issuer;
    ServerNames names;         // subjectAltName DNS and IP entries
    QDateTime notBefore;       // UTC
    QDateTime notAfter;        // UTC
    QString sha256Fingerprint; // "AB:CD:..." over the DER encoding, as browsers show it
    QString serialNumber;      // hex
    bool isCa = false;         // basicConstraints CA:TRUE
    bool selfSigned = false;   // issuer == subject and its own key verifies it
    bool hasExtendedKeyUsage = false;
    bool allowsServerAuth = false; // serverAuth in extendedKeyUsage, or no extendedKeyUsage

    // The first certificate in `pem`. Anything that is not a PEM certificate is refused with a
    // message naming `what` ("the server certificate").
    static Result<CertificateDetails> fromPem(const QByteArray &pem, const QString &what);

    bool isValidAt(const QDateTime &t) const { return notBefore <= t && t <= notAfter; }
    QJsonObject toJson() const;
};

} // namespace fleet
