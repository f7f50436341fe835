#pragma once

#include "tls/OpenSslSupport.h"
#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

// Reading and checking PEM certificates and keys with OpenSSL, with messages that name the
// file (`what`: "The server key", "The certificate in 'x.pem'"). Internal to core/tls.
namespace fleet::tls {

Result<X509Ptr> parseCertificate(const QByteArray &pem, const QString &what);
// An unencrypted RSA or EC private key (PKCS#8, SEC1 or PKCS#1 PEM). Encrypted keys and
// other key types are refused with a message saying what to do.
Result<PKeyPtr> parsePrivateKey(const QByteArray &pem, const QString &what);
// The key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY").
Result<QByteArray> pkcs8Pem(EVP_PKEY *key);
// Invalid unless `key` is the private half of `cert`'s public key.
Status checkKeyMatches(X509 *cert, EVP_PKEY *key, const QString &certWhat);
// True when `issuer`'s key signed `cert`.
bool signedBy(X509 *cert, X509 *issuer);
// Every certificate in a PEM bundle, each on its own.
QList<QByteArray> splitCertificates(const QByteArray &pem);

} // namespace fleet::tls
