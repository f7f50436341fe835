#include "tls/ServerTlsIdentity.h"

#include "audit/AuditLog.h"
#include "crypto/OpenSslErrors.h"
#include "storage/SqliteDatabase.h"
#include "tls/LocalCertificateAuthority.h"
#include "tls/OpenSslSupport.h"
#include "tls/PemMaterial.h"
#include "tls/TlsFiles.h"
#include "util/Clock.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <openssl/err.h>
#include <openssl/pem.h>

namespace fleet {

using namespace fleet::tls;

namespace {

const QString CaCertFile = QStringLiteral("ca.pem");
const QString CaKeyFile = QStringLiteral("ca.key");
const QString ServerCertFile = QStringLiteral("server.pem");
const QString ServerKeyFile = QStringLiteral("server.key");
const QString ChainFile = QStringLiteral("chain.pem");

QJsonObject auditJson(const ServerTlsIdentity::Info &info)
{
    QJsonObject o;
    o.insert(QStringLiteral("source"), info.source == ServerTlsIdentity::Source::Imported
                                           ? QStringLiteral("imported")
                                           : QStringLiteral("local-ca"));
    o.insert(QStringLiteral("fingerprint"), info.server.sha256Fingerprint);
    o.insert(QStringLiteral("subject"), info.server.subject);
    o.insert(QStringLiteral("names"), QJsonArray::fromStringList(info.server.names.toStrings()));
    o.insert(QStringLiteral("notAfter"), info.server.notAfter.toString(Qt::ISODate));
    return o;
}

// The files as they are on disk, read once per operation.
struct Files
{
    std::optional<QByteArray> caCert, caKey, serverCert, serverKey, chain;
};

Result<Files> readFiles(const QString &dir)
{
    Files f;
    const std::pair<const QString *, std::optional<QByteArray> *> all[] = {
        {&CaCertFile, &f.caCert},
        {&CaKeyFile, &f.caKey},
        {&ServerCertFile, &f.serverCert},
        {&ServerKeyFile, &f.serverKey},
        {&ChainFile, &f.chain}};
    for (const auto &[name, slot] : all) {
        auto bytes = readOptional(dir + QLatin1Char('/') + *name);
        if (!bytes)
            return bytes.error();
        *slot = *bytes;
    }
    return f;
}

// The local CA, when its files are there. ca.key is written before ca.pem, so a ca.pem
// without a usable key is damage, never a half-finished creation: it is reported, not
// replaced, because devices may already trust that CA.
Result<std::optional<LocalCertificateAuthority>> loadLocalCa(const Files &f, const QString &dir)
{
    if (!f.caCert)
        return std::optional<LocalCertificateAuthority>();
    if (!f.caKey)
        return Error::failed(QStringLiteral("The local CA's key '%1/ca.key' is missing. Devices "
                                            "may trust this CA, so Fleetdesk does not replace "
                                            "it: restore the key, or delete '%1' to start over "
                                            "with a new CA (devices must then be given it).")
                                 .arg(dir));
    auto ca = LocalCertificateAuthority::fromPem(*f.caCert, *f.caKey);
    if (!ca)
        return Error::failed(QStringLiteral("%1 (in '%2'). Delete the folder to start over with "
                                            "a new CA (devices must then be given it).")
                                 .arg(ca.message(), dir));
    return std::optional<LocalCertificateAuthority>(std::move(ca).value());
}

Result<ServerTlsIdentity::Info> describe(const Files &f, const QString &dir)
{
    if (!f.serverCert)
        return Error::notFound(
            QStringLiteral("There is no server certificate in '%1' yet").arg(dir));
    ServerTlsIdentity::Info info;
    info.directory = dir;
    auto server =
        CertificateDetails::fromPem(*f.serverCert, QStringLiteral("The server certificate"));
    if (!server)
        return server.error();
    info.server = *server;
    bool local = false;
    if (f.caCert) {
        auto ca =
            CertificateDetails::fromPem(*f.caCert, QStringLiteral("The local CA certificate"));
        if (!ca)
            return ca.error();
        info.localCa = *ca;
        auto caX509 = parseCertificate(*f.caCert, QStringLiteral("The local CA certificate"));
        auto serverX509 = parseCertificate(*f.serverCert, QStringLiteral("The server certificate"));
        if (caX509 && serverX509)
            local = signedBy(serverX509->get(), caX509->get());
    }
    info.source = local ? ServerTlsIdentity::Source::LocalCa : ServerTlsIdentity::Source::Imported;
    if (f.chain)
        for (const QByteArray &pem : splitCertificates(*f.chain)) {
            auto c = CertificateDetails::fromPem(pem, QStringLiteral("A chain certificate"));
            if (!c)
                return c.error();
            info.chain << *c;
        }
    return info;
}

} // namespace

QJsonObject ServerTlsIdentity::Info::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("directory"), directory);
    o.insert(QStringLiteral("source"),
             source == Source::Imported ? QStringLiteral("imported") : QStringLiteral("local-ca"));
    o.insert(QStringLiteral("server"), server.toJson());
    if (localCa)
        o.insert(QStringLiteral("localCa"), localCa->toJson());
    QJsonArray c;
    for (const CertificateDetails &d : chain)
        c.append(d.toJson());
    o.insert(QStringLiteral("chain"), c);
    return o;
}

