#include "DdiResources.h"

#include "DdiPath.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace fleet {

namespace {

QJsonObject link(const QString &href)
{
    return QJsonObject{{QStringLiteral("href"), href}};
}

Status checkBase(const QUrl &base, const QString &scheme)
{
    if (!base.isValid() || base.scheme() != scheme || base.host().isEmpty() || base.hasQuery() ||
        base.hasFragment())
        return Error::invalid(
            QStringLiteral("DDI base URL \"%1\" is not a %2 URL without query or fragment")
                .arg(base.toString(), scheme));
    return {};
}

bool isLowerHex(const QString &text, qsizetype length)
{
    if (text.size() != length)
        return false;
    for (const QChar ch : text)
        if (!((ch >= QLatin1Char('0') && ch <= QLatin1Char('9')) ||
              (ch >= QLatin1Char('a') && ch <= QLatin1Char('f'))))
            return false;
    return true;
}

Status checkArtifact(const DdiArtifact &artifact, const QString &where)
{
    if (!DdiPath::isValidFileName(artifact.fileName))
        return Error::invalid(QStringLiteral("%1: artifact file name \"%2\" is not allowed")
                                  .arg(where, artifact.fileName.left(64)));
    if (!isLowerHex(artifact.sha1, 40) || !isLowerHex(artifact.md5, 32) ||
        !isLowerHex(artifact.sha256, 64))
        return Error::invalid(
            QStringLiteral("%1: artifact \"%2\" needs sha1, md5 and sha256 as lower-case hex")
                .arg(where, artifact.fileName));
    if (artifact.size < 0)
        return Error::invalid(QStringLiteral("%1: artifact \"%2\" has a negative size")
                                  .arg(where, artifact.fileName));
    return {};
}

} // namespace

QString DdiResources::controllerUrl(const QUrl &base, const QString &tenant,
                                    const QString &controllerId)
{
    // Tenant and controller id are checked to be URL-safe, so they go in as they are.
    return base.toString(QUrl::StripTrailingSlash) + QLatin1Char('/') + tenant +
           QStringLiteral("/controller/v1/") + controllerId;
}

Result<DdiResources> DdiResources::make(const QString &tenant, const QString &controllerId,
                                        const QUrl &httpsBase, const QUrl &httpBase)
{
    if (!DdiPath::isValidTenant(tenant))
        return Error::invalid(QStringLiteral("tenant \"%1\" is not allowed").arg(tenant.left(64)));
    if (!DdiPath::isValidControllerId(controllerId))
        return Error::invalid(
            QStringLiteral("controller id \"%1\" is not allowed").arg(controllerId.left(64)));
    if (httpsBase.isEmpty() && httpBase.isEmpty())
        return Error::invalid(QStringLiteral("DDI resources need an https or an http base URL"));
    DdiResources resources;
    resources.m_tenant = tenant;
    resources.m_controllerId = controllerId;
    if (!httpsBase.isEmpty()) {
        if (const Status status = checkBase(httpsBase, QStringLiteral("https")); !status)
            return status.error();
        resources.m_httpsController = controllerUrl(httpsBase, tenant, controllerId);
    }
    if (!httpBase.isEmpty()) {
        if (const Status status = checkBase(httpBase, QStringLiteral("http")); !status)
            return status.error();
        resources.m_httpController = controllerUrl(httpBase, tenant, controllerId);
    }
    return resources;
}

Result<QString> DdiResources::formatSleep(std::chrono::seconds sleep)
{
    if (sleep.count() < 1 || sleep > maxSleep)
        return Error::invalid(
            QStringLiteral("poll interval of %1 s is outside 1 s to 23:59:59").arg(sleep.count()));
    const qint64 total = sleep.count();
    return QStringLiteral("%1:%2:%3")
        .arg(total / 3600, 2, 10, QLatin1Char('0'))
        .arg(total / 60 % 60, 2, 10, QLatin1Char('0'))
        .arg(total % 60, 2, 10, QLatin1Char('0'));
}

QString DdiResources::handlingName(DdiDeployment::Handling handling)
{
    switch (handling) {
    case DdiDeployment::Handling::Skip:
        return QStringLiteral("skip");
    case DdiDeployment::Handling::Attempt:
        return QStringLiteral("attempt");
    case DdiDeployment::Handling::Forced:
        break;
    }
    return QStringLiteral("forced");
}

QString DdiResources::cacheHint(const QJsonObject &deploymentBase)
{
    // QJsonDocument writes keys sorted, so equal documents hash equally.
    const QByteArray digest = QCryptographicHash::hash(
        QJsonDocument(deploymentBase).toJson(QJsonDocument::Compact), QCryptographicHash::Sha256);
    return QString::fromLatin1(digest.left(6).toHex());
}

QString DdiResources::controllerUrl() const
{
    return m_httpsController.isEmpty() ? m_httpController : m_httpsController;
}

