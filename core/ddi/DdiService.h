#pragma once

#include "ddi/DdiCredentialStore.h"
#include "ddi/DdiExchange.h"
#include "ddi/DdiFeedback.h"
#include "ddi/DdiPath.h"
#include "ddi/DdiResources.h"
#include "jobs/Job.h"
#include "util/Result.h"

#include <QUrl>
#include <chrono>
#include <optional>

namespace fleet {

class ArtifactServeGate;
class AuditedChange;
struct Actor;
class Clock;
class DdiLiveness;
class SqliteDatabase;
struct Release;

struct DdiServiceSettings
{
    QString tenant = QStringLiteral("default");
    // How often devices are told to poll (hawkBit's default is 5 minutes).
    std::chrono::seconds pollInterval{300};
    // The base URL devices reach the server at, for the links in answers. Empty: taken from the
    // request's Host header (checked to be a plain host[:port]).
    QUrl publicBase;
};

// Everything hawkBit's Direct Device Integration API asks of a server, for one request at a
// time, over a database connection the caller owns for the duration of the call (the server
// has one per worker thread). It authenticates (TargetToken: that device only; GatewayToken:
// any device of the inventory), answers the poll with what the device should do, offers the
// deployment and the artifact of the device's open DDI action (the job ReleaseAssigner made),
// turns every feedback into the job's state, a job event and an audit entry, completes the
// device's firmware version on success, takes configData into ddi_attributes and the known
// inventory columns, and asks for and completes cancellations.
//
// Every refusal has the status hawkBit would give and a message that says why: 401 no or an
// unknown token, 403 a token for another device, 404 unknown tenant/controller/action/artifact,
// 405 wrong method, 409 feedback that contradicts the action, 410 feedback for a finished
// action, 400 a malformed body, 413 too large.
class DdiService
{
public:
    DdiService(SqliteDatabase &db, const Clock &clock, ArtifactServeGate &gate,
               DdiLiveness &liveness, DdiServiceSettings settings, QString workspacePath);

    DdiReply handle(const DdiRequest &request);

    // The name a release's artifact is offered under: its imported file name when that is a
    // safe URL segment, else one made of its hash and version.
    static QString artifactFileName(const Release &release);
    // The href base for a request: the configured public URL, or scheme + Host header.
    static Result<QUrl> linkBase(const DdiRequest &request, const QUrl &publicBase);

private:
    struct Caller
    {
        DdiIdentity identity;
        qint64 deviceId = 0;
        QString deviceUid;
    };

    Result<Caller> authenticate(const DdiRequest &request, const DdiPath &path, DdiReply &refusal);
    // The documents for this caller, with links on the request's base URL.
    Result<DdiResources> resourcesFor(const DdiRequest &request, const Caller &caller) const;
    DdiReply poll(const DdiRequest &request, const Caller &caller);
    DdiReply deployment(const DdiRequest &request, const DdiPath &path, const Caller &caller);
    DdiReply feedback(const DdiRequest &request, const DdiPath &path, const Caller &caller);
    DdiReply cancelAction(const DdiRequest &request, const DdiPath &path, const Caller &caller);
    DdiReply cancelFeedback(const DdiRequest &request, const DdiPath &path, const Caller &caller);
    DdiReply configData(const DdiRequest &request, const Caller &caller);
    DdiReply artifact(const DdiRequest &request, const DdiPath &path, const Caller &caller);
    // GET/HEAD {tenant}/artifacts/{release}/{file}?device=&k= : an MQTT device's signed link.
    DdiReply linkedArtifact(const DdiRequest &request);
    // The verified artifact of a release as a reply (or why not), for `deviceUid`.
    DdiReply serveRelease(qint64 releaseId, const QString &fileName, const QString &deviceUid);

    struct OpenFeedback
    {
        DdiFeedback feedback;
        Job job;
    };
    // A feedback body checked (size, syntax, action id) for an unfinished action of the
    // caller's, or the refusal (413, 400, 404, 410).
    std::optional<OpenFeedback> openFeedback(const DdiRequest &request, const DdiPath &path,
                                             const Caller &caller, DdiReply &refusal);
    // The feedback's audit entry, then the commit; 200, or why the feedback was not stored.
    static DdiReply recordFeedback(AuditedChange &tx, const QString &action, const Caller &caller,
                                   const OpenFeedback &open, const QString &state);
    // The caller's DDI job with that action id, or a 404 reply.
    std::optional<Job> actionOf(const Caller &caller, qint64 actionId, DdiReply &refusal);
    // The release of a job with its SHA-1 and MD5 known (worked out and stored on first use).
    Result<Release> releaseWithDigests(qint64 releaseId);
    Result<struct DdiDeployment> deploymentFor(const Job &job);
    static Actor actorFor(const Caller &caller);

    SqliteDatabase &m_db;
    const Clock &m_clock;
    ArtifactServeGate &m_gate;
    DdiLiveness &m_liveness;
    DdiServiceSettings m_settings;
    QString m_workspacePath;
};

} // namespace fleet
