#include "SwuBundleBuilder.h"

#include "FirmwareFixtures.h"

#include <QCryptographicHash>
#include <QSaveFile>

namespace fleet::test {

namespace {

// A libconfig string literal: quotes and backslashes escaped.
QByteArray quoted(const QString &text)
{
    QByteArray out = text.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"");
    return '"' + out + '"';
}

} // namespace

SwuBundleBuilder::SwuBundleBuilder(const SwupdateSigner &signer)
    : m_signer(signer)
{}

SwuBundleBuilder &SwuBundleBuilder::setVersion(const QString &version)
{
    m_version = version;
    return *this;
}

SwuBundleBuilder &SwuBundleBuilder::setHardwareCompatibility(const QStringList &revisions)
{
    m_hardware = revisions;
    return *this;
}

SwuBundleBuilder &SwuBundleBuilder::setPayload(const QByteArray &bytes, const QString &fileName)
{
    m_payload = bytes;
    m_payloadName = fileName;
    return *this;
}

SwuBundleBuilder &SwuBundleBuilder::setInstallPath(const QString &path)
{
    m_installPath = path;
    return *this;
}

SwuBundleBuilder &SwuBundleBuilder::setSignedContentOverride(const QByteArray &bytes)
{
    m_signedOverride = bytes;
    return *this;
}

QByteArray SwuBundleBuilder::swDescription() const
{
    QByteArrayList hw;
    for (const QString &r : m_hardware)
        hw << quoted(r);
    const QByteArray sha256 =
        QCryptographicHash::hash(m_payload, QCryptographicHash::Sha256).toHex();
    return "software =\n{\n"
           "    version = " +
           quoted(m_version) +
           ";\n"
           "    description = \"Fleetdesk test bundle\";\n"
           "    hardware-compatibility: [ " +
           hw.join(", ") +
           " ];\n"
           "    files: (\n"
           "        {\n"
           "            filename = " +
           quoted(m_payloadName) +
           ";\n"
           "            path = " +
           quoted(m_installPath) +
           ";\n"
           "            sha256 = \"" +
           sha256 +
           "\";\n"
           "        }\n"
           "    );\n"
           "}\n";
}

Result<QByteArray> SwuBundleBuilder::build() const
{
    if (m_installPath.isEmpty() || !m_installPath.startsWith(QLatin1Char('/')))
        return Error::invalid(QStringLiteral("A test bundle needs an absolute install path"));
    const QByteArray description = swDescription();
    auto signature = m_signer.sign(m_signedOverride.isEmpty() ? description : m_signedOverride);
    if (!signature)
        return signature.error();
    CpioBuilder cpio; // newc, as `cpio -o -H newc` writes it
    cpio.add("sw-description", description);
    cpio.add("sw-description.sig", *signature);
    cpio.add(m_payloadName.toUtf8(), m_payload);
    return cpio.bytes();
}

Status SwuBundleBuilder::writeTo(const QString &path) const
{
    auto bytes = build();
    if (!bytes)
        return bytes.error();
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(*bytes) != bytes->size() || !f.commit())
        return Error::failed(
            QStringLiteral("Cannot write the bundle %1: %2").arg(path, f.errorString()));
    return {};
}

} // namespace fleet::test
