#include "DdiTokenCommands.h"

#include "CommandContext.h"
#include "TextTable.h"
#include "ddi/DdiCredentialStore.h"
#include "ddi/DdiTokenService.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

namespace fleet {

namespace {

QList<QCommandLineOption> revokeOptions()
{
    return {QCommandLineOption(QStringLiteral("revoke"),
                               QStringLiteral("Revoke the token instead of issuing one (needs "
                                              "--reason).")),
            QCommandLineOption(QStringLiteral("reason"),
                               QStringLiteral("Why the token is revoked (audited)."),
                               QStringLiteral("TEXT"))};
}

const char *const kTokenUse =
    "The client sends it as \"Authorization: TargetToken <token>\" (SWUpdate: -k or "
    "targettoken in its suricatta configuration; rauc-hawkbit-updater: auth_token).";

// Issue or revoke, with the output every token command shares.
int issueOrRevoke(CommandContext &c, const QString &what, const QString &subject,
                  const std::function<Result<IssuedDdiToken>()> &issue,
                  const std::function<Status(const QString &)> &revoke)
{
    if (c.isSet(QStringLiteral("revoke"))) {
        const QString reason = c.value(QStringLiteral("reason"));
        if (reason.trimmed().isEmpty())
            return c.usageError(QStringLiteral("--reason is required: revoking is audited."));
        if (Status s = revoke(reason); !s)
            return c.fail(s.error());
        if (c.out().isJson())
            c.out().json(QJsonObject{{what, subject}, {QStringLiteral("revoked"), true}});
        else
            c.out().line(QStringLiteral("The DDI token of %1 %2 is revoked.").arg(what, subject));
        return ExitCodes::value(ExitCode::Ok);
    }
    auto issued = issue();
    if (!issued)
        return c.fail(issued.error());
    if (c.out().isJson()) {
        c.out().json(QJsonObject{{what, subject},
                                 {QStringLiteral("token"), issued->token},
                                 {QStringLiteral("fingerprint"), issued->fingerprint},
                                 {QStringLiteral("replaced"), issued->replacedOld}});
        return ExitCodes::value(ExitCode::Ok);
    }
    c.out().line(issued->token);
    c.out().note(QStringLiteral("%1 DDI token for %2 %3 (fingerprint %4). It is shown only now: "
                                "the workspace keeps its hash.%5")
                     .arg(issued->replacedOld ? QStringLiteral("New") : QStringLiteral("A"), what,
                          subject, issued->fingerprint,
                          issued->replacedOld ? QStringLiteral(" The old token no longer works.")
                                              : QString()));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace

CommandSpec DdiTokenCommands::deviceToken()
{
    CommandSpec spec;
    spec.name = QStringLiteral("token");
    spec.summary = QStringLiteral("Create or rotate a device's DDI token (TargetToken)");
    spec.description =
        QStringLiteral("Creates a token with which the device's DDI client (SWUpdate, "
                       "rauc-hawkbit-updater) authenticates to the built-in update server, "
                       "replacing any token it had, and marks the device as a DDI device "
                       "(releases assigned to it become DDI actions). Prints the token once. "
                       "%1 Audited (ddi.token.issue/rotate/revoke).")
            .arg(QLatin1String(kTokenUse));
    spec.arguments = {{QStringLiteral("UID"), QStringLiteral("The device's id."), true, false}};
    spec.options = revokeOptions();
    spec.examples = {QStringLiteral("device token gw-0042"),
                     QStringLiteral("--json device token gw-0042"),
                     QStringLiteral("device token gw-0042 --revoke --reason \"board replaced\"")};
    spec.run = &DdiTokenCommands::runDeviceToken;
    return spec;
}

int DdiTokenCommands::runDeviceToken(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    DdiTokenService tokens(session.value()->db(), session.value()->audit());
    const QString uid = c.argument(0);
    return issueOrRevoke(
        c, QStringLiteral("device"), uid, [&] { return tokens.issueDeviceToken(uid); },
        [&](const QString &reason) { return tokens.revokeDeviceToken(uid, reason); });
}

QString GatewayCommands::summary() const
{
    return QStringLiteral("DDI gateways: a GatewayToken speaks for every device of the inventory "
                          "on the built-in update server.");
}

QList<CommandSpec> GatewayCommands::commands()
{
    CommandSpec token;
    token.name = QStringLiteral("token");
    token.summary = QStringLiteral("Create or rotate a gateway's DDI token (GatewayToken)");
    token.description = QStringLiteral(
        "Creates a token for a named gateway, replacing any token it had. A gateway "
        "(\"Authorization: GatewayToken <token>\") may poll, download and report for any device "
        "of the inventory, so give it only to a trusted proxy. Prints the token once. Audited.");
    token.arguments = {
        {QStringLiteral("NAME"), QStringLiteral("The gateway's name."), true, false}};
    token.options = revokeOptions();
    token.examples = {QStringLiteral("gateway token \"line 1 proxy\"")};
    token.run = &GatewayCommands::token;

    CommandSpec list;
    list.name = QStringLiteral("list");
    list.summary = QStringLiteral("List DDI credentials (devices and gateways)");
    list.description = QStringLiteral("Lists every DDI token by its fingerprint (the first 8 hex "
                                      "digits of its SHA-256), never the token itself.");
    list.examples = {QStringLiteral("gateway list"), QStringLiteral("--json gateway list")};
    list.run = &GatewayCommands::list;
    return {token, list};
}

int GatewayCommands::token(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    DdiTokenService tokens(session.value()->db(), session.value()->audit());
    const QString name = c.argument(0);
    return issueOrRevoke(
        c, QStringLiteral("gateway"), name, [&] { return tokens.issueGatewayToken(name); },
        [&](const QString &reason) { return tokens.revokeGatewayToken(name, reason); });
}

int GatewayCommands::list(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    DdiCredentialStore store(session.value()->db());
    auto credentials = store.list();
    if (!credentials)
        return c.fail(credentials.error());
    if (c.out().isJson()) {
        QJsonArray array;
        for (const DdiCredential &cr : credentials.value())
            array.append(QJsonObject{
                {QStringLiteral("kind"), DdiCredentialStore::kindName(cr.kind)},
                {QStringLiteral("device"), cr.deviceUid},
                {QStringLiteral("gateway"), cr.gatewayName},
                {QStringLiteral("fingerprint"), cr.fingerprint},
                {QStringLiteral("created"),
                 QDateTime::fromMSecsSinceEpoch(cr.createdMs, Qt::UTC).toString(Qt::ISODate)}});
        c.out().json(array);
        return ExitCodes::value(ExitCode::Ok);
    }
    TextTable table({QStringLiteral("KIND"), QStringLiteral("FOR"), QStringLiteral("FINGERPRINT"),
                     QStringLiteral("CREATED")});
    for (const DdiCredential &cr : credentials.value())
        table.addRow({DdiCredentialStore::kindName(cr.kind),
                      cr.kind == DdiIdentity::Kind::Gateway ? cr.gatewayName : cr.deviceUid,
                      cr.fingerprint,
                      QDateTime::fromMSecsSinceEpoch(cr.createdMs, Qt::UTC).toString(Qt::ISODate)});
    c.out().text(table.render());
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
