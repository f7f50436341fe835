#include "RolloutActionCommands.h"

#include "CommandContext.h"
#include "ExitCode.h"
#include "FirmwareCommands.h"
#include "Output.h"
#include "TextTable.h"
#include "firmware/SigningKeyStore.h"
#include "rollout/RolloutControl.h"
#include "rollout/RolloutHistoryExport.h"
#include "rollout/RolloutStatus.h"
#include "rollout/TestPassStore.h"
#include "storage/WorkspaceSession.h"
#include "util/Clock.h"

#include <QDateTime>
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

QCommandLineOption deviceOption()
{
    return QCommandLineOption(QStringLiteral("device"),
                              QStringLiteral("A device's uid; repeat for several. Without it, "
                                             "every device the action applies to."),
                              QStringLiteral("UID"));
}

QCommandLineOption passphraseOption()
{
    return QCommandLineOption(QStringLiteral("passphrase-file"),
                              QStringLiteral("A file whose first line is the signing key's "
                                             "passphrase."),
                              QStringLiteral("FILE"));
}

QString isoOfMs(const std::optional<qint64> &ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC).toString(Qt::ISODate) : QString();
}

QJsonValue isoOrNull(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(isoOfMs(ms)) : QJsonValue(QJsonValue::Null);
}

QJsonObject countsJson(const WaveCounts &c)
{
    return QJsonObject{{QStringLiteral("devices"), c.total()},
                       {QStringLiteral("queued"), c.pending},
                       {QStringLiteral("in_progress"), c.inProgress},
                       {QStringLiteral("succeeded"), c.succeeded},
                       {QStringLiteral("failed"), c.failed},
                       {QStringLiteral("rejected"), c.rejected},
                       {QStringLiteral("timed_out"), c.timedOut},
                       {QStringLiteral("rolled_back"), c.rolledBack},
                       {QStringLiteral("cancelled"), c.cancelled},
                       {QStringLiteral("removed"), c.removed}};
}

QJsonObject headerJson(const StoredRollout &r)
{
    return QJsonObject{{QStringLiteral("id"), r.id},
                       {QStringLiteral("name"), r.name},
                       {QStringLiteral("release_id"), r.releaseId},
                       {QStringLiteral("state"), RolloutStates::name(r.state)},
                       {QStringLiteral("current_wave"), r.currentWave},
                       {QStringLiteral("created_by"), r.createdBy},
                       {QStringLiteral("approved_by"), r.approvedBy},
                       {QStringLiteral("start_at"), isoOrNull(r.startAtMs)},
                       {QStringLiteral("started"), isoOrNull(r.startedMs)},
                       {QStringLiteral("finished"), isoOrNull(r.finishedMs)},
                       {QStringLiteral("windows_overridden"), r.windowsOverridden},
                       {QStringLiteral("acknowledged_failures"), r.acknowledgedFailures}};
}

int printHeader(CommandContext &c, const StoredRollout &r)
{
    if (c.out().isJson()) {
        c.out().json(headerJson(r));
    } else {
        // The wave only means something once the rollout has started.
        const QString wave = !r.startedMs ? QString()
                             : r.currentWave == 0
                                 ? QStringLiteral(", on its pilot")
                                 : QStringLiteral(", on wave %1").arg(r.currentWave);
        c.out().line(QStringLiteral("Rollout '%1' (id %2) is %3%4.")
                         .arg(r.name)
                         .arg(r.id)
                         .arg(RolloutStates::displayName(r.state), wave));
    }
    return ExitCodes::value(ExitCode::Ok);
}