ServerTlsIdentity::ServerTlsIdentity(SqliteDatabase &db, AuditLog &audit, QString workspacePath)
    : m_db(db)
    , m_audit(audit)
    , m_workspacePath(std::move(workspacePath))
{}

QString ServerTlsIdentity::directoryForWorkspace(const QString &workspacePath)
{
    return workspacePath + QStringLiteral(".tls");
}

QString ServerTlsIdentity::caCertificatePath() const
{
    return directory() + QLatin1Char('/') + CaCertFile;
}

QString ServerTlsIdentity::serverCertificatePath() const
{
    return directory() + QLatin1Char('/') + ServerCertFile;
}

Result<ServerTlsIdentity::Info> ServerTlsIdentity::info() const
{
    auto files = readFiles(directory());
    if (!files)
        return files.error();
    return describe(*files, directory());
}

Result<ServerTlsIdentity::EnsureOutcome> ServerTlsIdentity::ensure(const ServerNames &wanted)
{
    auto files = readFiles(directory());
    if (!files)
        return files.error();
    const QDateTime now = m_audit.clock().nowUtc();

    std::optional<Info> current;
    QString reason;
    if (files->serverCert) {
        auto described = describe(*files, directory());
        if (described) {
            current = *described;
        } else {
            reason = QStringLiteral("the current server certificate is unreadable (%1)")
                         .arg(described.message());
        }
    }

    if (current && current->source == Source::Imported) {
        EnsureOutcome outcome;
        outcome.info = *current;
        if (current->server.notAfter < now.addDays(RenewBeforeDays))
            outcome.warning = QStringLiteral("The imported server certificate expires on %1: "
                                             "import a new one, or go back to the local CA with "
                                             "'fleetctl server certificate renew'")
                                  .arg(current->server.notAfter.toString(Qt::ISODate));
        return outcome;
    }

    if (current && reason.isEmpty()) {
        if (!files->serverKey) {
            reason = QStringLiteral("the server key is missing");
        } else {
            auto key = parsePrivateKey(*files->serverKey, QStringLiteral("The server key"));
            auto cert =
                parseCertificate(*files->serverCert, QStringLiteral("The server certificate"));
            if (!key)
                reason = QStringLiteral("the server key is unusable (%1)").arg(key.message());
            else if (cert && !checkKeyMatches(cert->get(), key->get(), QString()).ok())
                reason = QStringLiteral("the server key does not match its certificate");
        }
        if (reason.isEmpty() && current->server.notAfter < now.addDays(RenewBeforeDays))
            reason = QStringLiteral("the server certificate expires on %1")
                         .arg(current->server.notAfter.toString(Qt::ISODate));
        if (reason.isEmpty() && !current->server.names.covers(wanted)) {
            QStringList missing;
            const QStringList have = current->server.names.toStrings();
            for (const QString &n : wanted.toStrings())
                if (!have.contains(n))
                    missing << n;
            reason = QStringLiteral("the server certificate lacks %1")
                         .arg(missing.join(QLatin1String(", ")));
        }
        if (reason.isEmpty()) {
            EnsureOutcome outcome;
            outcome.info = *current;
            return outcome;
        }
    }
    if (!files->serverCert)
        reason = QStringLiteral("there was no server certificate");
    const ServerNames names = current ? current->server.names.unitedWith(wanted) : wanted;
    return issue(names, QStringLiteral("server.certificate.issue"), reason);
}

