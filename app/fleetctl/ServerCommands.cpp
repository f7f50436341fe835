#include "ServerCommands.h"

#include "CommandContext.h"
#include "tls/ServerTlsIdentity.h"

#include <QFile>
#include <QJsonObject>

namespace fleet {

namespace {

const QString ShowAction = QStringLiteral("show");
const QString ExportAction = QStringLiteral("export-ca");
const QString ImportAction = QStringLiteral("import");
const QString RenewAction = QStringLiteral("renew");

QString sourceText(ServerTlsIdentity::Source source)
{
    return source == ServerTlsIdentity::Source::Imported ? QStringLiteral("imported")
                                                         : QStringLiteral("issued by the local CA");
}

void printCertificate(Output &out, const CertificateDetails &d)
{
    out.line(QStringLiteral("  Subject:     %1").arg(d.subject));
    if (!d.names.isEmpty())
        out.line(QStringLiteral("  Names:       %1")
                     .arg(d.names.toStrings().join(QStringLiteral(", "))));
    out.line(QStringLiteral("  Issuer:      %1").arg(d.issuer));
    out.line(QStringLiteral("  Valid:       %1 to %2")
                 .arg(d.notBefore.toString(Qt::ISODate), d.notAfter.toString(Qt::ISODate)));
    out.line(QStringLiteral("  SHA-256:     %1").arg(d.sha256Fingerprint));
}

void printInfo(Output &out, const ServerTlsIdentity::Info &info)
{
    out.line(QStringLiteral("Server certificate (%1):").arg(sourceText(info.source)));
    printCertificate(out, info.server);
    for (const CertificateDetails &c : info.chain) {
        out.line(QStringLiteral("Chain certificate:"));
        printCertificate(out, c);
    }
    if (info.localCa) {
        out.line(QStringLiteral("Local CA%1:")
                     .arg(info.source == ServerTlsIdentity::Source::Imported
                              ? QStringLiteral(" (not in use)")
                              : QString()));
        printCertificate(out, *info.localCa);
    }
    out.line(QStringLiteral("Folder: %1").arg(info.directory));
}

} // namespace

QString ServerCommands::summary() const
{
    return QStringLiteral("The update server's TLS certificate");
}

QList<CommandSpec> ServerCommands::commands()
{
    CommandSpec certificate;
    certificate.name = QStringLiteral("certificate");
    certificate.summary =
        QStringLiteral("Show, export, import or renew the update server's TLS certificate");
    certificate.description = QStringLiteral(
        "The update server's certificate lives in the folder WORKSPACE.tls next to the "
        "workspace (keys with mode 0600). By default a local CA of the workspace issues it for "
        "this machine's host name, localhost, 127.0.0.1, ::1 and the machine's addresses; "
        "devices trust that CA (SWUpdate: suricatta cafile).\n"
        "Actions:\n"
        "  show             the server certificate, its names, issuer, expiry, SHA-256 "
        "fingerprint and whether it is imported\n"
        "  export-ca FILE   write the CA certificate devices must trust\n"
        "  import           use your own certificate instead: --cert FILE --key FILE "
        "[--chain FILE]; the key must be unencrypted, match the certificate, and the "
        "certificate must be valid now and allow serverAuth\n"
        "  renew            issue a new certificate from the local CA now (creating the CA "
        "if needed), adding --name and --ip to the names; replaces an imported one\n"
        "import and renew are audited (server.certificate.*).");
    certificate.arguments = {{QStringLiteral("ACTION"),
                              QStringLiteral("show, export-ca, import or renew."), true, false},
                             {QStringLiteral("FILE"),
                              QStringLiteral("Where export-ca writes the CA certificate."), false,
                              false}};
    certificate.options = {
        QCommandLineOption(QStringLiteral("cert"),
                           QStringLiteral("import: the server certificate (PEM; a full chain "
                                          "file is fine)."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("key"),
                           QStringLiteral("import: its private key (PEM, unencrypted)."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("chain"),
                           QStringLiteral("import: intermediate certificates (PEM)."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("name"),
                           QStringLiteral("renew: also valid for this DNS name (repeatable)."),
                           QStringLiteral("N")),
        QCommandLineOption(QStringLiteral("ip"),
                           QStringLiteral("renew: also valid for this IP address (repeatable)."),
                           QStringLiteral("A"))};
    certificate.examples = {
        QStringLiteral("server certificate show"),
        QStringLiteral("server certificate export-ca fleetdesk-ca.pem"),
        QStringLiteral("server certificate import --cert server.pem --key server.key --chain "
                       "intermediate.pem"),
        QStringLiteral("server certificate renew --name updates.plant-a.example --ip 10.0.4.2")};
    certificate.run = [this](CommandContext &c) {
        return this->certificate(c);
    };
    return {certificate};
}

int ServerCommands::certificate(CommandContext &c)
{
    const QString action = c.argument(0);
    const bool importOptions = c.isSet(QStringLiteral("cert")) || c.isSet(QStringLiteral("key")) ||
                               c.isSet(QStringLiteral("chain"));
    const bool renewOptions = c.isSet(QStringLiteral("name")) || c.isSet(QStringLiteral("ip"));
    if (action != ExportAction && c.arguments().size() > 1)
        return c.usageError(
            QStringLiteral("'server certificate %1' takes no FILE argument").arg(action));
    if (importOptions && action != ImportAction)
        return c.usageError(QStringLiteral("--cert, --key and --chain belong to 'server "
                                           "certificate import'"));
    if (renewOptions && action != RenewAction)
        return c.usageError(QStringLiteral("--name and --ip belong to 'server certificate renew'"));
    if (action == ShowAction)
        return show(c);
    if (action == ExportAction)
        return exportCa(c);
    if (action == ImportAction)
        return importCertificate(c);
    if (action == RenewAction)
        return renew(c);
    return c.usageError(QStringLiteral("Unknown action '%1': use show, export-ca, import or "
                                       "renew")
                            .arg(action));
}

int ServerCommands::show(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    ServerTlsIdentity identity((*session)->db(), (*session)->audit(), c.workspacePath());
    auto info = identity.info();
    if (!info) {
        if (info.error().kind == Error::Kind::NotFound)
            return c.fail(Error::notFound(
                info.message() + QStringLiteral(": 'fleetctl server certificate renew' creates "
                                                "one (the update server does too when it "
                                                "starts)")));
        return c.fail(info.error());
    }
    if (c.out().isJson())
        c.out().json(info->toJson());
    printInfo(c.out(), *info);
    return ExitCodes::value(ExitCode::Ok);
}

int ServerCommands::exportCa(CommandContext &c)
{
    const QString file = c.argument(1);
    if (file.isEmpty())
        return c.usageError(QStringLiteral("'server certificate export-ca' needs a FILE"));
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    ServerTlsIdentity identity((*session)->db(), (*session)->audit(), c.workspacePath());
    if (Status s = identity.exportCaCertificate(file); !s)
        return c.fail(s.error());
    auto exported = CertificateDetails::fromPem(
        [&] {
            QFile f(file);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }(),
        QStringLiteral("The exported certificate"));
    if (!exported)
        return c.fail(exported.error());
    if (c.out().isJson()) {
        QJsonObject doc = exported->toJson();
        doc.insert(QStringLiteral("file"), file);
        c.out().json(doc);
    }
    c.out().line(QStringLiteral("Wrote the CA certificate devices must trust to %1\n  Subject:  "
                                "   %2\n  SHA-256:     %3\n  Valid to:    %4")
                     .arg(file, exported->subject, exported->sha256Fingerprint,
                          exported->notAfter.toString(Qt::ISODate)));
    return ExitCodes::value(ExitCode::Ok);
}

int ServerCommands::importCertificate(CommandContext &c)
{
    if (!c.isSet(QStringLiteral("cert")) || !c.isSet(QStringLiteral("key")))
        return c.usageError(
            QStringLiteral("'server certificate import' needs --cert FILE and --key FILE"));
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    ServerTlsIdentity identity((*session)->db(), (*session)->audit(), c.workspacePath());
    auto info = identity.importServerCertificate(c.value(QStringLiteral("cert")),
                                                 c.value(QStringLiteral("key")),
                                                 c.value(QStringLiteral("chain")));
    if (!info)
        return c.fail(info.error());
    if (c.out().isJson())
        c.out().json(info->toJson());
    c.out().line(QStringLiteral("Imported; the update server uses it from its next start."));
    printInfo(c.out(), *info);
    return ExitCodes::value(ExitCode::Ok);
}

int ServerCommands::renew(CommandContext &c)
{
    auto extra =
        ServerNames::fromStrings(c.values(QStringLiteral("name")), c.values(QStringLiteral("ip")));
    if (!extra)
        return c.fail(extra.error());
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    ServerTlsIdentity identity((*session)->db(), (*session)->audit(), c.workspacePath());
    auto outcome = identity.renew(*extra);
    if (!outcome)
        return c.fail(outcome.error());
    if (c.out().isJson()) {
        QJsonObject doc = outcome->info.toJson();
        doc.insert(QStringLiteral("createdCa"), outcome->createdCa);
        c.out().json(doc);
    }
    if (outcome->createdCa)
        c.out().line(QStringLiteral("Created the workspace's local CA: give devices its "
                                    "certificate ('fleetctl server certificate export-ca FILE')."));
    c.out().line(QStringLiteral("Issued a new server certificate; the update server uses it "
                                "from its next start."));
    printInfo(c.out(), outcome->info);
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