int printDeviceOutcome(CommandContext &c, const RolloutDeviceActionOutcome &o)
{
    QJsonArray refused;
    for (const auto &r : o.refused)
        refused << QJsonObject{{QStringLiteral("device"), r.first},
                               {QStringLiteral("reason"), r.second}};
    if (c.out().isJson()) {
        c.out().json(QJsonObject{{QStringLiteral("changed"), QJsonArray::fromStringList(o.changed)},
                                 {QStringLiteral("refused"), refused}});
    } else {
        c.out().line(QStringLiteral("%1 device(s): %2")
                         .arg(o.changed.size())
                         .arg(o.changed.join(QStringLiteral(", "))));
        for (const auto &r : o.refused)
            c.out().line(QStringLiteral("not %1: %2").arg(r.first, r.second));
    }
    return ExitCodes::value(ExitCode::Ok);
}

// Opens the workspace, runs `action` with a RolloutControl, prints what it returns.
template<typename Action> int withControl(CommandContext &c, Action action)
{
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    WorkspaceSession &ws = *session.value();
    RolloutControl control(ws.db(), ws.audit(), c.clock());
    return action(ws, control);
}

CommandSpec rolloutAction(
    const QString &name, const QString &summary, const QString &description, bool reasonRequired,
    std::function<Result<StoredRollout>(RolloutControl &, const QString &, const QString &)> act)
{
    CommandSpec spec;
    spec.name = name;
    spec.summary = summary;
    spec.description = description;
    spec.arguments = {
        {QStringLiteral("NAME"), QStringLiteral("The rollout's name (or its id)."), true, false}};
    spec.options = {reasonOption()};
    spec.examples = {QStringLiteral("rollout %1 \"gw 9.0 line 1\" --reason \"...\"").arg(name)};
    spec.run = [act, reasonRequired, name](CommandContext &c) {
        const QString reason = c.value(QStringLiteral("reason")).trimmed();
        if (reasonRequired && reason.isEmpty())
            return c.usageError(QStringLiteral("'rollout %1' needs --reason TEXT").arg(name));
        return withControl(c, [&](WorkspaceSession &, RolloutControl &control) {
            auto r = act(control, c.argument(0), reason);
            if (!r)
                return c.fail(r.error());
            return printHeader(c, r.value());
        });
    };
    return spec;
}

CommandSpec
deviceAction(const QString &name, const QString &summary, const QString &description,
             std::function<Result<RolloutDeviceActionOutcome>(RolloutControl &, const QString &,
                                                              const QStringList &, const QString &)>
                 act)
{
    CommandSpec spec;
    spec.name = name;
    spec.summary = summary;
    spec.description = description;
    spec.arguments = {
        {QStringLiteral("NAME"), QStringLiteral("The rollout's name (or its id)."), true, false}};
    spec.options = {deviceOption(), reasonOption()};
    spec.examples = {
        QStringLiteral("rollout %1 \"gw 9.0 line 1\" --device pump-17 --reason \"...\"").arg(name)};
    spec.run = [act, name](CommandContext &c) {
        const QString reason = c.value(QStringLiteral("reason")).trimmed();
        if (reason.isEmpty())
            return c.usageError(QStringLiteral("'rollout %1' needs --reason TEXT").arg(name));
        return withControl(c, [&](WorkspaceSession &, RolloutControl &control) {
            auto r = act(control, c.argument(0), c.values(QStringLiteral("device")), reason);
            if (!r)
                return c.fail(r.error());
            return printDeviceOutcome(c, r.value());
        });
    };
    return spec;
}

Result<Ed25519PrivateKey> unlockKey(CommandContext &c, WorkspaceSession &ws)
{
    auto passphrase =
        FirmwareCommands::readPassphraseFile(c.value(QStringLiteral("passphrase-file")));
    if (!passphrase)
        return passphrase.error();
    SigningKeyStore keys(ws.db(), ws.audit(), ws.workspace().path());
    return keys.unlock(passphrase.value());
}

