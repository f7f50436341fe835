#include "DriftCommands.h"

#include "CommandContext.h"
#include "ExitCode.h"
#include "Output.h"
#include "TextTable.h"
#include "rollout/DriftActions.h"
#include "rollout/DriftScanner.h"
#include "storage/SqliteStatement.h"
#include "storage/WorkspaceSession.h"

#include <QJsonArray>
#include <QJsonObject>

namespace fleet {

namespace {

QCommandLineOption reasonOption()
{
    return QCommandLineOption(QStringLiteral("reason"),
                              QStringLiteral("Why (goes into the audit trail)."),
                              QStringLiteral("TEXT"));
}

int drift(CommandContext &c)
{
    // With a device: scan it now (a write of derived rows); without: what the scanner found.
    const bool one = !c.argument(0).isEmpty();
    auto session =
        c.openSession(one ? CommandContext::Access::ReadWrite : CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    WorkspaceSession &ws = *session.value();
    if (one) {
        auto id =
            ws.db().scalar(QStringLiteral("SELECT id FROM devices WHERE uid = ?"), {c.argument(0)});
        if (!id)
            return c.fail(id.error());
        if (!id->isValid())
            return c.fail(Error::notFound(
                QStringLiteral("No device '%1' in the inventory").arg(c.argument(0))));
        DriftScanner scanner(ws.db(), c.clock());
        if (auto scanned = scanner.scanDevice(id->toLongLong()); !scanned)
            return c.fail(scanned.error());
    }
    auto s = ws.db().prepare(
        QStringLiteral("SELECT d.uid, d.fw_assigned, d.fw_version, f.kind, f.sentence FROM "
                       "device_drift f JOIN devices d ON d.id = f.device_id") +
        (one ? QStringLiteral(" WHERE d.uid = ?") : QString()) +
        QStringLiteral(" ORDER BY d.uid, f.kind"));
    if (!s)
        return c.fail(s.error());
    if (one)
        s->bindAll({c.argument(0)});
    QJsonArray findings;
    TextTable table({QStringLiteral("DEVICE"), QStringLiteral("ASSIGNED"),
                     QStringLiteral("REPORTED"), QStringLiteral("FINDING"),
                     QStringLiteral("WHAT")});
    while (s->next()) {
        findings << QJsonObject{{QStringLiteral("device"), s->text(0)},
                                {QStringLiteral("assigned"), s->text(1)},
                                {QStringLiteral("reported"), s->text(2)},
                                {QStringLiteral("kind"), s->text(3)},
                                {QStringLiteral("sentence"), s->text(4)}};
        table.addRow({s->text(0), s->text(1), s->text(2), s->text(3), s->text(4)});
    }
    if (c.out().isJson())
        c.out().json(QJsonObject{{QStringLiteral("findings"), findings}});
    else if (findings.isEmpty())
        c.out().line(QStringLiteral("No drift found."));
    else
        c.out().text(table.render());
    return ExitCodes::value(ExitCode::Ok);
}

int acceptVersion(CommandContext &c)
{
    const QString reason = c.value(QStringLiteral("reason")).trimmed();
    if (reason.isEmpty())
        return c.usageError(QStringLiteral("'device accept-version' needs --reason TEXT"));
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    DriftActions actions(session.value()->db(), session.value()->audit(), c.clock());
    auto accepted = actions.acceptReported(c.argument(0), reason);
    if (!accepted)
        return c.fail(accepted.error());
    if (c.out().isJson())
        c.out().json(QJsonObject{{QStringLiteral("device"), c.argument(0)},
                                 {QStringLiteral("assigned"), accepted.value()}});
    else
        c.out().line(QStringLiteral("%1 is now assigned %2, the version it reports.")
                         .arg(c.argument(0), accepted.value()));
    return ExitCodes::value(ExitCode::Ok);
}

int retarget(CommandContext &c)
{
    const QString reason = c.value(QStringLiteral("reason")).trimmed();
    if (reason.isEmpty())
        return c.usageError(QStringLiteral("'device retarget' needs --reason TEXT"));
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    DriftActions actions(session.value()->db(), session.value()->audit(), c.clock());
    auto job =
        actions.retarget(c.argument(0), reason, QUrl(c.value(QStringLiteral("artifact-base-url"))));
    if (!job)
        return c.fail(job.error());
    if (c.out().isJson())
        c.out().json(QJsonObject{{QStringLiteral("device"), c.argument(0)},
                                 {QStringLiteral("job"), job->jobId},
                                 {QStringLiteral("version"), job->targetVersion},
                                 {QStringLiteral("transport"), job->transport}});
    else
        c.out().line(QStringLiteral("%1 gets %2 again (job %3, %4).")
                         .arg(c.argument(0), job->targetVersion, job->jobId, job->transport));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace

QList<CommandSpec> DriftCommands::commands()
{
    const CommandSpec::Argument uid{QStringLiteral("UID"),
                                    QStringLiteral("The device's id, as shown in 'inventory "
                                                   "list'."),
                                    true, false};
    CommandSpec list;
    list.name = QStringLiteral("drift");
    list.summary = QStringLiteral("Drift findings: fall-backs, update loops, flapping");
    list.description = QStringLiteral(
        "Lists what the drift scanner (part of the rollout engine in 'fleetctl serve' and the "
        "window) found comparing each device's assigned version with the one it reports and "
        "with its recent history. With a device, compares that device now.");
    list.arguments = {
        {QStringLiteral("UID"), QStringLiteral("One device (scanned now)."), false, false}};
    list.examples = {QStringLiteral("device drift"), QStringLiteral("device drift gw-0042 --json")};
    list.run = drift;

    CommandSpec accept;
    accept.name = QStringLiteral("accept-version");
    accept.summary = QStringLiteral("Accept the version a device reports as its assigned one");
    accept.description = QStringLiteral("Settles a drift finding in the device's favour: what it "
                                        "runs becomes what it is assigned. Audited.");
    accept.arguments = {uid};
    accept.options = {reasonOption()};
    accept.examples = {
        QStringLiteral("device accept-version gw-0042 --reason \"lab build, keep it\"")};
    accept.run = acceptVersion;

    CommandSpec retargetSpec;
    retargetSpec.name = QStringLiteral("retarget");
    retargetSpec.summary = QStringLiteral("Send a device its assigned release again");
    retargetSpec.description = QStringLiteral(
        "Settles a drift finding in the server's favour: the catalog's approved release of the "
        "assigned version is assigned to the device again (install policy applies; an older "
        "version goes as a rollback). Audited.");
    retargetSpec.arguments = {uid};
    retargetSpec.options = {reasonOption(),
                            QCommandLineOption(QStringLiteral("artifact-base-url"),
                                               QStringLiteral("For MQTT devices: the update "
                                                              "server as devices reach it."),
                                               QStringLiteral("URL"))};
    retargetSpec.examples = {
        QStringLiteral("device retarget gw-0042 --reason \"fell back twice, fixed power\"")};
    retargetSpec.run = retarget;
    return {list, accept, retargetSpec};
}

} // namespace fleet
