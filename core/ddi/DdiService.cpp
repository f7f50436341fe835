#include "ddi/DdiService.h"

#include "audit/AuditHeadAnchor.h"
#include "audit/AuditLog.h"
#include "ddi/ArtifactLink.h"
#include "ddi/DdiActionTransition.h"
#include "ddi/DdiConfigData.h"
#include "ddi/DdiFeedback.h"
#include "ddi/DdiLiveness.h"
#include "ddi/DdiResources.h"
#include "firmware/ArtifactServeGate.h"
#include "firmware/Release.h"
#include "firmware/ReleaseRepository.h"
#include "inventory/DeviceRepository.h"
#include "jobs/JobStore.h"
#include "storage/SqliteDatabase.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QUrlQuery>

namespace fleet {

Q_LOGGING_CATEGORY(lcDdi, "fleet.ddi")

namespace {

// The inventory columns a DDI client may report through configData, by the attribute names
// clients use.
struct AttributeColumn
{
    const char *attribute;
    QString Device::*field;
};
const AttributeColumn kAttributeColumns[] = {
    {"hwRevision", &Device::hwRevision},
    {"hw_revision", &Device::hwRevision},
    {"model", &Device::model},
    {"serial", &Device::serial},
    {"vendor", &Device::vendor},
    {"mac", &Device::mac},
    {"ip", &Device::ip},
    {"hostname", &Device::hostname},
};

bool methodIs(const DdiRequest &request, const char *method)
{
    return request.method == method;
}

DdiReply methodNotAllowed(const char *allowed)
{
    DdiReply r = DdiReply::error(
        405, QStringLiteral("Method not allowed; use %1").arg(QLatin1String(allowed)));
    r.headers.append({QByteArrayLiteral("Allow"), QByteArray(allowed)});
    return r;
}

QString joinedDetails(const QStringList &details)
{
    // The details can be a device's whole install log; the job keeps a bounded summary, the
    // events and the audit entry the lines themselves (already bounded by DdiFeedback).
    QString text = details.join(QStringLiteral(" | "));
    if (text.size() > 1000)
        text = text.left(999) + QChar(0x2026);
    return text;
}

QJsonObject feedbackJson(const DdiFeedback &f)
{
    QJsonObject o{{QStringLiteral("execution"), DdiFeedback::executionName(f.execution)},
                  {QStringLiteral("finished"), DdiFeedback::finishedName(f.finished)}};
    if (f.hasProgress)
        o.insert(QStringLiteral("progress"),
                 QStringLiteral("%1/%2").arg(f.progressCount).arg(f.progressOf));
    if (!f.details.isEmpty())
        o.insert(QStringLiteral("details"), QJsonArray::fromStringList(f.details));
    return o;
}

} // namespace

DdiService::DdiService(SqliteDatabase &db, const Clock &clock, ArtifactServeGate &gate,
                       DdiLiveness &liveness, DdiServiceSettings settings, QString workspacePath)
    : m_db(db)
    , m_clock(clock)
    , m_gate(gate)
    , m_liveness(liveness)
    , m_settings(std::move(settings))
    , m_workspacePath(std::move(workspacePath))
{}

Result<QUrl> DdiService::linkBase(const DdiRequest &request, const QUrl &publicBase)
{
    if (!publicBase.isEmpty())
        return publicBase;
    // The Host header ends up in every link the device follows: only a plain name or address
    // with an optional port is accepted, never something that could redirect elsewhere.
    static const QRegularExpression kHost(
        QStringLiteral("^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\])"
                       "(?::[0-9]{1,5})?$"));
    const QString host = QString::fromLatin1(request.host);
    if (host.isEmpty() || !kHost.match(host).hasMatch())
        return Error::invalid(QStringLiteral("The Host header is missing or not a host[:port]"));
    return QUrl((request.secure ? QStringLiteral("https://") : QStringLiteral("http://")) + host);
}

Actor DdiService::actorFor(const Caller &caller)
{
    Actor actor = Actor::current();
    actor.operatorName =
        caller.identity.kind == DdiIdentity::Kind::Gateway
            ? QStringLiteral("gateway %1 for %2").arg(caller.identity.gatewayName, caller.deviceUid)
            : QStringLiteral("device %1").arg(caller.deviceUid);
    return actor;
}

DdiReply DdiService::handle(const DdiRequest &request)
{
    const QByteArray artifactsPrefix = '/' + m_settings.tenant.toUtf8() + "/artifacts/";
    if (request.target.startsWith(artifactsPrefix))
        return methodIs(request, "GET") || methodIs(request, "HEAD")
                   ? linkedArtifact(request)
                   : methodNotAllowed("GET, HEAD");
    auto path = DdiPath::parse(request.target);
    if (!path)
        return DdiReply::error(404, QStringLiteral("Not a DDI resource: %1").arg(path.message()));
    // hawkBit's tenant names are case-insensitive; rauc-hawkbit-updater sends "DEFAULT".
    if (path->tenant().compare(m_settings.tenant, Qt::CaseInsensitive) != 0)
        return DdiReply::error(404, QStringLiteral("Unknown tenant"));
    DdiReply refusal;
    auto caller = authenticate(request, path.value(), refusal);
    if (!caller)
        return refusal;

    using R = DdiPath::Resource;
    switch (path->resource()) {
    case R::Base:
        return methodIs(request, "GET") ? poll(request, caller.value()) : methodNotAllowed("GET");
    case R::DeploymentBase:
        return methodIs(request, "GET") ? deployment(request, path.value(), caller.value())
                                        : methodNotAllowed("GET");
    case R::DeploymentFeedback:
        return methodIs(request, "POST") ? feedback(request, path.value(), caller.value())
                                         : methodNotAllowed("POST");
    case R::CancelAction:
        return methodIs(request, "GET") ? cancelAction(request, path.value(), caller.value())
                                        : methodNotAllowed("GET");
    case R::CancelFeedback:
        return methodIs(request, "POST") ? cancelFeedback(request, path.value(), caller.value())
                                         : methodNotAllowed("POST");
    case R::ConfigData:
        return methodIs(request, "PUT") ? configData(request, caller.value())
                                        : methodNotAllowed("PUT");
    case R::Artifact:
    case R::ArtifactMd5Sum:
        return methodIs(request, "GET") || methodIs(request, "HEAD")
                   ? artifact(request, path.value(), caller.value())
                   : methodNotAllowed("GET, HEAD");
    case R::InstalledBase:
        return DdiReply::error(404, QStringLiteral("installedBase is not offered by this server"));
    }
    return DdiReply::error(404, QStringLiteral("Unknown resource"));
}

Result<DdiService::Caller> DdiService::authenticate(const DdiRequest &request, const DdiPath &path,
                                                    DdiReply &refusal)
{
    auto unauthorized = [&](const QString &why) {
        refusal = DdiReply::error(401, why);
        refusal.headers.append({QByteArrayLiteral("WWW-Authenticate"),
                                QByteArrayLiteral("TargetToken, GatewayToken")});
        return Error::invalid(why);
    };
    const QByteArray header = request.authorization.trimmed();
    const qsizetype space = header.indexOf(' ');
    if (header.isEmpty() || space < 0)
        return unauthorized(QStringLiteral("A TargetToken or GatewayToken is required"));
    const QByteArray scheme = header.left(space).toLower();
    DdiIdentity::Kind kind;
    if (scheme == "targettoken")
        kind = DdiIdentity::Kind::Target;
    else if (scheme == "gatewaytoken")
        kind = DdiIdentity::Kind::Gateway;
    else
        return unauthorized(QStringLiteral("Only TargetToken and GatewayToken are accepted"));
    DdiCredentialStore credentials(m_db);
    auto identity =
        credentials.authenticate(kind, QString::fromLatin1(header.mid(space + 1).trimmed()));
    if (!identity) {
        refusal = DdiReply::error(500, QStringLiteral("The credentials cannot be checked"));
        qCWarning(lcDdi).noquote() << "token look-up failed:" << identity.message();
        return identity.error();
    }
    if (!identity->has_value())
        return unauthorized(QStringLiteral("The token is not valid"));

    Caller caller;
    caller.identity = identity->value();
    DeviceRepository devices(m_db);
    auto id = devices.idForUid(path.controllerId());
    if (!id) {
        refusal = DdiReply::error(500, QStringLiteral("The inventory cannot be read"));
        return id.error();
    }
    if (caller.identity.kind == DdiIdentity::Kind::Target) {
        // A device's token speaks for that device only: asking as another is refused without
        // saying whether the other device exists.
        if (!id->has_value() || id->value() != caller.identity.deviceId) {
            refusal = DdiReply::error(403, QStringLiteral("This token does not belong to "
                                                          "controller %1")
                                               .arg(path.controllerId()));
            qCWarning(lcDdi).noquote() << request.peer << "used the token of device"
                                       << caller.identity.deviceId << "for" << path.controllerId();
            return Error::invalid(QStringLiteral("token of another device"));
        }
    } else if (!id->has_value()) {
        refusal = DdiReply::error(
            404, QStringLiteral("Controller %1 is not in the inventory").arg(path.controllerId()));
        return Error::notFound(QStringLiteral("unknown controller"));
    }
    caller.deviceId = id->value();
    caller.deviceUid = path.controllerId();
    return caller;
}

QString DdiService::artifactFileName(const Release &release)
{
    if (DdiPath::isValidFileName(release.fileName))
        return release.fileName;
    return QStringLiteral("%1-%2.bin").arg(release.sha256.left(16), release.version.toString());
}

Result<Release> DdiService::releaseWithDigests(qint64 releaseId)
{
    ReleaseRepository releases(m_db);
    auto release = releases.load(releaseId);
    if (!release)
        return release.error();
    if (!release->sha1.isEmpty() && !release->md5.isEmpty())
        return release;
    // Imported before the server knew SHA-1 and MD5: the serve gate hashes the file (and
    // checks it) once, and the digests are kept.
    auto served = m_gate.open(m_db, releaseId);
    if (!served)
        return served.error();
    if (Status s = releases.setDigests(releaseId, served->release.sha1, served->release.md5); !s)
        qCWarning(lcDdi).noquote()
            << "cannot store the digests of release" << releaseId << ":" << s.message();
    return served->release;
}

Result<DdiDeployment> DdiService::deploymentFor(const Job &job)
{
    if (!job.releaseId)
        return Error::invalid(QStringLiteral("DDI job %1 names no release").arg(job.jobId));
    auto release = releaseWithDigests(*job.releaseId);
    if (!release)
        return release.error();
    DdiDeployment deployment;
    deployment.actionId = job.row;
    DdiChunk chunk;
    chunk.moduleId = release->id;
    chunk.part = QStringLiteral("os");
    chunk.version = release->version.toString();
    chunk.name = release->name;
    chunk.artifacts << DdiArtifact{artifactFileName(release.value()), release->sha1, release->md5,
                                   release->sha256, release->size};
    deployment.chunks << chunk;
    return deployment;
}

std::optional<Job> DdiService::actionOf(const Caller &caller, qint64 actionId, DdiReply &refusal)
{
    JobStore jobs(m_db);
    auto job = jobs.load(actionId);
    if (!job || job->deviceId != caller.deviceId || job->transport != Job::ddiTransport()) {
        refusal = DdiReply::error(
            404,
            QStringLiteral("Action %1 is not an action of %2").arg(actionId).arg(caller.deviceUid));
        return std::nullopt;
    }
    return job.value();
}

Result<DdiResources> DdiService::resourcesFor(const DdiRequest &request, const Caller &caller) const
{
    auto base = linkBase(request, m_settings.publicBase);
    if (!base)
        return base.error();
    const bool https = base->scheme() == QLatin1String("https");
    return DdiResources::make(m_settings.tenant, caller.deviceUid, https ? base.value() : QUrl(),
                              https ? QUrl() : base.value());
}

DdiReply DdiService::poll(const DdiRequest &request, const Caller &caller)
{
    m_liveness.note(caller.deviceId, m_clock.nowMs());
    auto resources = resourcesFor(request, caller);
    if (!resources)
        return DdiReply::error(400, resources.message());

    DdiPollLinks links;
    JobStore jobs(m_db);
    auto open = jobs.openDdiAction(caller.deviceId);
    if (!open)
        return DdiReply::error(500, QStringLiteral("The device's actions cannot be read"));
    if (open->has_value()) {
        const Job &job = open->value();
        if (job.cancelRequestedMs) {
            links.cancelActionId = job.row;
        } else {
            auto deployment = deploymentFor(job);
            if (!deployment) {
                qCWarning(lcDdi).noquote() << "action" << job.row << "of" << caller.deviceUid
                                           << "cannot be offered:" << deployment.message();
            } else {
                links.deployment = deployment.value();
            }
        }
    }
    auto attributes = m_db.scalar(
        QStringLiteral("SELECT 1 FROM ddi_attributes WHERE device_id = ?"), {caller.deviceId});
    links.wantConfigData = attributes && !attributes->isValid();
    auto answer = resources->controllerBase(m_settings.pollInterval, links);
    if (!answer)
        return DdiReply::error(500, answer.message());
    return DdiReply::ofJson(answer.value());
}

DdiReply DdiService::deployment(const DdiRequest &request, const DdiPath &path,
                                const Caller &caller)
{
    DdiReply refusal;
    auto job = actionOf(caller, path.actionId(), refusal);
    if (!job)
        return refusal;
    if (job->isFinished())
        return DdiReply::error(
            410, QStringLiteral("Action %1 is finished (%2)").arg(job->row).arg(job->state));
    auto resources = resourcesFor(request, caller);
    if (!resources)
        return DdiReply::error(400, resources.message());
    auto deployment = deploymentFor(*job);
    if (!deployment)
        return DdiReply::error(
            500, QStringLiteral("The deployment cannot be offered: %1").arg(deployment.message()));
    auto document = resources->deploymentBase(deployment.value());
    if (!document)
        return DdiReply::error(500, document.message());
    if (job->state == Job::createdState()) {
        // The device has now been told about the action: the job is "sent".
        const qint64 nowMs = m_clock.nowMs();
        JobStore jobs(m_db);
        SqliteTransaction tx(m_db);
        if (auto marked = jobs.markSent(job->row, nowMs); marked && marked.value()) {
            (void)jobs.recordEvent(job->row,
                                   {0, nowMs, std::nullopt, Job::sentState(), std::nullopt,
                                    QStringLiteral("deployment fetched by the device")});
            if (Status s = tx.commit(); !s)
                qCWarning(lcDdi).noquote()
                    << "cannot mark action" << job->row << "sent:" << s.message();
        }
    }
    return DdiReply::ofJson(document.value());
}

std::optional<DdiService::OpenFeedback> DdiService::openFeedback(const DdiRequest &request,
                                                                 const DdiPath &path,
                                                                 const Caller &caller,
                                                                 DdiReply &refusal)
{
    if (request.body.size() > DdiFeedback::maxBodyBytes) {
        refusal = DdiReply::error(
            413, QStringLiteral("Feedback is limited to %1 bytes").arg(DdiFeedback::maxBodyBytes));
        return std::nullopt;
    }
    auto parsed = DdiFeedback::parse(request.body);
    if (!parsed) {
        refusal = DdiReply::error(400, QStringLiteral("Bad feedback: %1").arg(parsed.message()));
        return std::nullopt;
    }
    if (parsed->actionId != 0 && parsed->actionId != path.actionId()) {
        refusal = DdiReply::error(400, QStringLiteral("The feedback is about action %1, not %2")
                                           .arg(parsed->actionId)
                                           .arg(path.actionId()));
        return std::nullopt;
    }
    auto job = actionOf(caller, path.actionId(), refusal);
    if (!job)
        return std::nullopt;
    if (job->isFinished()) {
        refusal = DdiReply::error(
            410, QStringLiteral("Action %1 is finished (%2)").arg(job->row).arg(job->state));
        return std::nullopt;
    }
    return OpenFeedback{parsed.value(), job.value()};
}

DdiReply DdiService::recordFeedback(AuditedChange &tx, const QString &action, const Caller &caller,
                                    const OpenFeedback &open, const QString &state)
{
    QJsonObject after = feedbackJson(open.feedback);
    after.insert(QStringLiteral("state"), state);
    after.insert(QStringLiteral("job"), open.job.jobId);
    if (Status s = tx.record({action,
                              QStringLiteral("device"),
                              caller.deviceUid,
                              QJsonObject{{QStringLiteral("state"), open.job.state}},
                              after,
                              {}});
        !s)
        return DdiReply::error(500, s.message());
    if (Status s = tx.commit(); !s)
        return DdiReply::error(
            503, QStringLiteral("The feedback was not stored: %1; send it again").arg(s.message()));
    return DdiReply::noContent();
}

DdiReply DdiService::feedback(const DdiRequest &request, const DdiPath &path, const Caller &caller)
{
    DdiReply refusal;
    const auto open = openFeedback(request, path, caller, refusal);
    if (!open)
        return refusal;
    const DdiFeedback *parsed = &open->feedback;
    const Job *job = &open->job;
    const DdiActionTransition transition = DdiActionTransition::forDeployment(*parsed);
    if (transition.effect == DdiActionTransition::Effect::Invalid)
        return DdiReply::error(409, QStringLiteral("\"%1\" is only accepted as cancelAction "
                                                   "feedback")
                                        .arg(DdiFeedback::executionName(parsed->execution)));

    const qint64 nowMs = m_clock.nowMs();
    AuditLog audit(m_db, m_clock, actorFor(caller),
                   AuditHeadAnchor::pathForWorkspace(m_workspacePath));
    AuditedChange tx(m_db, audit);
    if (!tx.beginStatus())
        return DdiReply::error(503, QStringLiteral("The workspace is busy; send it again"));
    JobStore jobs(m_db);
    const QString reason = joinedDetails(parsed->details);
    if (Status s = jobs.recordEvent(
            job->row, {0, nowMs, std::nullopt, transition.state, transition.percent, reason});
        !s)
        return DdiReply::error(500, s.message());
    if (Status s = jobs.applyState(job->row, transition.state, transition.percent, reason, nowMs);
        !s)
        return DdiReply::error(500, s.message());
    if (transition.state == QLatin1String("succeeded")) {
        DeviceRepository devices(m_db);
        auto device = devices.load(caller.deviceId);
        if (!device)
            return DdiReply::error(500, device.message());
        if (device->fwVersion != job->targetVersion) {
            if (Status s = m_db.execute(QStringLiteral("UPDATE devices SET fw_previous = "
                                                       "fw_version, fw_version = ? WHERE id = ?"),
                                        {job->targetVersion, caller.deviceId});
                !s)
                return DdiReply::error(500, s.message());
            if (Status s = devices.recordFirmwareChange(
                    caller.deviceId, {m_clock.nowUtc(), device->fwVersion, job->targetVersion,
                                      QStringLiteral("ddi %1 %2").arg(job->kind, job->jobId)});
                !s)
                return DdiReply::error(500, s.message());
        }
    }
    const DdiReply reply =
        recordFeedback(tx, QStringLiteral("ddi.feedback"), caller, *open, transition.state);
    if (reply.status == 200)
        qCInfo(lcDdi).noquote() << caller.deviceUid << "action" << job->row
                                << DdiFeedback::executionName(parsed->execution) << "->"
                                << transition.state;
    return reply;
}

DdiReply DdiService::cancelAction(const DdiRequest &, const DdiPath &path, const Caller &caller)
{
    DdiReply refusal;
    auto job = actionOf(caller, path.actionId(), refusal);
    if (!job)
        return refusal;
    if (!job->cancelRequestedMs && !(job->isFinished() && job->state == Job::cancelledState()))
        return DdiReply::error(404,
                               QStringLiteral("Action %1 is not being cancelled").arg(job->row));
    // The cancel document carries no links, so the base URL does not matter here.
    auto resources =
        DdiResources::make(m_settings.tenant, caller.deviceUid, QUrl(QStringLiteral("https://x")));
    if (!resources)
        return DdiReply::error(400, resources.message());
    auto document = resources->cancelAction(job->row, job->row);
    if (!document)
        return DdiReply::error(500, document.message());
    return DdiReply::ofJson(document.value());
}

DdiReply DdiService::cancelFeedback(const DdiRequest &request, const DdiPath &path,
                                    const Caller &caller)
{
    DdiReply refusal;
    const auto open = openFeedback(request, path, caller, refusal);
    if (!open)
        return refusal;
    const DdiFeedback *parsed = &open->feedback;
    const Job *job = &open->job;
    if (!job->cancelRequestedMs)
        return DdiReply::error(409,
                               QStringLiteral("Action %1 is not being cancelled").arg(job->row));
    const DdiActionTransition transition = DdiActionTransition::forCancel(*parsed);
    const qint64 nowMs = m_clock.nowMs();
    AuditLog audit(m_db, m_clock, actorFor(caller),
                   AuditHeadAnchor::pathForWorkspace(m_workspacePath));
    AuditedChange tx(m_db, audit);
    if (!tx.beginStatus())
        return DdiReply::error(503, QStringLiteral("The workspace is busy; send it again"));
    JobStore jobs(m_db);
    const QString reason = joinedDetails(parsed->details);
    QString eventState;
    switch (transition.effect) {
    case DdiActionTransition::Effect::CancelConfirmed:
        eventState = Job::cancelledState();
        if (Status s = jobs.applyState(job->row, eventState, std::nullopt,
                                       reason.isEmpty() ? QStringLiteral("cancelled by the "
                                                                         "device on request")
                                                        : reason,
                                       nowMs);
            !s)
            return DdiReply::error(500, s.message());
        break;
    case DdiActionTransition::Effect::CancelRefused:
        eventState = QStringLiteral("cancel_refused");
        if (Status s = jobs.setCancelRequested(job->row, std::nullopt); !s)
            return DdiReply::error(500, s.message());
        break;
    default:
        eventState = QStringLiteral("cancel_") + DdiFeedback::executionName(parsed->execution);
        break;
    }
    if (Status s =
            jobs.recordEvent(job->row, {0, nowMs, std::nullopt, eventState, std::nullopt, reason});
        !s)
        return DdiReply::error(500, s.message());
    return recordFeedback(tx, QStringLiteral("ddi.cancel-feedback"), caller, *open, eventState);
}

DdiReply DdiService::configData(const DdiRequest &request, const Caller &caller)
{
    if (request.body.size() > DdiConfigData::maxBodyBytes)
        return DdiReply::error(
            413,
            QStringLiteral("configData is limited to %1 bytes").arg(DdiConfigData::maxBodyBytes));
    auto parsed = DdiConfigData::parse(request.body);
    if (!parsed)
        return DdiReply::error(400, QStringLiteral("Bad configData: %1").arg(parsed.message()));
    SqliteTransaction tx(m_db);
    if (!tx.beginStatus())
        return DdiReply::error(503, QStringLiteral("The workspace is busy; send it again"));
    auto stored = m_db.scalar(QStringLiteral("SELECT json FROM ddi_attributes WHERE device_id = ?"),
                              {caller.deviceId});
    if (!stored)
        return DdiReply::error(500, stored.message());
    QJsonObject attributes = stored->isValid()
                                 ? QJsonDocument::fromJson(stored->toString().toUtf8()).object()
                                 : QJsonObject();
    switch (parsed->mode) {
    case DdiConfigData::Mode::Replace:
        attributes = QJsonObject();
        [[fallthrough]];
    case DdiConfigData::Mode::Merge:
        for (auto it = parsed->data.cbegin(); it != parsed->data.cend(); ++it)
            attributes.insert(it.key(), it.value());
        break;
    case DdiConfigData::Mode::Remove:
        for (auto it = parsed->data.cbegin(); it != parsed->data.cend(); ++it)
            attributes.remove(it.key());
        break;
    }
    if (attributes.size() > DdiConfigData::maxEntries * 2)
        return DdiReply::error(413, QStringLiteral("A device keeps at most %1 attributes")
                                        .arg(DdiConfigData::maxEntries * 2));
    const qint64 nowMs = m_clock.nowMs();
    if (Status s = m_db.execute(
            QStringLiteral("INSERT INTO ddi_attributes (device_id, json, "
                           "updated_ms) VALUES (?, ?, ?) ON CONFLICT "
                           "(device_id) DO UPDATE SET json = excluded.json, "
                           "updated_ms = excluded.updated_ms"),
            {caller.deviceId,
             QString::fromUtf8(QJsonDocument(attributes).toJson(QJsonDocument::Compact)), nowMs});
        !s)
        return DdiReply::error(500, s.message());
    if (parsed->mode != DdiConfigData::Mode::Remove) {
        DeviceRepository devices(m_db);
        auto device = devices.load(caller.deviceId);
        if (!device)
            return DdiReply::error(500, device.message());
        Device updated = device.value();
        for (const AttributeColumn &column : kAttributeColumns) {
            const auto it = parsed->data.constFind(QLatin1String(column.attribute));
            if (it != parsed->data.cend() && !it.value().trimmed().isEmpty())
                updated.*(column.field) = it.value().trimmed();
        }
        if (updated.hwRevision != device->hwRevision || updated.model != device->model ||
            updated.serial != device->serial || updated.vendor != device->vendor ||
            updated.mac != device->mac || updated.ip != device->ip ||
            updated.hostname != device->hostname)
            if (auto u = devices.upsert(updated); !u)
                return DdiReply::error(500, u.message());
    }
    if (Status s = tx.commit(); !s)
        return DdiReply::error(503, s.message());
    return DdiReply::noContent();
}

DdiReply DdiService::artifact(const DdiRequest &, const DdiPath &path, const Caller &caller)
{
    // A device downloads only what one of its open actions installs.
    auto owned = m_db.scalar(QStringLiteral("SELECT 1 FROM jobs WHERE device_id = ? AND "
                                            "release_id = ? AND transport = 'ddi' AND "
                                            "finished_ms IS NULL"),
                             {caller.deviceId, path.moduleId()});
    if (!owned)
        return DdiReply::error(500, owned.message());
    if (!owned->isValid())
        return DdiReply::error(404, QStringLiteral("No open action of %1 installs software "
                                                   "module %2")
                                        .arg(caller.deviceUid)
                                        .arg(path.moduleId()));
    if (path.resource() == DdiPath::Resource::ArtifactMd5Sum) {
        auto release = releaseWithDigests(path.moduleId());
        if (!release)
            return DdiReply::error(500, release.message());
        const QString fileName = artifactFileName(release.value());
        if (path.fileName() != fileName)
            return DdiReply::error(404, QStringLiteral("Software module %1 has no artifact \"%2\"")
                                            .arg(path.moduleId())
                                            .arg(path.fileName()));
        DdiReply r;
        r.text = (release->md5 + QStringLiteral("  ") + fileName + QLatin1Char('\n')).toUtf8();
        return r;
    }
    return serveRelease(path.moduleId(), path.fileName(), caller.deviceUid);
}

DdiReply DdiService::serveRelease(qint64 releaseId, const QString &fileName,
                                  const QString &deviceUid)
{
    auto served = m_gate.open(m_db, releaseId);
    if (!served) {
        qCWarning(lcDdi).noquote()
            << "not serving release" << releaseId << "to" << deviceUid << ":" << served.message();
        return DdiReply::error(
            500, QStringLiteral("The artifact cannot be served: %1").arg(served.message()));
    }
    if (served->digestsChanged) {
        ReleaseRepository releases(m_db);
        (void)releases.setDigests(served->release.id, served->release.sha1, served->release.md5);
    }
    if (fileName != artifactFileName(served->release))
        return DdiReply::error(404, QStringLiteral("Software module %1 has no artifact \"%2\"")
                                        .arg(releaseId)
                                        .arg(fileName));
    DdiReply r;
    r.file = served->file;
    r.fileSize = served->release.size;
    r.etag = '"' + served->release.sha256.toLatin1() + '"';
    qCInfo(lcDdi).noquote() << deviceUid << "downloads" << fileName;
    return r;
}

DdiReply DdiService::linkedArtifact(const DdiRequest &request)
{
    // {tenant}/artifacts/{releaseId}/{fileName}?device=UID&k=MAC, nothing else.
    const qsizetype question = request.target.indexOf('?');
    const QByteArray rawPath = request.target.left(question < 0 ? request.target.size() : question);
    const QList<QByteArray> segments = rawPath.split('/');
    if (segments.size() != 5 || !DdiPath::isValidNumericId(QString::fromLatin1(segments[3])))
        return DdiReply::error(404, QStringLiteral("Not an artifact link"));
    const qint64 releaseId = segments[3].toLongLong();
    const QString fileName = QUrl::fromPercentEncoding(segments[4]);
    if (!DdiPath::isValidFileName(fileName) || fileName.contains(QLatin1Char('/')))
        return DdiReply::error(404, QStringLiteral("Not an artifact link"));
    const QUrlQuery query(
        QString::fromUtf8(question < 0 ? QByteArray() : request.target.mid(question + 1)));
    const QString uid = query.queryItemValue(QStringLiteral("device"), QUrl::FullyDecoded);
    const QString mac = query.queryItemValue(QStringLiteral("k"), QUrl::FullyDecoded);
    if (uid.isEmpty() || mac.isEmpty())
        return DdiReply::error(403, QStringLiteral("An artifact link needs its device and k"));
    auto link = ArtifactLink::forWorkspace(m_db);
    if (!link)
        return DdiReply::error(500, link.message());
    if (!link->verify(releaseId, uid, mac)) {
        qCWarning(lcDdi).noquote()
            << request.peer << "sent a forged or altered artifact link for" << uid;
        return DdiReply::error(403, QStringLiteral("The artifact link is not valid"));
    }
    auto open = m_db.scalar(QStringLiteral("SELECT 1 FROM jobs j JOIN devices d ON d.id = "
                                           "j.device_id WHERE d.uid = ? AND j.release_id = ? AND "
                                           "j.transport = 'mqtt' AND j.finished_ms IS NULL"),
                            {uid, releaseId});
    if (!open)
        return DdiReply::error(500, open.message());
    if (!open->isValid())
        return DdiReply::error(404, QStringLiteral("%1 has no unfinished job installing release %2")
                                        .arg(uid)
                                        .arg(releaseId));
    return serveRelease(releaseId, fileName, uid);
}

} // namespace fleet