int status(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    WorkspaceSession &ws = *session.value();
    RolloutStore store(ws.db());
    auto rollout = store.find(c.argument(0));
    if (!rollout)
        return c.fail(rollout.error());
    RolloutStatusReader reader(ws.db());
    auto status = reader.status(rollout->id);
    if (!status)
        return c.fail(status.error());
    std::optional<RolloutDeviceState> only;
    if (c.isSet(QStringLiteral("state"))) {
        auto parsed = RolloutDeviceStates::parse(c.value(QStringLiteral("state")));
        if (!parsed)
            return c.usageError(parsed.message());
        only = parsed.value();
    }
    auto devices = reader.devices(rollout->id, only);
    if (!devices)
        return c.fail(devices.error());

    if (c.out().isJson()) {
        QJsonObject doc = headerJson(status->rollout);
        doc.insert(QStringLiteral("release"),
                   QJsonObject{{QStringLiteral("name"), status->releaseName},
                               {QStringLiteral("version"), status->releaseVersion},
                               {QStringLiteral("sha256"), status->releaseSha256}});
        QJsonArray passes;
        for (const TestPassRecord &p : status->testPasses)
            passes << QJsonObject{{QStringLiteral("source"), TestPassRecord::sourceName(p.source)},
                                  {QStringLiteral("summary"), p.summary},
                                  {QStringLiteral("recorded_by"), p.recordedBy},
                                  {QStringLiteral("recorded"), isoOfMs(p.recordedMs)},
                                  {QStringLiteral("key"), p.keyFingerprint},
                                  {QStringLiteral("verified"), p.verified}};
        doc.insert(QStringLiteral("test_gate"),
                   QJsonObject{{QStringLiteral("passed"), status->testGatePassed},
                               {QStringLiteral("records"), passes}});
        QJsonArray waves;
        for (const RolloutWaveStatus &w : status->waves) {
            QJsonObject o = countsJson(w.counts);
            o.insert(QStringLiteral("wave"), w.wave);
            o.insert(QStringLiteral("name"), w.name);
            o.insert(QStringLiteral("current"), w.current);
            waves << o;
        }
        doc.insert(QStringLiteral("waves"), waves);
        doc.insert(QStringLiteral("total"), countsJson(status->total));
        doc.insert(QStringLiteral("excluded"), status->excludedCount);
        QJsonArray rows;
        for (const RolloutDeviceStatus &d : devices.value())
            rows << QJsonObject{{QStringLiteral("device"), d.uid},
                                {QStringLiteral("wave"), d.wave},
                                {QStringLiteral("state"), RolloutDeviceStates::name(d.state)},
                                {QStringLiteral("step"), d.step},
                                {QStringLiteral("attempts"), d.attempts},
                                {QStringLiteral("job"), d.jobId},
                                {QStringLiteral("job_state"), d.jobState},
                                {QStringLiteral("percent"),
                                 d.percent ? QJsonValue(*d.percent) : QJsonValue(QJsonValue::Null)},
                                {QStringLiteral("failure_kind"), d.failureKind},
                                {QStringLiteral("reason"), d.reason},
                                {QStringLiteral("known_good"), d.knownGood},
                                {QStringLiteral("reported_version"), d.reportedVersion},
                                {QStringLiteral("rollback_requested"), d.rollbackRequested},
                                {QStringLiteral("drift"), QJsonArray::fromStringList(d.drift)},
                                {QStringLiteral("started"), isoOrNull(d.startedMs)},
                                {QStringLiteral("finished"), isoOrNull(d.finishedMs)}};
        doc.insert(QStringLiteral("devices"), rows);
        if (c.isSet(QStringLiteral("events"))) {
            auto events = reader.events(rollout->id);
            if (!events)
                return c.fail(events.error());
            QJsonArray list;
            for (const RolloutEvent &e : events.value())
                list << QJsonObject{
                    {QStringLiteral("at"), isoOfMs(e.atMs)}, {QStringLiteral("kind"), e.kind},
                    {QStringLiteral("device"), e.deviceUid}, {QStringLiteral("from"), e.fromState},
                    {QStringLiteral("to"), e.toState},       {QStringLiteral("actor"), e.actor},
                    {QStringLiteral("reason"), e.reason}};
            doc.insert(QStringLiteral("events"), list);
        }
        c.out().json(doc);
        return ExitCodes::value(ExitCode::Ok);
    }
    printHeader(c, status->rollout);
    c.out().line(
        QStringLiteral("Release %1 %2, test gate %3")
            .arg(status->releaseName, status->releaseVersion,
                 status->testGatePassed ? QStringLiteral("passed") : QStringLiteral("not passed")));
    TextTable waves({QStringLiteral("WAVE"), QStringLiteral("DEVICES"), QStringLiteral("QUEUED"),
                     QStringLiteral("UNDERWAY"), QStringLiteral("SUCCEEDED"),
                     QStringLiteral("FAILED"), QStringLiteral("ROLLED BACK"),
                     QStringLiteral("CANCELLED")});
    for (const RolloutWaveStatus &w : status->waves)
        waves.addRow({w.name + (w.current ? QStringLiteral(" *") : QString()),
                      QString::number(w.counts.total()), QString::number(w.counts.pending),
                      QString::number(w.counts.inProgress), QString::number(w.counts.succeeded),
                      QString::number(w.counts.failed + w.counts.rejected + w.counts.timedOut),
                      QString::number(w.counts.rolledBack),
                      QString::number(w.counts.cancelled + w.counts.removed)});
    c.out().line();
    c.out().text(waves.render());
    if (c.isSet(QStringLiteral("state"))) {
        c.out().line();
        TextTable rows({QStringLiteral("DEVICE"), QStringLiteral("WAVE"), QStringLiteral("STATE"),
                        QStringLiteral("ATTEMPTS"), QStringLiteral("REASON")});
        for (const RolloutDeviceStatus &d : devices.value())
            rows.addRow({d.uid, QString::number(d.wave), RolloutDeviceStates::displayName(d.state),
                         QString::number(d.attempts), d.reason});
        c.out().text(rows.render());
    }
    return ExitCodes::value(ExitCode::Ok);
}