Result<ServerTlsIdentity::EnsureOutcome> ServerTlsIdentity::renew(const ServerNames &extra,
                                                                  const ServerNames &machine)
{
    ServerNames names = machine.unitedWith(extra);
    auto current = info();
    if (current && current->source == Source::LocalCa)
        names = current->server.names.unitedWith(names);
    const QString reason = current && current->source == Source::Imported
                               ? QStringLiteral("renewed on request, replacing the imported "
                                                "certificate with the local CA's")
                               : QStringLiteral("renewed on request");
    return issue(names, QStringLiteral("server.certificate.renew"), reason);
}

Result<ServerTlsIdentity::EnsureOutcome>
ServerTlsIdentity::issue(const ServerNames &names, const QString &action, const QString &reason)
{
    const QString dir = directory();
    if (Status s = ensureDirectory(dir); !s)
        return s.error();
    auto files = readFiles(dir);
    if (!files)
        return files.error();
    auto before = describe(*files, dir);
    const QDateTime now = m_audit.clock().nowUtc();

    auto existingCa = loadLocalCa(*files, dir);
    if (!existingCa)
        return existingCa.error();
    FileChange change(dir);
    EnsureOutcome outcome;
    std::optional<LocalCertificateAuthority> ca = std::move(existingCa).value();
    if (!ca) {
        // A short, stable label from the workspace path tells CAs of different workspaces
        // apart in a device's trust store.
        const QString label = QString::fromLatin1(
            QCryptographicHash::hash(QFileInfo(m_workspacePath).absoluteFilePath().toUtf8(),
                                     QCryptographicHash::Sha256)
                .toHex()
                .left(8));
        auto created = LocalCertificateAuthority::create(label, now);
        if (!created)
            return created.error();
        auto keyPem = created->privateKeyPem();
        if (!keyPem)
            return keyPem.error();
        // The key first: a ca.pem on disk always has its key next to it.
        Status s = change.write(CaKeyFile, *keyPem, true);
        if (s)
            s = change.write(CaCertFile, created->certificatePem(), false);
        if (!s) {
            change.undo();
            return s.error();
        }
        ca = std::move(created).value();
        outcome.createdCa = true;
    }
    if (ca->notAfter() < now.addDays(RenewBeforeDays)) {
        change.undo();
        return Error::failed(QStringLiteral("The local CA in '%1' expires on %2 and cannot issue "
                                            "a lasting server certificate: delete the folder to "
                                            "create a new CA (devices must then be given it)")
                                 .arg(dir, ca->notAfter().toString(Qt::ISODate)));
    }
    auto issued = ca->issueServerCertificate(names, now);
    if (!issued) {
        change.undo();
        return issued.error();
    }
    Status s = change.write(ServerKeyFile, issued->privateKeyPem, true);
    if (s)
        s = change.write(ServerCertFile, issued->certificatePem, false);
    if (s)
        s = change.remove(ChainFile);
    auto after = s ? info() : Result<Info>(s.error());
    if (!after) {
        change.undo();
        return after.error();
    }

    AuditedChange tx(m_db, m_audit);
    Status a = tx.beginStatus();
    if (a && outcome.createdCa) {
        QJsonObject caJson;
        caJson.insert(QStringLiteral("subject"), after->localCa->subject);
        caJson.insert(QStringLiteral("fingerprint"), after->localCa->sha256Fingerprint);
        caJson.insert(QStringLiteral("notAfter"), after->localCa->notAfter.toString(Qt::ISODate));
        a = tx.record({QStringLiteral("server.certificate.create-ca"),
                       QStringLiteral("server-certificate-authority"),
                       after->localCa->sha256Fingerprint,
                       {},
                       caJson,
                       {}});
    }
    if (a)
        a = tx.record({action, QStringLiteral("server-certificate"),
                       after->server.sha256Fingerprint, before ? auditJson(*before) : QJsonObject(),
                       auditJson(*after), reason});
    if (a)
        a = tx.commit();
    if (!a) {
        change.undo();
        return a.error();
    }
    outcome.issuedServerCertificate = true;
    outcome.reason = reason;
    outcome.info = *after;
    return outcome;
}

