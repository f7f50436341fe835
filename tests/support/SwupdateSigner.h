#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace fleet::test {

// The key that signs test .swu bundles, and the certificate SWUpdate checks them with
// (`swupdate -k signer.pem`). Debian's SWUpdate is built for CMS signatures and by default
// wants extendedKeyUsage emailProtection on the signer's certificate, so that is what this
// makes. Made and used with the openssl tool (test support only; the product never runs it).
class SwupdateSigner
{
public:
    // A new RSA-2048 key and self-signed certificate "CN=Fleetdesk test signer" in `directory`
    // (signer.key, signer.pem).
    static Result<SwupdateSigner> create(const QString &directory);
    static QString opensslPath();

    QString certificatePath() const { return m_certificatePath; }
    QString keyPath() const { return m_keyPath; }

    // A detached CMS signature in DER, as `openssl cms -sign -outform DER -nosmimecap -binary`
    // makes for sw-description.sig.
    Result<QByteArray> sign(const QByteArray &data) const;

private:
    SwupdateSigner(QString certificatePath, QString keyPath, QString directory)
        : m_certificatePath(std::move(certificatePath))
        , m_keyPath(std::move(keyPath))
        , m_directory(std::move(directory))
    {}

    QString m_certificatePath;
    QString m_keyPath;
    QString m_directory;
};

} // namespace fleet::test