int testPass(CommandContext &c)
{
    bool ok = false;
    const qint64 release = c.argument(0).toLongLong(&ok);
    if (!ok || release <= 0)
        return c.usageError(QStringLiteral("'%1' is not a release id").arg(c.argument(0)));
    const QString summary = c.value(QStringLiteral("summary")).trimmed();
    if (summary.isEmpty())
        return c.usageError(QStringLiteral("A test pass needs --summary TEXT: what was tested "
                                           "and how it went"));
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    WorkspaceSession &ws = *session.value();
    auto key = unlockKey(c, ws);
    if (!key)
        return c.fail(key.error());
    TestPassStore passes(ws.db(), ws.audit());
    auto record = passes.record(release, TestPassRecord::Source::Bench, summary, key.value());
    if (!record)
        return c.fail(record.error());
    if (c.out().isJson())
        c.out().json(QJsonObject{{QStringLiteral("id"), record->id},
                                 {QStringLiteral("sha256"), record->sha256},
                                 {QStringLiteral("key"), record->keyFingerprint},
                                 {QStringLiteral("recorded_by"), record->recordedBy}});
    else
        c.out().line(QStringLiteral("Test pass %1 recorded for %2, signed with key %3.")
                         .arg(record->id)
                         .arg(record->sha256, record->keyFingerprint));
    return ExitCodes::value(ExitCode::Ok);
}

