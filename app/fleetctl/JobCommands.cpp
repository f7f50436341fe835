#include "JobCommands.h"

#include "CommandContext.h"
#include "DeviceSelection.h"
#include "TextTable.h"
#include "inventory/DeviceColumns.h"
#include "inventory/DeviceQuery.h"
#include "inventory/SavedFilters.h"
#include "jobs/JobService.h"
#include "jobs/JobStore.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <limits>

namespace fleet {

namespace {

constexpr qint64 kDefaultLimit = 50;

const QString kDelivery = QStringLiteral(
    "Jobs are delivered by a running 'fleetctl serve' or the Fleetdesk window connected to the "
    "broker: this command only writes the job into the workspace, where either picks it up "
    "within a second. A device that is offline gets it when it returns (QoS 1, persistent "
    "session).");

QJsonValue timeValue(const std::optional<qint64> &ms)
{
    if (!ms)
        return QJsonValue::Null;
    return QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString timeText(const std::optional<qint64> &ms)
{
    if (!ms)
        return QStringLiteral("-");
    return QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC).toString(Qt::ISODate);
}

QJsonObject jobJson(const Job &job)
{
    QJsonObject o{{QStringLiteral("job_id"), job.jobId},
                  {QStringLiteral("device"), job.deviceUid},
                  {QStringLiteral("kind"), job.kind},
                  {QStringLiteral("seq"), job.seq},
                  {QStringLiteral("state"), job.state},
                  {QStringLiteral("percent"),
                   job.percent ? QJsonValue(*job.percent) : QJsonValue(QJsonValue::Null)},
                  {QStringLiteral("reason"), job.reason},
                  {QStringLiteral("target_version"), job.targetVersion},
                  {QStringLiteral("origin"), job.origin},
                  {QStringLiteral("transport"), job.transport},
                  {QStringLiteral("release"),
                   job.releaseId ? QJsonValue(*job.releaseId) : QJsonValue(QJsonValue::Null)},
                  {QStringLiteral("cancel_requested"), timeValue(job.cancelRequestedMs)},
                  {QStringLiteral("finished"), job.isFinished()},
                  {QStringLiteral("created"), timeValue(job.createdMs)},
                  {QStringLiteral("sent"), timeValue(job.sentMs)},
                  {QStringLiteral("updated"), timeValue(job.updatedMs)},
                  {QStringLiteral("finished_at"), timeValue(job.finishedMs)},
                  {QStringLiteral("deadline"), timeValue(job.deadlineMs)}};
    return o;
}

QJsonObject eventJson(const JobEvent &e)
{
    return {{QStringLiteral("at"), timeValue(e.atMs)},
            {QStringLiteral("state"), e.state},
            {QStringLiteral("device_seq"),
             e.deviceSeq ? QJsonValue(*e.deviceSeq) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("percent"),
             e.percent ? QJsonValue(*e.percent) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("reason"), e.reason}};
}

QString percentText(const std::optional<int> &percent)
{
    return percent ? QStringLiteral("%1%").arg(*percent) : QString();
}

// "90s", "15m", "2h", "7d" -> milliseconds; nullopt when it is not one of those.
std::optional<qint64> durationMs(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^([0-9]{1,9})([smhd])$"));
    const auto m = pattern.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 n = m.captured(1).toLongLong();
    const QChar unit = m.captured(2).at(0);
    const qint64 factor = unit == QLatin1Char('s')   ? 1000
                          : unit == QLatin1Char('m') ? 60 * 1000
                          : unit == QLatin1Char('h') ? 3600 * 1000
                                                     : 24 * 3600 * 1000;
    return n * factor;
}

// The deadline from --deadline (RFC 3339 with a zone) or --deadline-in; an invalid QDateTime
// when neither is given. The error is a usage message.
Result<QDateTime> deadlineFrom(CommandContext &c)
{
    const bool absolute = c.isSet(QStringLiteral("deadline"));
    const bool relative = c.isSet(QStringLiteral("deadline-in"));
    if (absolute && relative)
        return Error::invalid(QStringLiteral("Give --deadline or --deadline-in, not both."));
    if (relative) {
        const auto ms = durationMs(c.value(QStringLiteral("deadline-in")));
        if (!ms || *ms <= 0)
            return Error::invalid(QStringLiteral("--deadline-in takes a duration such as 90s, "
                                                 "15m, 2h or 7d (it is '%1').")
                                      .arg(c.value(QStringLiteral("deadline-in"))));
        return c.clock().nowUtc().addMSecs(*ms);
    }
    if (!absolute)
        return QDateTime();
    const QString text = c.value(QStringLiteral("deadline"));
    const QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    // A time without a zone would be read in whatever zone this computer is in.
    if (!t.isValid() || t.timeSpec() == Qt::LocalTime)
        return Error::invalid(QStringLiteral("--deadline takes a time with a zone, such as "
                                             "2026-03-02T21:00:00Z or 2026-03-02T22:00:00+01:00 "
                                             "(it is '%1').")
                                  .arg(text));
    return t.toUTC();
}

QString kindList()
{
    return JobMessage::kindNames().join(QLatin1Char('|'));
}

} // namespace

QString JobCommands::summary() const
{
    return QStringLiteral("Send jobs to devices over MQTT (update, rollback, reboot, config, "
                          "decommission), list them, show their progress, cancel them.");
}

QList<CommandSpec> JobCommands::commands()
{
    CommandSpec send;
    send.name = QStringLiteral("send");
    send.summary = QStringLiteral("Create a job for one or more devices");
    send.description =
        QStringLiteral("Creates one job per device: --device UID (repeatable) and/or --filter "
                       "NAME (every device a saved filter matches now). update needs --url, "
                       "--size, --sha256, --signature and --target-version; rollback may carry "
                       "them; config needs at least one --set key=value; rollback and "
                       "decommission need --reason. Every job is audited (job.create).\n\n") +
        kDelivery;
    send.options = DeviceSelection::options();
    send.options << QList<QCommandLineOption>{
        QCommandLineOption(QStringLiteral("kind"),
                           QStringLiteral("What the device is to do (required): %1.")
                               .arg(JobMessage::kindNames().join(QStringLiteral(", "))),
                           QStringLiteral("KIND")),
        QCommandLineOption(QStringLiteral("url"), QStringLiteral("The artifact's http(s) URL."),
                           QStringLiteral("URL")),
        QCommandLineOption(QStringLiteral("size"), QStringLiteral("The artifact's size in bytes."),
                           QStringLiteral("BYTES")),
        QCommandLineOption(QStringLiteral("sha256"),
                           QStringLiteral("The artifact's SHA-256, 64 lower-case hex digits."),
                           QStringLiteral("HEX")),
        QCommandLineOption(QStringLiteral("signature"),
                           QStringLiteral("The artifact's signature (base64), which the device "
                                          "checks against its own keys."),
                           QStringLiteral("BASE64")),
        QCommandLineOption(QStringLiteral("target-version"),
                           QStringLiteral("The firmware version the job installs."),
                           QStringLiteral("VERSION")),
        QCommandLineOption(QStringLiteral("deadline"),
                           QStringLiteral("After this time (with a zone) the device rejects the "
                                          "job and Fleetdesk marks it timed_out."),
                           QStringLiteral("TIME")),
        QCommandLineOption(QStringLiteral("deadline-in"),
                           QStringLiteral("The deadline as a duration from now: 90s, 15m, 2h, 7d."),
                           QStringLiteral("DURATION")),
        QCommandLineOption(QStringLiteral("set"),
                           QStringLiteral("A configuration setting for a config job "
                                          "(repeatable)."),
                           QStringLiteral("KEY=VALUE")),
        QCommandLineOption(QStringLiteral("reason"),
                           QStringLiteral("Why, for the audit trail; required for rollback and "
                                          "decommission."),
                           QStringLiteral("TEXT")),
    };
    send.examples = {
        QStringLiteral("job send --device gw-0001 --kind reboot"),
        QStringLiteral("job send --filter line-3 --kind update --target-version 4.5.0 --url "
                       "https://updates.example/gw/4.5.0.swu --size 48234496 --sha256 9f86d0... "
                       "--signature MEUCIQ... --deadline-in 8h"),
        QStringLiteral("job send --device gw-0002 --kind config --set log.level=debug"),
        QStringLiteral("job send --device gw-0003 --kind decommission --reason \"end of life\""),
    };
    send.run = [this](CommandContext &c) {
        return this->send(c);
    };

    CommandSpec list;
    list.name = QStringLiteral("list");
    list.summary = QStringLiteral("List jobs, newest first");
    list.description = QStringLiteral("Lists jobs with their state and progress, newest first. "
                                      "States: %1.")
                           .arg(Job::stateNames().join(QStringLiteral(", ")));
    list.options = {
        QCommandLineOption(QStringLiteral("device"), QStringLiteral("Only this device's jobs."),
                           QStringLiteral("UID")),
        QCommandLineOption(QStringLiteral("state"), QStringLiteral("Only jobs in this state."),
                           QStringLiteral("STATE")),
        QCommandLineOption(QStringLiteral("unfinished"),
                           QStringLiteral("Only jobs that have not finished.")),
        QCommandLineOption(QStringLiteral("limit"),
                           QStringLiteral("At most N jobs (default %1).").arg(kDefaultLimit),
                           QStringLiteral("N")),
        QCommandLineOption(QStringLiteral("offset"), QStringLiteral("Skip the first N jobs."),
                           QStringLiteral("N")),
    };
    list.examples = {QStringLiteral("job list --device gw-0001"),
                     QStringLiteral("job list --state failed --json")};
    list.run = [this](CommandContext &c) {
        return this->list(c);
    };

    CommandSpec show;
    show.name = QStringLiteral("show");
    show.summary = QStringLiteral("Show one job with everything that happened to it");
    show.description = QStringLiteral("Shows a job's fields, the payload sent to the device and "
                                      "its events: created, sent, every report of the device, "
                                      "cancelled or timed out.");
    show.arguments = {
        {QStringLiteral("JOB_ID"), QStringLiteral("The job's id (j-...)."), true, false}};
    show.examples = {QStringLiteral("job show j-20260302-ab3k9q2mxe")};
    show.run = [this](CommandContext &c) {
        return this->show(c);
    };

    CommandSpec cancel;
    cancel.name = QStringLiteral("cancel");
    cancel.summary = QStringLiteral("Cancel a job that has not finished");
    cancel.description = QStringLiteral(
        "Marks a job that has not finished as cancelled (audited; --reason required). A job not "
        "yet sent is never sent. Protocol v1 has no cancel message: a device that already "
        "received the job may still run it; what it reports is recorded as events, but the job "
        "stays cancelled.");
    cancel.arguments = {
        {QStringLiteral("JOB_ID"), QStringLiteral("The job's id (j-...)."), true, false}};
    cancel.options = {QCommandLineOption(QStringLiteral("reason"),
                                         QStringLiteral("Why, for the audit trail (required)."),
                                         QStringLiteral("TEXT"))};
    cancel.examples = {QStringLiteral("job cancel j-20260302-ab3k9q2mxe --reason \"wrong image\"")};
    cancel.run = [this](CommandContext &c) {
        return this->cancel(c);
    };

    return {send, list, show, cancel};
}

int JobCommands::send(CommandContext &c)
{
    if (!c.isSet(QStringLiteral("kind")))
        return c.usageError(QStringLiteral("--kind is required: %1.").arg(kindList()));
    const auto kind = JobMessage::kindFromName(c.value(QStringLiteral("kind")));
    if (!kind)
        return c.usageError(QStringLiteral("Unknown kind '%1'; expected %2.")
                                .arg(c.value(QStringLiteral("kind")), kindList()));
    if (!DeviceSelection::isGiven(c))
        return c.usageError(QStringLiteral("Name the devices: --device UID (repeatable) and/or "
                                           "--filter NAME."));

    JobRequest request;
    request.kind = *kind;
    request.origin = QStringLiteral("fleetctl");
    request.reason = c.value(QStringLiteral("reason"));
    request.targetVersion = c.value(QStringLiteral("target-version"));
    const QStringList artifactOptions{QStringLiteral("url"), QStringLiteral("size"),
                                      QStringLiteral("sha256"), QStringLiteral("signature")};
    const bool anyArtifact = std::any_of(artifactOptions.begin(), artifactOptions.end(),
                                         [&](const QString &o) { return c.isSet(o); });
    if (anyArtifact) {
        for (const QString &o : artifactOptions)
            if (!c.isSet(o))
                return c.usageError(QStringLiteral("An artifact needs --url, --size, --sha256 "
                                                   "and --signature; --%1 is missing.")
                                        .arg(o));
        auto size =
            c.integerOption(QStringLiteral("size"), 0, 1, std::numeric_limits<qint64>::max());
        if (!size)
            return c.usageError(size.message());
        request.artifact =
            JobArtifact{c.value(QStringLiteral("url")), size.value(),
                        c.value(QStringLiteral("sha256")), c.value(QStringLiteral("signature"))};
    }
    for (const QString &setting : c.values(QStringLiteral("set"))) {
        const qsizetype eq = setting.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return c.usageError(QStringLiteral("--set takes KEY=VALUE (it is '%1').").arg(setting));
        request.settings.insert(setting.left(eq), setting.mid(eq + 1));
    }
    auto deadline = deadlineFrom(c);
    if (!deadline)
        return c.usageError(deadline.message());
    request.deadline = deadline.value();

    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    WorkspaceSession &ws = *session.value();
    auto ids = DeviceSelection::resolve(c, ws);
    if (!ids)
        return c.fail(ids.error());
    JobService service(ws.db(), ws.audit());
    auto jobs = service.create(ids.value(), request);
    if (!jobs)
        return c.fail(jobs.error());

    if (c.out().isJson()) {
        QJsonArray array;
        for (const Job &job : jobs.value())
            array.append(jobJson(job));
        c.out().json(QJsonObject{{QStringLiteral("created"), array}});
        return ExitCodes::value(ExitCode::Ok);
    }
    TextTable table({QStringLiteral("JOB"), QStringLiteral("DEVICE"), QStringLiteral("KIND"),
                     QStringLiteral("SEQ")});
    for (const Job &job : jobs.value())
        table.addRow({job.jobId, job.deviceUid, job.kind, QString::number(job.seq)});
    c.out().text(table.render());
    c.out().line(QStringLiteral("%1 %2 created; a running 'fleetctl serve' or the Fleetdesk "
                                "window connected to the broker sends them.")
                     .arg(jobs->size())
                     .arg(jobs->size() == 1 ? QStringLiteral("job") : QStringLiteral("jobs")));
    return ExitCodes::value(ExitCode::Ok);
}

int JobCommands::list(CommandContext &c)
{
    auto limit =
        c.integerOption(QStringLiteral("limit"), kDefaultLimit, 0, std::numeric_limits<int>::max());
    if (!limit)
        return c.usageError(limit.message());
    auto offset =
        c.integerOption(QStringLiteral("offset"), 0, 0, std::numeric_limits<qint64>::max());
    if (!offset)
        return c.usageError(offset.message());
    JobListFilter filter;
    filter.deviceUid = c.value(QStringLiteral("device"));
    filter.state = c.value(QStringLiteral("state"));
    filter.unfinishedOnly = c.isSet(QStringLiteral("unfinished"));
    if (!filter.state.isEmpty() && !Job::stateNames().contains(filter.state))
        return c.usageError(QStringLiteral("Unknown state '%1'; expected one of: %2.")
                                .arg(filter.state, Job::stateNames().join(QStringLiteral(", "))));
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    JobStore store(session.value()->db());
    auto total = store.count(filter);
    if (!total)
        return c.fail(total.error());
    auto jobs = store.list(filter, offset.value(), int(limit.value()));
    if (!jobs)
        return c.fail(jobs.error());
    if (c.out().isJson()) {
        QJsonArray array;
        for (const Job &job : jobs.value())
            array.append(jobJson(job));
        c.out().json(QJsonObject{{QStringLiteral("total"), total.value()},
                                 {QStringLiteral("offset"), offset.value()},
                                 {QStringLiteral("jobs"), array}});
        return ExitCodes::value(ExitCode::Ok);
    }
    if (jobs->isEmpty()) {
        c.out().line(QStringLiteral("No jobs."));
        return ExitCodes::value(ExitCode::Ok);
    }
    TextTable table({QStringLiteral("JOB"), QStringLiteral("DEVICE"), QStringLiteral("KIND"),
                     QStringLiteral("STATE"), QStringLiteral("%"), QStringLiteral("CREATED"),
                     QStringLiteral("UPDATED"), QStringLiteral("REASON")});
    table.setRightAligned(4);
    table.setMaxWidth(7, 40);
    for (const Job &job : jobs.value())
        table.addRow({job.jobId, job.deviceUid, job.kind, job.state, percentText(job.percent),
                      timeText(job.createdMs), timeText(job.updatedMs), job.reason});
    c.out().text(table.render());
    if (offset.value() + jobs->size() < total.value())
        c.out().line(QStringLiteral("%1 of %2 jobs shown; --offset %3 for more.")
                         .arg(jobs->size())
                         .arg(total.value())
                         .arg(offset.value() + jobs->size()));
    return ExitCodes::value(ExitCode::Ok);
}

int JobCommands::show(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    JobStore store(session.value()->db());
    auto job = store.loadByJobId(c.argument(0));
    if (!job)
        return c.fail(job.error());
    auto events = store.events(job->row);
    if (!events)
        return c.fail(events.error());
    if (c.out().isJson()) {
        QJsonObject doc = jobJson(job.value());
        doc.insert(QStringLiteral("payload"), QJsonDocument::fromJson(job->payload).object());
        QJsonArray array;
        for (const JobEvent &e : events.value())
            array.append(eventJson(e));
        doc.insert(QStringLiteral("events"), array);
        c.out().json(doc);
        return ExitCodes::value(ExitCode::Ok);
    }
    const Job &j = job.value();
    Output &out = c.out();
    out.line(QStringLiteral("Job:            %1").arg(j.jobId));
    out.line(QStringLiteral("Device:         %1").arg(j.deviceUid));
    out.line(QStringLiteral("Kind:           %1").arg(j.kind));
    if (!j.targetVersion.isEmpty())
        out.line(QStringLiteral("Target version: %1").arg(j.targetVersion));
    out.line(QStringLiteral("State:          %1%2")
                 .arg(j.state, j.percent ? QStringLiteral(" (%1%)").arg(*j.percent) : QString()));
    if (!j.reason.isEmpty())
        out.line(QStringLiteral("Reason:         %1").arg(j.reason));
    out.line(QStringLiteral("Seq:            %1").arg(j.seq));
    out.line(QStringLiteral("Origin:         %1").arg(j.origin));
    out.line(QStringLiteral("Created:        %1").arg(timeText(j.createdMs)));
    out.line(QStringLiteral("Sent:           %1").arg(timeText(j.sentMs)));
    out.line(QStringLiteral("Deadline:       %1").arg(timeText(j.deadlineMs)));
    out.line(QStringLiteral("Finished:       %1").arg(timeText(j.finishedMs)));
    out.line(QStringLiteral("Payload:        %1").arg(QString::fromUtf8(j.payload)));
    out.line();
    out.line(QStringLiteral("Events:"));
    TextTable table({QStringLiteral("AT"), QStringLiteral("STATE"), QStringLiteral("%"),
                     QStringLiteral("DEVICE SEQ"), QStringLiteral("REASON")});
    table.setRightAligned(2);
    table.setRightAligned(3);
    for (const JobEvent &e : events.value())
        table.addRow({timeText(e.atMs), e.state, percentText(e.percent),
                      e.deviceSeq ? QString::number(*e.deviceSeq) : QString(), e.reason});
    out.text(table.render(2));
    return ExitCodes::value(ExitCode::Ok);
}

int JobCommands::cancel(CommandContext &c)
{
    if (c.value(QStringLiteral("reason")).trimmed().isEmpty())
        return c.usageError(QStringLiteral("--reason is required: cancelling is audited."));
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    JobService service(session.value()->db(), session.value()->audit());
    auto job = service.cancel(c.argument(0), c.value(QStringLiteral("reason")));
    if (!job)
        return c.fail(job.error());
    if (c.out().isJson()) {
        c.out().json(jobJson(job.value()));
        return ExitCodes::value(ExitCode::Ok);
    }
    if (!job->isFinished() && job->cancelRequestedMs) {
        c.out().line(QStringLiteral("Cancelling job %1 for %2 was requested: the device's DDI "
                                    "client is asked on its next poll, and the job ends as "
                                    "cancelled when it confirms.")
                         .arg(job->jobId, job->deviceUid));
        return ExitCodes::value(ExitCode::Ok);
    }
    c.out().line(QStringLiteral("Job %1 for %2 cancelled.").arg(job->jobId, job->deviceUid));
    if (job->sentMs && job->transport == Job::mqttTransport())
        c.out().line(QStringLiteral("It was already sent: protocol v1 has no cancel message, so "
                                    "the device may still run it."));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
