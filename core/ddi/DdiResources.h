#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrl>
#include <chrono>
#include <optional>

namespace fleet {

// What one artifact of a deployment is; hashes are lower-case hex.
struct DdiArtifact
{
    QString fileName;
    QString sha1;
    QString md5;
    QString sha256;
    qint64 size = 0;
};

// One chunk (hawkBit: a software module) of a deployment.
struct DdiChunk
{
    qint64 moduleId = 0;
    QString part; // "os", "bApp", ...
    QString version;
    QString name;
    QList<DdiArtifact> artifacts;
};

struct DdiDeployment
{
    enum class Handling { Skip, Attempt, Forced };

    qint64 actionId = 0;
    Handling download = Handling::Forced;
    Handling update = Handling::Forced;
    // Only present when a maintenance window applies: true while it is open.
    std::optional<bool> maintenanceWindowAvailable;
    QList<DdiChunk> chunks;
};

// What the poll answer links to; each is absent unless the server wants it.
struct DdiPollLinks
{
    std::optional<DdiDeployment> deployment;
    std::optional<qint64> cancelActionId;
    bool wantConfigData = false;
};

// Builds the JSON documents Fleetdesk's DDI server returns to one controller. Pure: hrefs are
// formed from the base URLs given (https ones get hawkBit's "download"/"md5sum" link names,
// plain http ones "download-http"/"md5sum-http"), nothing is looked up or sent.
class DdiResources
{
public:
    // Longest poll interval hawkBit's "HH:MM:SS" can say.
    static constexpr std::chrono::seconds maxSleep{24 * 3600 - 1};

    // At least one of the bases must be given; each must be an http(s) URL without query.
    static Result<DdiResources> make(const QString &tenant, const QString &controllerId,
                                     const QUrl &httpsBase, const QUrl &httpBase = {});

    static Result<QString> formatSleep(std::chrono::seconds sleep);
    static QString handlingName(DdiDeployment::Handling handling);
    // The "?c=" value: a short hash of the deployment document, so a device whose action
    // changed (another artifact, the maintenance window opening) fetches it again.
    static QString cacheHint(const QJsonObject &deploymentBase);

    QString controllerUrl() const;
    Result<QJsonObject> controllerBase(std::chrono::seconds sleep, const DdiPollLinks &links) const;
    Result<QJsonObject> deploymentBase(const DdiDeployment &deployment) const;
    Result<QJsonObject> cancelAction(qint64 actionId, qint64 stopId) const;

private:
    DdiResources() = default;
    static QString controllerUrl(const QUrl &base, const QString &tenant,
                                 const QString &controllerId);

    QString m_tenant;
    QString m_controllerId;
    QString m_httpsController; // empty when there is no https base
    QString m_httpController;  // empty when there is no http base
};

} // namespace fleet