int exportHistory(CommandContext &c)
{
    auto format = RolloutHistoryExport::formatFor(c.argument(1));
    if (!format)
        return c.usageError(format.message());
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    WorkspaceSession &ws = *session.value();
    auto rollout = RolloutStore(ws.db()).find(c.argument(0));
    if (!rollout)
        return c.fail(rollout.error());
    auto history = RolloutHistoryExport::read(ws.db(), rollout->id, c.clock().nowMs());
    if (!history)
        return c.fail(history.error());
    if (Status s = RolloutHistoryExport::write(history.value(), c.argument(1), format.value()); !s)
        return c.fail(s.error());
    if (c.out().isJson())
        c.out().json(QJsonObject{{QStringLiteral("file"), c.argument(1)},
                                 {QStringLiteral("devices"), qint64(history->devices.size())},
                                 {QStringLiteral("events"), qint64(history->events.size())}});
    else
        c.out().line(QStringLiteral("Wrote rollout '%1' to %2: %3 devices, %4 timeline entries.")
                         .arg(rollout->name, c.argument(1))
                         .arg(history->devices.size())
                         .arg(history->events.size()));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace

QList<CommandSpec> RolloutActionCommands::commands()
{
    QList<CommandSpec> list;
    list << rolloutAction(
        QStringLiteral("submit"), QStringLiteral("Submit a draft for approval (or make it ready)"),
        QStringLiteral("Moves a draft to waiting for approval when its plan requires a second "
                       "operator's approval (four-eyes), else to ready."),
        false,
        [](RolloutControl &rc, const QString &n, const QString &r) { return rc.submit(n, r); });
    list << rolloutAction(
        QStringLiteral("approve"), QStringLiteral("Approve a rollout as the second operator"),
        QStringLiteral("Approves a rollout waiting for approval. The creator "
                       "cannot approve their own rollout."),
        false,
        [](RolloutControl &rc, const QString &n, const QString &r) { return rc.approve(n, r); });
    list << rolloutAction(
        QStringLiteral("deny"), QStringLiteral("Send a rollout back to draft"),
        QStringLiteral("Refuses a rollout waiting for approval; it goes back "
                       "to draft with the reason."),
        true, [](RolloutControl &rc, const QString &n, const QString &r) { return rc.deny(n, r); });
    CommandSpec start = rolloutAction(
        QStringLiteral("start"), QStringLiteral("Start a ready rollout (now or at --at)"),
        QStringLiteral("Starts a ready rollout, or schedules it with --at. Needs a signed test "
                       "pass for the release's artifact (see 'rollout test-pass'), or a pilot "
                       "wave, whose results are signed when a person resumes after it. The "
                       "engine in 'fleetctl serve' or the window then starts devices."),
        true, {});
    start.options << QCommandLineOption(QStringLiteral("at"),
                                        QStringLiteral("Start time, ISO 8601 (UTC unless it "
                                                       "says otherwise)."),
                                        QStringLiteral("TIME"));
    start.run = [](CommandContext &c) {
        const QString reason = c.value(QStringLiteral("reason")).trimmed();
        if (reason.isEmpty())
            return c.usageError(QStringLiteral("'rollout start' needs --reason TEXT"));
        std::optional<QDateTime> at;
        if (c.isSet(QStringLiteral("at"))) {
            QDateTime t = QDateTime::fromString(c.value(QStringLiteral("at")), Qt::ISODate);
            if (!t.isValid())
                return c.usageError(QStringLiteral("--at takes an ISO 8601 time, not '%1'")
                                        .arg(c.value(QStringLiteral("at"))));
            if (t.timeSpec() == Qt::LocalTime)
                t.setTimeSpec(Qt::UTC);
            at = t;
        }
        return withControl(c, [&](WorkspaceSession &, RolloutControl &control) {
            auto r = control.start(c.argument(0), reason, at);
            if (!r)
                return c.fail(r.error());
            return printHeader(c, r.value());
        });
    };
    list << start;
    list << rolloutAction(
        QStringLiteral("pause"), QStringLiteral("Pause a running rollout"),
        QStringLiteral("No new device is started; devices underway finish."), true,
        [](RolloutControl &rc, const QString &n, const QString &r) { return rc.pause(n, r); });
    CommandSpec resume = rolloutAction(
        QStringLiteral("resume"), QStringLiteral("Resume a paused rollout (a person's decision)"),
        QStringLiteral("Resumes a paused rollout. The failures its wave's gate paused on count "
                       "as seen. After a pilot that passed, resuming is the pilot's approval; "
                       "without a signed test pass for the artifact yet, give "
                       "--passphrase-file to sign the pilot's results as that pass."),
        true, {});
    resume.options << passphraseOption();
    resume.run = [](CommandContext &c) {
        const QString reason = c.value(QStringLiteral("reason")).trimmed();
        if (reason.isEmpty())
            return c.usageError(QStringLiteral("'rollout resume' needs --reason TEXT"));
        return withControl(c, [&](WorkspaceSession &ws, RolloutControl &control) {
            std::optional<Ed25519PrivateKey> key;
            if (c.isSet(QStringLiteral("passphrase-file"))) {
                auto unlocked = unlockKey(c, ws);
                if (!unlocked)
                    return c.fail(unlocked.error());
                key = unlocked.value();
            }
            auto r = control.resume(c.argument(0), reason, key ? &*key : nullptr);
            if (!r)
                return c.fail(r.error());
            return printHeader(c, r.value());
        });
    };
    list << resume;
    list << rolloutAction(QStringLiteral("cancel"), QStringLiteral("Cancel a rollout"),
                          QStringLiteral("Queued devices are cancelled; devices already "
                                         "installing finish, then the rollout stops."),
                          true, [](RolloutControl &rc, const QString &n, const QString &r) {
                              return rc.cancel(n, r);
                          });
    list << rolloutAction(QStringLiteral("force-next-wave"),
                          QStringLiteral("Start the next wave without waiting for the gate"),
                          QStringLiteral("Moves a running rollout to its next wave now."), true,
                          [](RolloutControl &rc, const QString &n, const QString &r) {
                              return rc.forceNextWave(n, r);
                          });
    CommandSpec windows = rolloutAction(
        QStringLiteral("override-windows"),
        QStringLiteral("Let devices start outside their maintenance windows"),
        QStringLiteral("Overrides the plan's maintenance windows for this rollout (audited); "
                       "--restore puts them back."),
        true, {});
    windows.options << QCommandLineOption(QStringLiteral("restore"),
                                          QStringLiteral("Honour the windows again."));
    windows.run = [](CommandContext &c) {
        const QString reason = c.value(QStringLiteral("reason")).trimmed();
        if (reason.isEmpty())
            return c.usageError(QStringLiteral("'rollout override-windows' needs --reason TEXT"));
        return withControl(c, [&](WorkspaceSession &, RolloutControl &control) {
            auto r =
                control.overrideWindows(c.argument(0), !c.isSet(QStringLiteral("restore")), reason);
            if (!r)
                return c.fail(r.error());
            return printHeader(c, r.value());
        });
    };
    list << windows;
    list << deviceAction(QStringLiteral("retry"),
                         QStringLiteral("Retry failed or timed-out devices"),
                         QStringLiteral("Queues failed or timed-out devices again, within their "
                                        "retry budget per failure kind."),
                         [](RolloutControl &rc, const QString &n, const QStringList &u,
                            const QString &r) { return rc.retryDevices(n, u, r); });
    list << deviceAction(QStringLiteral("skip"), QStringLiteral("Skip queued devices"),
                         QStringLiteral("Cancels queued devices: they are left out of the "
                                        "rollout and do not count for the gate."),
                         [](RolloutControl &rc, const QString &n, const QStringList &u,
                            const QString &r) { return rc.skipDevices(n, u, r); });
    CommandSpec rollback = deviceAction(
        QStringLiteral("rollback"),
        QStringLiteral("Roll devices (or the whole rollout) back to known-good"),
        QStringLiteral(
            "Puts devices back on the version they ran before the rollout (their known-good "
            "version). Without "
            "--device: every failed or timed-out device; with --all: the whole "
            "rollout (it is cancelled if still going, and every device that "
            "succeeded or failed goes back)."),
        {});
    rollback.options << QCommandLineOption(QStringLiteral("all"),
                                           QStringLiteral("Roll back the whole rollout."));
    rollback.run = [](CommandContext &c) {
        const QString reason = c.value(QStringLiteral("reason")).trimmed();
        if (reason.isEmpty())
            return c.usageError(QStringLiteral("'rollout rollback' needs --reason TEXT"));
        return withControl(c, [&](WorkspaceSession &, RolloutControl &control) {
            auto r = c.isSet(QStringLiteral("all"))
                         ? control.rollbackRollout(c.argument(0), reason)
                         : control.rollbackDevices(c.argument(0),
                                                   c.values(QStringLiteral("device")), reason);
            if (!r)
                return c.fail(r.error());
            return printDeviceOutcome(c, r.value());
        });
    };
    list << rollback;

    CommandSpec statusSpec;
    statusSpec.name = QStringLiteral("status");
    statusSpec.summary = QStringLiteral("Where a rollout stands: waves, devices, test gate");
    statusSpec.description = QStringLiteral(
        "Shows the rollout's state, its test gate, the counts per wave by state and, with "
        "--json, every device's state, step, attempts, job, failure reason and times (and the "
        "timeline with --events). --state lists the devices in one state.");
    statusSpec.arguments = {
        {QStringLiteral("NAME"), QStringLiteral("The rollout's name (or its id)."), true, false}};
    statusSpec.options = {
        QCommandLineOption(QStringLiteral("state"), QStringLiteral("Only devices in this state."),
                           QStringLiteral("STATE")),
        QCommandLineOption(QStringLiteral("events"),
                           QStringLiteral("Include the timeline (with --json).")),
    };
    statusSpec.examples = {QStringLiteral("rollout status \"gw 9.0 line 1\" --json"),
                           QStringLiteral("rollout status 3 --state failed")};
    statusSpec.run = status;
    list << statusSpec;

    CommandSpec pass;
    pass.name = QStringLiteral("test-pass");
    pass.summary = QStringLiteral("Record a signed lab test pass for a release");
    pass.description = QStringLiteral(
        "Records that the release's exact artifact passed its tests on the lab bench, signed "
        "with the workspace's signing key. A rollout without a pilot needs one to start.");
    pass.arguments = {
        {QStringLiteral("RELEASE_ID"), QStringLiteral("The release's id."), true, false}};
    pass.options = {QCommandLineOption(QStringLiteral("summary"),
                                       QStringLiteral("What was tested and how it went."),
                                       QStringLiteral("TEXT")),
                    passphraseOption()};
    pass.examples = {QStringLiteral("rollout test-pass 4 --summary \"bench run 12: 3 boards, "
                                    "48 h soak\" --passphrase-file ~/.fleetdesk-pass")};
    pass.run = testPass;
    list << pass;

    CommandSpec exportSpec;
    exportSpec.name = QStringLiteral("export");
    exportSpec.summary = QStringLiteral("Export a rollout's history (CSV or JSON)");
    exportSpec.description = QStringLiteral(
        "Writes the rollout's record: its header (release, test gate, approval), the results "
        "per wave, every device's final state and the whole timeline. The format follows the "
        "file name: .csv or .json. The file is written whole or not at all.");
    exportSpec.arguments = {
        {QStringLiteral("NAME"), QStringLiteral("The rollout's name (or its id)."), true, false},
        {QStringLiteral("FILE"), QStringLiteral("Where to write it (.csv or .json)."), true,
         false}};
    exportSpec.examples = {QStringLiteral("rollout export \"eg 9\" eg9-history.csv")};
    exportSpec.run = exportHistory;
    list << exportSpec;
    return list;
}

} // namespace fleet