Result<ServerTlsIdentity::Info>
ServerTlsIdentity::importServerCertificate(const QString &certificatePath, const QString &keyPath,
                                           const QString &chainPath)
{
    auto certFile = readRequired(certificatePath, QStringLiteral("certificate"));
    if (!certFile)
        return certFile.error();
    auto keyFile = readRequired(keyPath, QStringLiteral("private key"));
    if (!keyFile)
        return keyFile.error();
    QByteArray chainPem;
    if (!chainPath.isEmpty()) {
        auto chainFile = readRequired(chainPath, QStringLiteral("chain"));
        if (!chainFile)
            return chainFile.error();
        chainPem = *chainFile;
        if (splitCertificates(chainPem).isEmpty())
            return Error::invalid(
                QStringLiteral("The chain file '%1' holds no PEM certificate").arg(chainPath));
    }

    // A "full chain" file (leaf first, then intermediates) is common: the leaf is the server's,
    // the rest its chain unless a chain file was given.
    const QList<QByteArray> certs = splitCertificates(*certFile);
    if (certs.isEmpty())
        return Error::invalid(QStringLiteral("'%1' holds no PEM certificate (no \"-----BEGIN "
                                             "CERTIFICATE-----\" line)")
                                  .arg(certificatePath));
    const QString what = QStringLiteral("The certificate in '%1'").arg(certificatePath);
    auto details = CertificateDetails::fromPem(certs.first(), what);
    if (!details)
        return details.error();
    if (chainPem.isEmpty() && certs.size() > 1)
        for (qsizetype i = 1; i < certs.size(); ++i)
            chainPem += certs.at(i);
    for (const QByteArray &pem : splitCertificates(chainPem)) {
        auto c = CertificateDetails::fromPem(pem, QStringLiteral("A chain certificate"));
        if (!c)
            return c.error();
    }

    auto cert = parseCertificate(certs.first(), what);
    if (!cert)
        return cert.error();
    auto key = parsePrivateKey(*keyFile, QStringLiteral("The private key in '%1'").arg(keyPath));
    if (!key)
        return key.error();
    if (Status s = checkKeyMatches(cert->get(), key->get(),
                                   QStringLiteral("the certificate in '%1'").arg(certificatePath));
        !s)
        return s.error();
    const QDateTime now = m_audit.clock().nowUtc();
    if (details->notAfter < now)
        return Error::invalid(QStringLiteral("The certificate in '%1' expired on %2")
                                  .arg(certificatePath, details->notAfter.toString(Qt::ISODate)));
    if (details->notBefore > now)
        return Error::invalid(QStringLiteral("The certificate in '%1' is not valid before %2")
                                  .arg(certificatePath, details->notBefore.toString(Qt::ISODate)));
    if (details->isCa)
        return Error::invalid(QStringLiteral("The certificate in '%1' is a CA certificate, not a "
                                             "server certificate")
                                  .arg(certificatePath));
    if (!details->allowsServerAuth)
        return Error::invalid(QStringLiteral("The certificate in '%1' may not be used by a TLS "
                                             "server: its extendedKeyUsage lacks serverAuth")
                                  .arg(certificatePath));
    if (details->names.isEmpty())
        return Error::invalid(QStringLiteral("The certificate in '%1' names no DNS name or IP "
                                             "address (subjectAltName): devices could not check "
                                             "the server's name")
                                  .arg(certificatePath));
    auto normalizedKey = pkcs8Pem(key->get());
    if (!normalizedKey)
        return normalizedKey.error();

    const QString dir = directory();
    if (Status s = ensureDirectory(dir); !s)
        return s.error();
    auto before = info();
    FileChange change(dir);
    Status s = change.write(ServerKeyFile, *normalizedKey, true);
    if (s)
        s = change.write(ServerCertFile, certs.first(), false);
    if (s)
        s = chainPem.isEmpty() ? change.remove(ChainFile)
                               : change.write(ChainFile, chainPem, false);
    auto after = s ? info() : Result<Info>(s.error());
    if (!after) {
        change.undo();
        return after.error();
    }
    AuditedChange tx(m_db, m_audit);
    Status a = tx.beginStatus();
    if (a)
        a = tx.record({QStringLiteral("server.certificate.import"),
                       QStringLiteral("server-certificate"),
                       after->server.sha256Fingerprint,
                       before ? auditJson(*before) : QJsonObject(),
                       auditJson(*after),
                       {}});
    if (a)
        a = tx.commit();
    if (!a) {
        change.undo();
        return a.error();
    }
    return after;
}

