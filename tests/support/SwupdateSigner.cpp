#include "SwupdateSigner.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryFile>

namespace fleet::test {

namespace {

Status runOpenssl(const QStringList &args, const QString &workDir)
{
    const QString openssl = SwupdateSigner::opensslPath();
    if (openssl.isEmpty())
        return Error::notFound(QStringLiteral("The openssl tool is not installed"));
    QProcess p;
    p.setWorkingDirectory(workDir);
    p.start(openssl, args);
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished(5000);
        return Error::failed(QStringLiteral("openssl %1 did not finish").arg(args.value(0)));
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return Error::failed(
            QStringLiteral("openssl %1 failed: %2")
                .arg(args.value(0), QString::fromLocal8Bit(p.readAllStandardError())));
    return {};
}

} // namespace

QString SwupdateSigner::opensslPath()
{
    return QStandardPaths::findExecutable(QStringLiteral("openssl"));
}

Result<SwupdateSigner> SwupdateSigner::create(const QString &directory)
{
    const QString key = directory + QStringLiteral("/signer.key");
    const QString cert = directory + QStringLiteral("/signer.pem");
    Status s = runOpenssl(
        {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
         QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), key,
         QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("3650"),
         QStringLiteral("-subj"), QStringLiteral("/CN=Fleetdesk test signer"),
         QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,digitalSignature"),
         QStringLiteral("-addext"), QStringLiteral("extendedKeyUsage=emailProtection")},
        directory);
    if (!s)
        return s.error();
    return SwupdateSigner(cert, key, directory);
}

Result<QByteArray> SwupdateSigner::sign(const QByteArray &data) const
{
    QTemporaryFile in(m_directory + QStringLiteral("/sign-in-XXXXXX"));
    QTemporaryFile out(m_directory + QStringLiteral("/sign-out-XXXXXX"));
    if (!in.open() || !out.open())
        return Error::failed(
            QStringLiteral("Cannot create temporary files in %1").arg(m_directory));
    if (in.write(data) != data.size() || !in.flush())
        return Error::failed(QStringLiteral("Cannot write %1").arg(in.fileName()));
    Status s = runOpenssl({QStringLiteral("cms"), QStringLiteral("-sign"), QStringLiteral("-in"),
                           in.fileName(), QStringLiteral("-out"), out.fileName(),
                           QStringLiteral("-signer"), m_certificatePath, QStringLiteral("-inkey"),
                           m_keyPath, QStringLiteral("-outform"), QStringLiteral("DER"),
                           QStringLiteral("-nosmimecap"), QStringLiteral("-binary")},
                          m_directory);
    if (!s)
        return s.error();
    QFile result(out.fileName());
    if (!result.open(QIODevice::ReadOnly))
        return Error::failed(QStringLiteral("Cannot read the signature %1").arg(out.fileName()));
    return result.readAll();
}

} // namespace fleet::test
