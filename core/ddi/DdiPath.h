#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace fleet {

// One request target of hawkBit's Direct Device Integration API,
// "/{tenant}/controller/v1/{controllerId}[/...]", taken apart and checked before anything looks
// the device or the action up. Every segment is percent-decoded strictly (a stray '%' is an
// error, not a literal) and refused when its decoded form could name something else: an
// encoded '/' or '\', a "." or "..", a control character. The server then never has to think
// about path tricks; it gets ids that are exactly what they look like.
class DdiPath
{
public:
    enum class Resource {
        Base,               // the poll
        DeploymentBase,     // deploymentBase/{actionId}[?c=...]
        DeploymentFeedback, // deploymentBase/{actionId}/feedback
        CancelAction,       // cancelAction/{actionId}
        CancelFeedback,     // cancelAction/{actionId}/feedback
        ConfigData,         // configData
        Artifact,           // softwaremodules/{moduleId}/artifacts/{fileName}
        ArtifactMd5Sum,     // softwaremodules/{moduleId}/artifacts/{fileName}.MD5SUM
        InstalledBase,      // installedBase/{actionId}
    };

    static constexpr qsizetype maxTargetBytes = 2048;
    static constexpr qsizetype maxTenantLength = 64;
    static constexpr qsizetype maxControllerIdLength = 128;
    static constexpr qsizetype maxFileNameLength = 255;
    static constexpr qsizetype maxCacheHintLength = 32;

    // `target` is the raw request target as it came over the wire: path plus optional query.
    static Result<DdiPath> parse(const QByteArray &target);

    // Ids as they appear in a URL; false for "", leading zeros, non-digits or beyond 18 digits
    // (so every accepted id fits in a qint64).
    static bool isValidNumericId(const QString &text);
    static bool isValidTenant(const QString &tenant);
    static bool isValidControllerId(const QString &controllerId);
    static bool isValidFileName(const QString &fileName);
    static bool isValidCacheHint(const QString &hint);

    Resource resource() const { return m_resource; }
    const QString &tenant() const { return m_tenant; }
    const QString &controllerId() const { return m_controllerId; }
    // 0 when the resource has no action.
    qint64 actionId() const { return m_actionId; }
    // 0 when the resource is not an artifact.
    qint64 moduleId() const { return m_moduleId; }
    // The artifact's file name without the ".MD5SUM" suffix.
    const QString &fileName() const { return m_fileName; }
    // The value of "?c=" on deploymentBase; empty when absent.
    const QString &cacheHint() const { return m_cacheHint; }

private:
    Resource m_resource = Resource::Base;
    QString m_tenant;
    QString m_controllerId;
    qint64 m_actionId = 0;
    qint64 m_moduleId = 0;
    QString m_fileName;
    QString m_cacheHint;
};

} // namespace fleet