Result<QJsonObject> DdiResources::controllerBase(std::chrono::seconds sleep,
                                                 const DdiPollLinks &links) const
{
    auto sleepText = formatSleep(sleep);
    if (!sleepText)
        return sleepText.error();
    const QString base = controllerUrl();
    QJsonObject linkObject;
    if (links.deployment) {
        auto deployment = deploymentBase(*links.deployment);
        if (!deployment)
            return deployment.error();
        linkObject.insert(QStringLiteral("deploymentBase"),
                          link(QStringLiteral("%1/deploymentBase/%2?c=%3")
                                   .arg(base)
                                   .arg(links.deployment->actionId)
                                   .arg(cacheHint(deployment.value()))));
    }
    if (links.cancelActionId) {
        if (*links.cancelActionId < 1)
            return Error::invalid(QStringLiteral("cancelAction needs a positive action id"));
        linkObject.insert(
            QStringLiteral("cancelAction"),
            link(QStringLiteral("%1/cancelAction/%2").arg(base).arg(*links.cancelActionId)));
    }
    if (links.wantConfigData)
        linkObject.insert(QStringLiteral("configData"), link(base + QStringLiteral("/configData")));
    QJsonObject answer{
        {QStringLiteral("config"),
         QJsonObject{{QStringLiteral("polling"),
                      QJsonObject{{QStringLiteral("sleep"), sleepText.value()}}}}},
    };
    // hawkBit leaves "_links" out when there is nothing to do; SWUpdate treats that as idle.
    if (!linkObject.isEmpty())
        answer.insert(QStringLiteral("_links"), linkObject);
    return answer;
}

Result<QJsonObject> DdiResources::deploymentBase(const DdiDeployment &deployment) const
{
    if (deployment.actionId < 1)
        return Error::invalid(QStringLiteral("deploymentBase needs a positive action id"));
    if (deployment.chunks.isEmpty())
        return Error::invalid(
            QStringLiteral("deployment %1 has no chunks").arg(deployment.actionId));
    QJsonArray chunks;
    for (const DdiChunk &chunk : deployment.chunks) {
        const QString where = QStringLiteral("chunk \"%1\"").arg(chunk.name.left(64));
        if (chunk.moduleId < 1)
            return Error::invalid(QStringLiteral("%1 needs a positive module id").arg(where));
        if (chunk.part.isEmpty() || chunk.version.isEmpty() || chunk.name.isEmpty())
            return Error::invalid(QStringLiteral("%1 needs part, version and name").arg(where));
        QJsonArray artifacts;
        for (const DdiArtifact &artifact : chunk.artifacts) {
            if (const Status status = checkArtifact(artifact, where); !status)
                return status.error();
            const QString file = QString::fromLatin1(QUrl::toPercentEncoding(artifact.fileName));
            const QString path =
                QStringLiteral("/softwaremodules/%1/artifacts/%2").arg(chunk.moduleId).arg(file);
            QJsonObject artifactLinks;
            if (!m_httpsController.isEmpty()) {
                artifactLinks.insert(QStringLiteral("download"), link(m_httpsController + path));
                artifactLinks.insert(QStringLiteral("md5sum"),
                                     link(m_httpsController + path + QStringLiteral(".MD5SUM")));
            }
            if (!m_httpController.isEmpty()) {
                artifactLinks.insert(QStringLiteral("download-http"),
                                     link(m_httpController + path));
                artifactLinks.insert(QStringLiteral("md5sum-http"),
                                     link(m_httpController + path + QStringLiteral(".MD5SUM")));
            }
            artifacts.append(QJsonObject{
                {QStringLiteral("filename"), artifact.fileName},
                {QStringLiteral("hashes"),
                 QJsonObject{{QStringLiteral("sha1"), artifact.sha1},
                             {QStringLiteral("md5"), artifact.md5},
                             {QStringLiteral("sha256"), artifact.sha256}}},
                {QStringLiteral("size"), double(artifact.size)},
                {QStringLiteral("_links"), artifactLinks},
            });
        }
        chunks.append(QJsonObject{
            {QStringLiteral("part"), chunk.part},
            {QStringLiteral("version"), chunk.version},
            {QStringLiteral("name"), chunk.name},
            {QStringLiteral("artifacts"), artifacts},
        });
    }
    QJsonObject body{
        {QStringLiteral("download"), handlingName(deployment.download)},
        {QStringLiteral("update"), handlingName(deployment.update)},
        {QStringLiteral("chunks"), chunks},
    };
    if (deployment.maintenanceWindowAvailable)
        body.insert(QStringLiteral("maintenanceWindow"), *deployment.maintenanceWindowAvailable
                                                             ? QStringLiteral("available")
                                                             : QStringLiteral("unavailable"));
    return QJsonObject{
        {QStringLiteral("id"), QString::number(deployment.actionId)},
        {QStringLiteral("deployment"), body},
    };
}

Result<QJsonObject> DdiResources::cancelAction(qint64 actionId, qint64 stopId) const
{
    if (actionId < 1 || stopId < 1)
        return Error::invalid(QStringLiteral("cancelAction needs positive action and stop ids"));
    return QJsonObject{
        {QStringLiteral("id"), QString::number(actionId)},
        {QStringLiteral("cancelAction"),
         QJsonObject{{QStringLiteral("stopId"), QString::number(stopId)}}},
    };
}

} // namespace fleet
