#include "UpdateServerOptions.h"

#include "CommandContext.h"
#include "ddi/DdiPath.h"
#include "ddi/DdiResources.h"
#include "ddi/DdiServer.h"
#include "tls/ServerNames.h"
#include "tls/ServerTlsIdentity.h"

#include <QHostAddress>

namespace fleet {

QList<QCommandLineOption> UpdateServerOptions::options()
{
    return {
        QCommandLineOption(QStringLiteral("ddi-port"),
                           QStringLiteral("Run the update server (hawkBit DDI, HTTPS) on PORT, "
                                          "e.g. 8443; 0 picks a free port."),
                           QStringLiteral("PORT")),
        QCommandLineOption(QStringLiteral("ddi-address"),
                           QStringLiteral("The address it listens on (default: all)."),
                           QStringLiteral("ADDRESS")),
        QCommandLineOption(QStringLiteral("ddi-plain-http"),
                           QStringLiteral("Serve plain HTTP instead of HTTPS (only behind a TLS "
                                          "proxy or on an isolated lab network).")),
        QCommandLineOption(QStringLiteral("ddi-public-url"),
                           QStringLiteral("The URL devices reach the server at, for the links it "
                                          "gives them (default: the Host header they send)."),
                           QStringLiteral("URL")),
        QCommandLineOption(QStringLiteral("poll-interval"),
                           QStringLiteral("How often devices are told to poll, in seconds "
                                          "(default 300)."),
                           QStringLiteral("SECONDS")),
        QCommandLineOption(QStringLiteral("tenant"),
                           QStringLiteral("The DDI tenant in the URLs (default \"default\")."),
                           QStringLiteral("NAME")),
    };
}

bool UpdateServerOptions::isRequested(const CommandContext &c)
{
    return c.isSet(QStringLiteral("ddi-port"));
}

namespace {

Result<DdiServerOptions> parse(const CommandContext &c)
{
    DdiServerOptions o;
    bool ok = false;
    const uint port = c.value(QStringLiteral("ddi-port")).toUInt(&ok);
    if (!ok || port > 65535)
        return Error::invalid(QStringLiteral("--ddi-port takes a port number (0-65535)"));
    o.port = quint16(port);
    if (c.isSet(QStringLiteral("ddi-address")) &&
        !o.address.setAddress(c.value(QStringLiteral("ddi-address"))))
        return Error::invalid(QStringLiteral("--ddi-address '%1' is not an IP address")
                                  .arg(c.value(QStringLiteral("ddi-address"))));
    o.plainHttp = c.isSet(QStringLiteral("ddi-plain-http"));
    if (c.isSet(QStringLiteral("ddi-public-url"))) {
        const QUrl url(c.value(QStringLiteral("ddi-public-url")), QUrl::StrictMode);
        const QString wanted = o.plainHttp ? QStringLiteral("http") : QStringLiteral("https");
        if (!url.isValid() || url.scheme() != wanted || url.host().isEmpty() || url.hasQuery() ||
            (!url.path().isEmpty() && url.path() != QLatin1String("/")))
            return Error::invalid(
                QStringLiteral("--ddi-public-url takes %1://HOST[:PORT]").arg(wanted));
        o.service.publicBase = url.adjusted(QUrl::StripTrailingSlash);
    }
    if (c.isSet(QStringLiteral("poll-interval"))) {
        const qint64 seconds = c.value(QStringLiteral("poll-interval")).toLongLong(&ok);
        if (!ok || seconds < 1 || seconds > DdiResources::maxSleep.count())
            return Error::invalid(QStringLiteral("--poll-interval takes 1 to %1 seconds")
                                      .arg(DdiResources::maxSleep.count()));
        o.service.pollInterval = std::chrono::seconds(seconds);
    }
    if (c.isSet(QStringLiteral("tenant"))) {
        o.service.tenant = c.value(QStringLiteral("tenant"));
        if (!DdiPath::isValidTenant(o.service.tenant))
            return Error::invalid(
                QStringLiteral("--tenant '%1' is not a valid tenant name").arg(o.service.tenant));
    }
    return o;
}

} // namespace

Status UpdateServerOptions::validate(const CommandContext &c)
{
    auto parsed = parse(c);
    return parsed ? Status() : Status(parsed.error());
}

Status UpdateServerOptions::start(const CommandContext &c, WorkspaceSession &session,
                                  DdiServer &server)
{
    auto options = parse(c);
    if (!options)
        return options.error();
    if (!options->plainHttp) {
        ServerTlsIdentity identity(session.db(), session.audit(), session.workspace().path());
        // Devices that use the public URL check the certificate against its host.
        ServerNames wanted = ServerNames::forThisMachine();
        if (!options->service.publicBase.isEmpty()) {
            const QString host = options->service.publicBase.host();
            const bool isAddress = !QHostAddress(host).isNull();
            auto names = ServerNames::fromStrings(isAddress ? QStringList() : QStringList{host},
                                                  isAddress ? QStringList{host} : QStringList());
            if (!names)
                return names.error();
            wanted = wanted.unitedWith(names.value());
        }
        auto ensured = identity.ensure(wanted);
        if (!ensured)
            return ensured.error();
        auto loaded = identity.load();
        if (!loaded)
            return loaded.error();
        options->certificate = loaded->certificate;
        options->chain = loaded->chain;
        options->privateKey = loaded->key;
    }
    return server.start(options.value());
}

} // namespace fleet