Status ServerTlsIdentity::exportCaCertificate(const QString &path) const
{
    auto files = readFiles(directory());
    if (!files)
        return files.error();
    auto current = describe(*files, directory());
    QByteArray pem;
    if (current && current->source == Source::Imported) {
        const QList<QByteArray> chain =
            files->chain ? splitCertificates(*files->chain) : QList<QByteArray>();
        if (chain.isEmpty())
            return Error::notFound(QStringLiteral("The server uses an imported certificate (issued "
                                                  "by %1) and no chain was imported: give devices "
                                                  "the CA certificate that issued it")
                                       .arg(current->server.issuer));
        pem = chain.last();
    } else if (files->caCert) {
        pem = *files->caCert;
    } else {
        return Error::notFound(QStringLiteral("This workspace has no local CA yet: run "
                                              "'fleetctl server certificate renew' (or start the "
                                              "server) to create it"));
    }
    return writeAtomically(path, pem, false);
}

Result<ServerTlsIdentity::Loaded> ServerTlsIdentity::load() const
{
    auto files = readFiles(directory());
    if (!files)
        return files.error();
    if (!files->serverCert || !files->serverKey)
        return Error::notFound(
            QStringLiteral("There is no server certificate in '%1' yet").arg(directory()));
    auto cert = parseCertificate(*files->serverCert, QStringLiteral("The server certificate"));
    if (!cert)
        return cert.error();
    auto key = parsePrivateKey(*files->serverKey, QStringLiteral("The server key"));
    if (!key)
        return key.error();
    if (Status s =
            checkKeyMatches(cert->get(), key->get(), QStringLiteral("the server certificate"));
        !s)
        return s.error();
    auto details =
        CertificateDetails::fromPem(*files->serverCert, QStringLiteral("The server certificate"));
    if (!details)
        return details.error();
    const QDateTime now = m_audit.clock().nowUtc();
    if (!details->isValidAt(now))
        return Error::invalid(QStringLiteral("The server certificate is valid from %1 to %2, not "
                                             "now")
                                  .arg(details->notBefore.toString(Qt::ISODate),
                                       details->notAfter.toString(Qt::ISODate)));
    Loaded loaded;
    loaded.certificate = QSslCertificate(*files->serverCert, QSsl::Pem);
    if (files->chain)
        loaded.chain = QSslCertificate::fromData(*files->chain, QSsl::Pem);
    const QSsl::KeyAlgorithm algorithm =
        EVP_PKEY_get_base_id(key->get()) == EVP_PKEY_RSA ? QSsl::Rsa : QSsl::Ec;
    loaded.key = QSslKey(*files->serverKey, algorithm, QSsl::Pem, QSsl::PrivateKey);
    if (loaded.certificate.isNull() || loaded.key.isNull())
        return Error::failed(QStringLiteral("Qt's TLS backend cannot use the server certificate "
                                            "or key in '%1'")
                                 .arg(directory()));
    return loaded;
}

} // namespace fleet
