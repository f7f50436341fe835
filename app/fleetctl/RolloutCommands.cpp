#include "RolloutCommands.h"

#include "CommandContext.h"
#include "DeviceSelection.h"
#include "RolloutActionCommands.h"
#include "TextTable.h"
#include "rollout/ForecastSettings.h"
#include "rollout/MaintenanceWindow.h"
#include "rollout/RolloutForecaster.h"
#include "rollout/RolloutService.h"
#include "rollout/RolloutTargeting.h"
#include "rollout/TargetingSchedules.h"
#include "rollout/WavePlanner.h"
#include "rollout/WaveSplit.h"
#include "rollout/WaveTimeline.h"
#include "util/Clock.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <QTimeZone>

namespace fleet {

namespace {

// What the command line asks for, checked before the workspace is opened so that a typo is a
// usage error (exit 2) whatever the workspace holds.
struct PlanRequest
{
    qint64 releaseId = 0;
    QString pilotGroup;
    QList<MaintenanceWindow> windows;
    ForecastSettings settings;
};

QString isoUtc(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

QJsonValue isoOrNull(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(isoUtc(t)) : QJsonValue(QJsonValue::Null);
}

QString localText(const QDateTime &t, const QTimeZone &zone)
{
    return t.toTimeZone(zone).toString(QStringLiteral("ddd yyyy-MM-dd HH:mm"));
}

QString utcText(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("ddd yyyy-MM-dd HH:mm 'UTC'"))
                       : QStringLiteral("-");
}

// "10/min" or "10": devices started per minute.
Result<int> parseRate(const QString &text)
{
    static const QRegularExpression form(QStringLiteral("^\\s*(\\d{1,6})\\s*(?:/\\s*min)?\\s*$"),
                                         QRegularExpression::CaseInsensitiveOption);
    const auto m = form.match(text);
    const int n = m.hasMatch() ? m.captured(1).toInt() : 0;
    if (n < 1)
        return Error::invalid(
            QStringLiteral("--rate expects devices per minute, e.g. 20/min, not '%1'").arg(text));
    return n;
}

Result<WaveSplit> parseSplit(CommandContext &c)
{
    const bool percent = c.isSet(QStringLiteral("waves"));
    const bool count = c.isSet(QStringLiteral("wave-size"));
    if (percent && count)
        return Error::invalid(QStringLiteral("Give either --waves or --wave-size, not both"));
    if (count) {
        auto n = c.integerOption(QStringLiteral("wave-size"), 0, 1, 10'000'000);
        if (!n)
            return n.error();
        return WaveSplit::byCount(n.value());
    }
    if (!percent)
        return WaveSplit::byCumulativePercent({100});
    QList<int> steps;
    for (const QString &part : c.value(QStringLiteral("waves")).split(QLatin1Char(','))) {
        QString step = part.trimmed();
        if (step.endsWith(QLatin1Char('%')))
            step.chop(1);
        bool ok = false;
        const int p = step.toInt(&ok);
        if (!ok)
            return Error::invalid(QStringLiteral("--waves takes cumulative percentages such as "
                                                 "1,10,50,100, not '%1'")
                                      .arg(c.value(QStringLiteral("waves"))));
        steps << p;
    }
    auto split = WaveSplit::byCumulativePercent(steps);
    if (!split)
        return Error::invalid(QStringLiteral("--waves: %1").arg(split.message()));
    return split;
}

// `releaseArgument`: where RELEASE_ID is among the arguments. `withStart`: whether the command
// has --start (the forecast's start; `create` stores no start).
Result<PlanRequest> parseRequest(CommandContext &c, int releaseArgument = 0, bool withStart = true)
{
    PlanRequest r;
    bool ok = false;
    r.releaseId = c.argument(releaseArgument).trimmed().toLongLong(&ok);
    if (!ok || r.releaseId <= 0)
        return Error::invalid(QStringLiteral("'%1' is not a release id (a positive whole number)")
                                  .arg(c.argument(releaseArgument)));
    const int sources =
        (DeviceSelection::isGiven(c) ? 1 : 0) + (c.isSet(QStringLiteral("group")) ? 1 : 0);
    if (sources == 0)
        return Error::invalid(QStringLiteral("Name the target devices: --device UID (repeatable), "
                                             "--filter NAME or --group NAME."));
    if (c.isSet(QStringLiteral("group")) && DeviceSelection::isGiven(c))
        return Error::invalid(QStringLiteral("Give the target devices either as --group or as "
                                             "--device/--filter, not both."));
    r.pilotGroup = c.value(QStringLiteral("pilot-group"));
    if (c.isSet(QStringLiteral("pilot-group")) && r.pilotGroup.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("--pilot-group needs a group name"));
    for (const QString &text : c.values(QStringLiteral("window"))) {
        auto w = MaintenanceWindow::parse(text);
        if (!w)
            return Error::invalid(QStringLiteral("--window '%1': %2").arg(text, w.message()));
        r.windows << w.value();
    }
    if (c.isSet(QStringLiteral("rate"))) {
        auto rate = parseRate(c.value(QStringLiteral("rate")));
        if (!rate)
            return rate.error();
        r.settings.devicesPerMinute = rate.value();
    }
    auto concurrency =
        c.integerOption(QStringLiteral("concurrency"), r.settings.maxConcurrent, 1, 1'000'000);
    if (!concurrency)
        return concurrency.error();
    r.settings.maxConcurrent = int(concurrency.value());
    auto minutes = c.integerOption(QStringLiteral("minutes-per-device"),
                                   r.settings.minutesPerDevice, 1, 7 * 24 * 60);
    if (!minutes)
        return minutes.error();
    r.settings.minutesPerDevice = int(minutes.value());
    auto gap = c.integerOption(QStringLiteral("minutes-between-waves"),
                               r.settings.minutesBetweenWaves, 0, 30 * 24 * 60);
    if (!gap)
        return gap.error();
    r.settings.minutesBetweenWaves = int(gap.value());
    if (withStart && c.isSet(QStringLiteral("start"))) {
        r.settings.start = QDateTime::fromString(c.value(QStringLiteral("start")), Qt::ISODate);
        if (!r.settings.start.isValid() || r.settings.start.timeSpec() == Qt::LocalTime)
            return Error::invalid(QStringLiteral("--start takes an ISO 8601 time with a zone, "
                                                 "e.g. 2026-12-05T08:00:00Z, not '%1'")
                                      .arg(c.value(QStringLiteral("start"))));
        r.settings.start = r.settings.start.toUTC();
    } else {
        r.settings.start = c.clock().nowUtc();
    }
    if (Status s = r.settings.validate(); !s)
        return s.error();
    return r;
}

QJsonArray exclusionsJson(const QList<TargetingExclusion> &excluded)
{
    QJsonArray list;
    for (const TargetingExclusion &e : excluded) {
        QJsonArray reasons;
        for (const TargetingReason &r : e.reasons)
            reasons.append(QJsonObject{{QStringLiteral("kind"), TargetingReason::kindName(r.kind)},
                                       {QStringLiteral("text"), r.text}});
        list.append(QJsonObject{{QStringLiteral("device"), e.deviceUid},
                                {QStringLiteral("reasons"), reasons}});
    }
    return list;
}

void printExclusions(Output &out, const QList<TargetingExclusion> &excluded)
{
    if (excluded.isEmpty())
        return;
    out.line(QStringLiteral("Excluded (%1):").arg(excluded.size()));
    for (const TargetingExclusion &e : excluded) {
        QStringList parts;
        for (const TargetingReason &r : e.reasons)
            parts << QStringLiteral("%1 [%2]").arg(r.text, TargetingReason::kindName(r.kind));
        out.line(QStringLiteral("  %1: %2").arg(e.deviceUid, parts.join(QStringLiteral("; "))));
    }
}

// The target devices (--group, or --device/--filter) and the pilot's (--pilot-group), by row id,
// as `plan` and `create` both take them.
Status resolveSelection(CommandContext &c, WorkspaceSession &ws, RolloutTargeting &targeting,
                        const QString &pilotGroup, QList<qint64> &targetIds,
                        QList<qint64> &pilotIds)
{
    if (c.isSet(QStringLiteral("group"))) {
        auto members = targeting.groupMembers(c.value(QStringLiteral("group")));
        if (!members)
            return members.error();
        targetIds = members.value();
    } else {
        auto ids = DeviceSelection::resolve(c, ws);
        if (!ids)
            return ids.error();
        targetIds = ids.value();
    }
    if (!pilotGroup.isEmpty()) {
        auto members = targeting.groupMembers(pilotGroup);
        if (!members)
            return members.error();
        pilotIds = members.value();
    }
    return Status::success();
}

// The selection and plan options of `plan`; `create` takes the same but --start.
QList<QCommandLineOption> planOptions(bool withStart)
{
    QList<QCommandLineOption> options = DeviceSelection::options();
    options << QList<QCommandLineOption>{
        QCommandLineOption(QStringLiteral("group"),
                           QStringLiteral("Every device of the group is a target."),
                           QStringLiteral("NAME")),
        QCommandLineOption(QStringLiteral("pilot-group"),
                           QStringLiteral("Devices updated first, as the pilot wave."),
                           QStringLiteral("NAME")),
        QCommandLineOption(QStringLiteral("waves"),
                           QStringLiteral("Waves by cumulative percentage, e.g. 1,10,50,100 "
                                          "(default: one wave)."),
                           QStringLiteral("P,P,...")),
        QCommandLineOption(QStringLiteral("wave-size"),
                           QStringLiteral("Waves of N devices instead."), QStringLiteral("N")),
        QCommandLineOption(QStringLiteral("window"),
                           QStringLiteral("A weekly maintenance window in each site's time "
                                          "zone, e.g. \"Mon-Fri 01:00-05:00\" (repeatable; "
                                          "default: any time)."),
                           QStringLiteral("WINDOW")),
        QCommandLineOption(QStringLiteral("rate"),
                           QStringLiteral("Devices started per minute (default 10/min)."),
                           QStringLiteral("N/min")),
        QCommandLineOption(QStringLiteral("concurrency"),
                           QStringLiteral("Devices updating at the same time (default 100)."),
                           QStringLiteral("N")),
        QCommandLineOption(QStringLiteral("minutes-per-device"),
                           QStringLiteral("Expected minutes from start to validated (default "
                                          "30)."),
                           QStringLiteral("N")),
        QCommandLineOption(QStringLiteral("minutes-between-waves"),
                           QStringLiteral("Soak time after each wave (default 0)."),
                           QStringLiteral("N"))};
    if (withStart)
        options << QCommandLineOption(QStringLiteral("start"),
                                      QStringLiteral("When the rollout would start, ISO 8601 "
                                                     "with a zone (default: now)."),
                                      QStringLiteral("TIME"));
    return options;
}

QString isoOfMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

QJsonObject headerJson(const StoredRollout &r)
{
    return QJsonObject{{QStringLiteral("id"), r.id},
                       {QStringLiteral("name"), r.name},
                       {QStringLiteral("release_id"), r.releaseId},
                       {QStringLiteral("state"), RolloutStates::name(r.state)},
                       {QStringLiteral("created_by"), r.createdBy},
                       {QStringLiteral("created"), isoOfMs(r.createdMs)},
                       {QStringLiteral("reason"), r.reason}};
}

// Per wave (0 = pilot), how many devices are in each state.
QMap<int, QMap<QString, int>> stateCountsByWave(const StoredRollout &r)
{
    QMap<int, QMap<QString, int>> waves;
    for (const StoredRollout::Device &d : r.devices)
        ++waves[d.wave][RolloutDeviceStates::name(d.state)];
    return waves;
}

// What `show` prints and `create` confirms with: the rollout, its waves and its exclusions.
int printRollout(CommandContext &c, const StoredRollout &r)
{
    const QMap<int, QMap<QString, int>> waves = stateCountsByWave(r);
    if (c.out().isJson()) {
        QJsonObject doc = headerJson(r);
        doc.insert(QStringLiteral("plan"), r.plan.toJson());
        QJsonArray wavesJson;
        for (auto it = waves.cbegin(); it != waves.cend(); ++it) {
            QJsonObject states;
            int total = 0;
            for (auto s = it->cbegin(); s != it->cend(); ++s) {
                states.insert(s.key(), s.value());
                total += s.value();
            }
            wavesJson.append(QJsonObject{{QStringLiteral("wave"), it.key()},
                                         {QStringLiteral("pilot"), it.key() == 0},
                                         {QStringLiteral("devices"), total},
                                         {QStringLiteral("states"), states}});
        }
        doc.insert(QStringLiteral("waves"), wavesJson);
        doc.insert(QStringLiteral("excluded"), exclusionsJson(r.excluded));
        c.out().json(doc);
        return ExitCodes::value(ExitCode::Ok);
    }
    c.out().line(QStringLiteral("Rollout %1 '%2': release %3, %4")
                     .arg(r.id)
                     .arg(r.name)
                     .arg(r.releaseId)
                     .arg(RolloutStates::displayName(r.state)));
    c.out().line(
        QStringLiteral("Created %1 by %2: %3").arg(isoOfMs(r.createdMs), r.createdBy, r.reason));
    c.out().line(QStringLiteral("Split: %1; %2/min, at most %3 at a time")
                     .arg(r.plan.split.describe())
                     .arg(r.plan.devicesPerMinute)
                     .arg(r.plan.maxConcurrent));
    TextTable table({QStringLiteral("WAVE"), QStringLiteral("DEVICES"), QStringLiteral("STATES")});
    table.setRightAligned(1);
    for (auto it = waves.cbegin(); it != waves.cend(); ++it) {
        QStringList states;
        int total = 0;
        for (auto s = it->cbegin(); s != it->cend(); ++s) {
            states << QStringLiteral("%1 %2").arg(s.value()).arg(s.key());
            total += s.value();
        }
        table.addRow({it.key() == 0 ? QStringLiteral("pilot") : QString::number(it.key()),
                      QString::number(total), states.join(QStringLiteral(", "))});
    }
    c.out().text(table.render());
    printExclusions(c.out(), r.excluded);
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace

QString RolloutCommands::summary() const
{
    return QStringLiteral("Staged rollouts of a firmware release: plan, create, drive and follow "
                          "them.");
}

QList<CommandSpec> RolloutCommands::commands()
{
    CommandSpec plan;
    plan.name = QStringLiteral("plan");
    plan.summary = QStringLiteral("Preview a staged rollout: exclusions, waves and their timeline");
    plan.description = QStringLiteral(
        "Shows what a rollout of the release to the target devices would do, before anything "
        "exists: the devices left out and why (model, hardware revision, minimum version, "
        "downgrade, already on the release's version, an unfinished install, retired, "
        "decommissioning or quarantined), the pilot group first, then the waves, and for each "
        "wave its devices, the expected first start and last finish (UTC, and local time when "
        "all its devices share one time zone) and the devices that cannot be scheduled, with "
        "why. Maintenance windows are weekly and read on each site's clocks (its IANA time "
        "zone); a device without a site has no window and may start at any hour. Devices start "
        "only if they are expected to finish before their window closes. Changes nothing. "
        "Exit code 6 when no device is eligible.");
    plan.arguments = {{QStringLiteral("RELEASE_ID"),
                       QStringLiteral("The release's id (see 'fleetctl firmware list')."), true,
                       false}};
    plan.options = planOptions(true);
    plan.examples = {
        QStringLiteral("rollout plan 4 --group \"Line 1\" --pilot-group lab --waves 1,10,50,100"),
        QStringLiteral("rollout plan 4 --filter gw-4000 --window \"Mon-Fri 01:00-05:00\" "
                       "--rate 20/min --concurrency 50 --json")};
    plan.run = [this](CommandContext &c) {
        return this->plan(c);
    };

    CommandSpec create;
    create.name = QStringLiteral("create");
    create.summary = QStringLiteral("Create a staged rollout as a draft");
    create.description = QStringLiteral(
        "Stores a rollout of the release to the target devices, in state draft: every eligible "
        "device with its wave (the pilot first, then the waves, cut exactly as 'rollout plan' "
        "shows them) and every excluded device with why. The plan's pace (rate, concurrency) "
        "and windows are stored with it. One audited change; needs --reason. Nothing is sent "
        "to any device.");
    create.arguments = {
        {QStringLiteral("NAME"), QStringLiteral("A name for the rollout, unique."), true, false},
        {QStringLiteral("RELEASE_ID"),
         QStringLiteral("The release's id (see 'fleetctl firmware list')."), true, false}};
    create.options = planOptions(false);
    create.options << QCommandLineOption(QStringLiteral("reason"),
                                         QStringLiteral("Why the rollout is made (audited)."),
                                         QStringLiteral("TEXT"))
                   << QCommandLineOption(QStringLiteral("success-percent"),
                                         QStringLiteral("A wave passes when at least this share "
                                                        "of its devices succeeded (default "
                                                        "100)."),
                                         QStringLiteral("PCT"))
                   << QCommandLineOption(QStringLiteral("pause-percent"),
                                         QStringLiteral("Pause when more than this share of a "
                                                        "wave's finished devices failed."),
                                         QStringLiteral("PCT"))
                   << QCommandLineOption(QStringLiteral("abort-percent"),
                                         QStringLiteral("Cancel the rollout when more than this "
                                                        "share failed."),
                                         QStringLiteral("PCT"))
                   << QCommandLineOption(QStringLiteral("pause-after"),
                                         QStringLiteral("Pause when more than N devices of a wave "
                                                        "failed."),
                                         QStringLiteral("N"))
                   << QCommandLineOption(QStringLiteral("abort-after"),
                                         QStringLiteral("Cancel when more than N failed."),
                                         QStringLiteral("N"))
                   << QCommandLineOption(QStringLiteral("min-finished"),
                                         QStringLiteral("Failure rates count once this many "
                                                        "devices of the wave finished."),
                                         QStringLiteral("N"))
                   << QCommandLineOption(QStringLiteral("auto-rollback"),
                                         QStringLiteral("Roll failed devices back to their "
                                                        "known-good version automatically."))
                   << QCommandLineOption(QStringLiteral("require-approval"),
                                         QStringLiteral("A second operator must approve it "
                                                        "(four-eyes)."))
                   << QCommandLineOption(QStringLiteral("approve-pilot"),
                                         QStringLiteral("Pause after the pilot until a person "
                                                        "resumes, even with a test pass."));
    create.examples = {QStringLiteral("rollout create \"gw 9.0 line 1\" 4 --group \"Line 1\" "
                                      "--pilot-group lab --waves 10,100 --reason \"CVE fix\"")};
    create.run = [this](CommandContext &c) {
        return this->create(c);
    };

    CommandSpec list;
    list.name = QStringLiteral("list");
    list.summary = QStringLiteral("List the rollouts, newest first");
    list.description = QStringLiteral("Lists every rollout with its release, state, creator and "
                                      "reason, newest first.");
    list.run = [this](CommandContext &c) {
        return this->list(c);
    };

    CommandSpec show;
    show.name = QStringLiteral("show");
    show.summary = QStringLiteral("Show a rollout: its plan, waves and exclusions");
    show.description = QStringLiteral("Shows a rollout: its plan, the number of devices per wave "
                                      "(pilot first) by state, and the devices left out and why.");
    show.arguments = {
        {QStringLiteral("NAME"), QStringLiteral("The rollout's name (or its id)."), true, false}};
    show.run = [this](CommandContext &c) {
        return this->show(c);
    };
    return QList<CommandSpec>{plan, create, list, show} + RolloutActionCommands::commands();
}

int RolloutCommands::create(CommandContext &c)
{
    auto request = parseRequest(c, 1, false);
    if (!request)
        return c.usageError(request.message());
    auto split = parseSplit(c);
    if (!split)
        return c.usageError(split.message());
    const QString reason = c.value(QStringLiteral("reason")).trimmed();
    if (reason.isEmpty())
        return c.usageError(QStringLiteral("Creating a rollout needs --reason TEXT"));
    RolloutPlanSpec spec;
    spec.split = split.value();
    spec.pilotGroup = request->pilotGroup;
    spec.windows = request->windows;
    spec.devicesPerMinute = request->settings.devicesPerMinute;
    spec.maxConcurrent = request->settings.maxConcurrent;
    spec.minutesPerDevice = request->settings.minutesPerDevice;
    spec.minutesBetweenWaves = request->settings.minutesBetweenWaves;
    spec.autoRollback = c.isSet(QStringLiteral("auto-rollback"));
    spec.requireApproval = c.isSet(QStringLiteral("require-approval"));
    spec.approvePilot = c.isSet(QStringLiteral("approve-pilot"));
    // Thresholds: whole numbers; each absent one keeps the plan's default.
    const auto readNumber = [&](const char *name, qint64 max, auto apply) -> Status {
        const QString option = QLatin1String(name);
        if (!c.isSet(option))
            return Status::success();
        auto n = c.integerOption(option, 0, 0, max);
        if (!n)
            return n.status();
        apply(n.value());
        return Status::success();
    };
    WaveThresholds &t = spec.thresholds;
    for (Status s :
         {readNumber("success-percent", 100, [&](qint64 v) { t.successPercent = int(v); }),
          readNumber("pause-percent", 100, [&](qint64 v) { t.pauseFailurePercent = int(v); }),
          readNumber("abort-percent", 100, [&](qint64 v) { t.abortFailurePercent = int(v); }),
          readNumber("pause-after", 1'000'000, [&](qint64 v) { t.pauseAfterFailures = v; }),
          readNumber("abort-after", 1'000'000, [&](qint64 v) { t.abortAfterFailures = v; }),
          readNumber("min-finished", 1'000'000, [&](qint64 v) { t.minFinishedForRate = v; })})
        if (!s)
            return c.usageError(s.message());
    if (Status s = spec.validate(); !s)
        return c.usageError(s.message());

    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    WorkspaceSession &ws = *session.value();
    RolloutTargeting targeting(ws.db());
    QList<qint64> targetIds;
    QList<qint64> pilotIds;
    if (Status s = resolveSelection(c, ws, targeting, request->pilotGroup, targetIds, pilotIds); !s)
        return c.fail(s.error());
    RolloutService service(ws.db(), ws.audit(), c.clock());
    auto created =
        service.create(c.argument(0), request->releaseId, targetIds, pilotIds, spec, reason);
    if (!created)
        return c.fail(created.error());
    auto stored = service.load(QString::number(created->id));
    if (!stored)
        return c.fail(stored.error());
    return printRollout(c, stored.value());
}

int RolloutCommands::list(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    WorkspaceSession &ws = *session.value();
    RolloutService service(ws.db(), ws.audit(), c.clock());
    auto rollouts = service.list();
    if (!rollouts)
        return c.fail(rollouts.error());
    if (c.out().isJson()) {
        QJsonArray list;
        for (const StoredRollout &r : rollouts.value())
            list.append(headerJson(r));
        c.out().json(QJsonObject{{QStringLiteral("rollouts"), list}});
        return ExitCodes::value(ExitCode::Ok);
    }
    if (rollouts->isEmpty()) {
        c.out().line(QStringLiteral("No rollouts."));
        return ExitCodes::value(ExitCode::Ok);
    }
    TextTable table({QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("RELEASE"),
                     QStringLiteral("STATE"), QStringLiteral("CREATED"), QStringLiteral("BY"),
                     QStringLiteral("REASON")});
    table.setRightAligned(0);
    for (const StoredRollout &r : rollouts.value())
        table.addRow({QString::number(r.id), r.name, QString::number(r.releaseId),
                      RolloutStates::displayName(r.state), isoOfMs(r.createdMs), r.createdBy,
                      TextTable::singleLine(r.reason, 40)});
    c.out().text(table.render());
    return ExitCodes::value(ExitCode::Ok);
}

int RolloutCommands::show(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    WorkspaceSession &ws = *session.value();
    RolloutService service(ws.db(), ws.audit(), c.clock());
    auto rollout = service.load(c.argument(0));
    if (!rollout)
        return c.fail(rollout.error());
    return printRollout(c, rollout.value());
}

int RolloutCommands::plan(CommandContext &c)
{
    auto request = parseRequest(c);
    if (!request)
        return c.usageError(request.message());
    auto split = parseSplit(c);
    if (!split)
        return c.usageError(split.message());

    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    WorkspaceSession &ws = *session.value();
    RolloutTargeting targeting(ws.db());

    QList<qint64> targetIds;
    QList<qint64> pilotIds;
    if (Status s = resolveSelection(c, ws, targeting, request->pilotGroup, targetIds, pilotIds); !s)
        return c.fail(s.error());

    // Pilot devices must pass the same checks as the targets: a lab device on the wrong model
    // proves nothing about the release.
    auto targets = targeting.evaluate(request->releaseId, targetIds + pilotIds);
    if (!targets)
        return c.fail(targets.error());
    const TargetingSchedules schedules =
        TargetingSchedules::build(targets->eligible, request->windows);
    for (const TargetingExclusion &e : schedules.excluded)
        targets->exclude(e);

    QHash<qint64, QString> uidOf;
    QHash<QString, QString> zoneOf;
    for (const TargetDevice &d : targets->eligible) {
        uidOf.insert(d.id, d.uid);
        if (!d.site.isEmpty())
            zoneOf.insert(d.uid, d.timeZone);
    }
    QStringList targetUids;
    QStringList pilotUids;
    const QSet<qint64> pilotSet(pilotIds.cbegin(), pilotIds.cend());
    for (const TargetDevice &d : targets->eligible)
        (pilotSet.contains(d.id) ? pilotUids : targetUids) << d.uid;

    const Release &release = targets->release;
    QJsonObject doc;
    doc.insert(QStringLiteral("release"),
               QJsonObject{{QStringLiteral("id"), release.id},
                           {QStringLiteral("name"), release.name},
                           {QStringLiteral("version"), release.version.toString()}});
    doc.insert(QStringLiteral("eligible"), targets->eligible.size());
    doc.insert(QStringLiteral("excluded"), exclusionsJson(targets->excluded));

    if (targets->eligible.isEmpty()) {
        const QString message =
            QStringLiteral("No device of the target set may take release %1 (%2 %3): %4 "
                           "excluded.")
                .arg(release.id)
                .arg(release.name, release.version.toString())
                .arg(targets->excluded.size());
        if (c.out().isJson()) {
            // The plan document with the error in it: one document, exclusions included, the
            // same keys as a plan so a script reads both alike.
            doc.insert(QStringLiteral("waves"), QJsonArray());
            doc.insert(QStringLiteral("devices"), QJsonArray());
            doc.insert(QStringLiteral("not_scheduled"), 0);
            doc.insert(QStringLiteral("end"), QJsonValue(QJsonValue::Null));
            doc.insert(QStringLiteral("error"),
                       CommandContext::errorDocument(ExitCode::InvalidInput,
                                                     QStringLiteral("invalid"), message)
                           .value(QStringLiteral("error")));
            c.out().json(doc);
        }
        printExclusions(c.out(), targets->excluded);
        c.out().error(message);
        return ExitCodes::value(ExitCode::InvalidInput);
    }

    auto plan = WavePlanner::plan(targetUids, pilotUids, targets->excludedForPlanner(), *split);
    if (!plan)
        return c.fail(plan.error());
    auto forecast = RolloutForecaster::forecast(*plan, schedules.siteOfDevice,
                                                schedules.scheduleOfSite, request->settings);
    if (!forecast)
        return c.fail(forecast.error());

    QStringList windowTexts;
    for (const MaintenanceWindow &w : request->windows)
        windowTexts << w.toString();
    doc.insert(QStringLiteral("settings"),
               QJsonObject{
                   {QStringLiteral("start"), isoUtc(request->settings.start)},
                   {QStringLiteral("rate_per_minute"), request->settings.devicesPerMinute},
                   {QStringLiteral("concurrency"), request->settings.maxConcurrent},
                   {QStringLiteral("minutes_per_device"), request->settings.minutesPerDevice},
                   {QStringLiteral("minutes_between_waves"), request->settings.minutesBetweenWaves},
                   {QStringLiteral("split"), split->describe()},
                   {QStringLiteral("pilot_group"), request->pilotGroup},
                   {QStringLiteral("windows"), QJsonArray::fromStringList(windowTexts)}});

    if (!c.out().isJson()) {
        c.out().line(
            QStringLiteral("Rollout plan for release %1 (%2 %3), starting %4: %5 "
                           "eligible, %6 excluded.")
                .arg(release.id)
                .arg(release.name, release.version.toString(), utcText(request->settings.start))
                .arg(targets->eligible.size())
                .arg(targets->excluded.size()));
        if (!windowTexts.isEmpty())
            c.out().line(QStringLiteral("Windows (each site's local time): %1")
                             .arg(windowTexts.join(QStringLiteral("; "))));
        printExclusions(c.out(), targets->excluded);
    }

    QJsonArray wavesJson;
    const QList<WaveTimeline> timeline = WaveTimeline::build(*plan, *forecast, zoneOf);
    for (const WaveTimeline &wave : timeline) {
        const QTimeZone zone =
            wave.sharedTimeZone.isEmpty() ? QTimeZone() : QTimeZone(wave.sharedTimeZone.toUtf8());
        // Without windows every device may start at any hour: saying so per device is noise.
        const QStringList withoutWindow =
            request->windows.isEmpty() ? QStringList() : wave.withoutWindow;
        QJsonArray notScheduled;
        for (const WaveTimeline::Unscheduled &u : wave.notScheduled)
            notScheduled.append(QJsonObject{{QStringLiteral("device"), u.deviceUid},
                                            {QStringLiteral("reason"), u.reason}});
        QJsonObject wj{
            {QStringLiteral("name"), wave.name},
            {QStringLiteral("pilot"), wave.isPilot},
            {QStringLiteral("devices"), QJsonArray::fromStringList(wave.deviceUids)},
            {QStringLiteral("scheduled"), wave.scheduled},
            {QStringLiteral("ready_at"), isoOrNull(wave.readyAt)},
            {QStringLiteral("first_start"), isoOrNull(wave.firstStart)},
            {QStringLiteral("last_finish"), isoOrNull(wave.lastFinish)},
            {QStringLiteral("not_scheduled"), notScheduled},
            {QStringLiteral("without_window"), QJsonArray::fromStringList(withoutWindow)}};
        if (zone.isValid()) {
            wj.insert(QStringLiteral("time_zone"), wave.sharedTimeZone);
            if (wave.firstStart.isValid())
                wj.insert(QStringLiteral("first_start_local"),
                          wave.firstStart.toTimeZone(zone).toString(Qt::ISODate));
            if (wave.lastFinish.isValid())
                wj.insert(QStringLiteral("last_finish_local"),
                          wave.lastFinish.toTimeZone(zone).toString(Qt::ISODate));
        }
        wavesJson.append(wj);

        if (c.out().isJson())
            continue;
        // A wave of thousands would bury the timeline: the text names the first few, --json
        // lists every device.
        constexpr qsizetype kNamedDevices = 20;
        QString named = wave.deviceUids.mid(0, kNamedDevices).join(QStringLiteral(", "));
        if (wave.deviceUids.size() > kNamedDevices)
            named += QStringLiteral(" and %1 more (--json lists all)")
                         .arg(wave.deviceUids.size() - kNamedDevices);
        c.out().line();
        c.out().line(QStringLiteral("%1: %2 device(s): %3")
                         .arg(wave.name)
                         .arg(wave.deviceUids.size())
                         .arg(named));
        const auto when = [&](const QDateTime &t) {
            if (!t.isValid())
                return QStringLiteral("not scheduled");
            return zone.isValid() ? QStringLiteral("%1 (%2 %3)")
                                        .arg(utcText(t), localText(t, zone), wave.sharedTimeZone)
                                  : utcText(t);
        };
        c.out().line(QStringLiteral("  first start: %1").arg(when(wave.firstStart)));
        c.out().line(QStringLiteral("  last finish: %1").arg(when(wave.lastFinish)));
        if (!wave.notScheduled.isEmpty()) {
            c.out().line(QStringLiteral("  not schedulable (%1):").arg(wave.notScheduled.size()));
            for (const WaveTimeline::Unscheduled &u : wave.notScheduled)
                c.out().line(QStringLiteral("    %1: %2").arg(u.deviceUid, u.reason));
        }
        if (!withoutWindow.isEmpty())
            c.out().line(QStringLiteral("  no maintenance window (no site), may start at any "
                                        "hour: %1")
                             .arg(withoutWindow.join(QStringLiteral(", "))));
    }
    doc.insert(QStringLiteral("waves"), wavesJson);

    QJsonArray devicesJson;
    for (const RolloutForecast::Device &d : forecast->devices())
        devicesJson.append(
            QJsonObject{{QStringLiteral("device"), d.uid},
                        {QStringLiteral("wave"), d.wave},
                        {QStringLiteral("site"), schedules.siteOfDevice.value(d.uid)},
                        {QStringLiteral("time_zone"), zoneOf.value(d.uid)},
                        {QStringLiteral("start"), isoOrNull(d.start)},
                        {QStringLiteral("finish"), isoOrNull(d.finish)},
                        {QStringLiteral("without_window"), d.withoutWindow},
                        {QStringLiteral("not_scheduled_reason"), d.notScheduledReason}});
    doc.insert(QStringLiteral("devices"), devicesJson);
    doc.insert(QStringLiteral("not_scheduled"), forecast->notScheduledCount());
    doc.insert(QStringLiteral("end"), isoOrNull(forecast->end()));

    if (c.out().isJson()) {
        c.out().json(doc);
    } else {
        c.out().line();
        c.out().line(QStringLiteral("Expected end: %1%2")
                         .arg(forecast->end().isValid() ? utcText(forecast->end())
                                                        : QStringLiteral("none (no device could "
                                                                         "be scheduled)"))
                         .arg(forecast->notScheduledCount() > 0
                                  ? QStringLiteral(" (%1 device(s) not schedulable)")
                                        .arg(forecast->notScheduledCount())
                                  : QString()));
    }
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
