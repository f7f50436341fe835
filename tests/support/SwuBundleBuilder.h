#pragma once

#include "SwupdateSigner.h"
#include "util/Result.h"

#include <QByteArray>
#include <QStringList>

namespace fleet::test {

// A signed SWUpdate bundle (.swu) made at test time, that Debian's swupdate installs: a
// newc CPIO archive of sw-description (libconfig), sw-description.sig (CMS, DER) and one
// payload file. sw-description lists the payload under `files:` with its sha256 and install
// `path`; SWUpdate's rawfile handler copies it there (checked by experiment with SWUpdate
// 2022.12: no `type` and no `installed-directly` needed). `hardware-compatibility` must hold
// the revision given to `swupdate -H board:REV`, or SWUpdate refuses the bundle.
class SwuBundleBuilder
{
public:
    explicit SwuBundleBuilder(const SwupdateSigner &signer);

    SwuBundleBuilder &setVersion(const QString &version);
    SwuBundleBuilder &setHardwareCompatibility(const QStringList &revisions);
    SwuBundleBuilder &setPayload(const QByteArray &bytes,
                                 const QString &fileName = QStringLiteral("payload.bin"));
    // Absolute path where SWUpdate writes the payload (a file in the test's temporary folder).
    SwuBundleBuilder &setInstallPath(const QString &path);
    // Signs with this data instead of sw-description (a bundle whose signature does not match).
    SwuBundleBuilder &setSignedContentOverride(const QByteArray &bytes);

    QByteArray swDescription() const;
    Result<QByteArray> build() const;
    // build() written to `path`.
    Status writeTo(const QString &path) const;

private:
    const SwupdateSigner &m_signer;
    QString m_version = QStringLiteral("1.0.0");
    QStringList m_hardware = {QStringLiteral("1.0")};
    QByteArray m_payload = QByteArray("fleetdesk test payload\n");
    QString m_payloadName = QStringLiteral("payload.bin");
    QString m_installPath;
    QByteArray m_signedOverride;
};

} // namespace fleet::test
