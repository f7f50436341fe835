#include "DdiPath.h"

#include <QStringDecoder>
#include <QStringList>

namespace fleet {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Strict percent-decoding of one segment: QByteArray::fromPercentEncoding lets "%zz" through as
// text, which would make two spellings of a name differ in what they mean.
Result<QString> decodeSegment(const QByteArray &raw, qsizetype index)
{
    QByteArray bytes;
    bytes.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const char c = raw.at(i);
        if (c != '%') {
            bytes.append(c);
            continue;
        }
        const int high = i + 2 < raw.size() ? hexValue(raw.at(i + 1)) : -1;
        const int low = i + 2 < raw.size() ? hexValue(raw.at(i + 2)) : -1;
        if (high < 0 || low < 0)
            return Error::invalid(
                QStringLiteral("path segment %1 has a malformed percent escape").arg(index + 1));
        bytes.append(char(high * 16 + low));
        i += 2;
    }
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return Error::invalid(QStringLiteral("path segment %1 is not valid UTF-8").arg(index + 1));
    for (const QChar ch : text) {
        if (ch == QLatin1Char('/') || ch == QLatin1Char('\\'))
            return Error::invalid(
                QStringLiteral("path segment %1 contains an encoded slash").arg(index + 1));
        if (ch.unicode() < 0x20 || ch.unicode() == 0x7f)
            return Error::invalid(
                QStringLiteral("path segment %1 contains a control character").arg(index + 1));
    }
    if (text == QLatin1String(".") || text == QLatin1String(".."))
        return Error::invalid(
            QStringLiteral("path segment %1 is \"%2\"; relative segments are refused")
                .arg(index + 1)
                .arg(text));
    return text;
}

bool allCharsIn(const QString &text, QLatin1String extra)
{
    for (const QChar ch : text) {
        const char16_t u = ch.unicode();
        const bool alnum =
            (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9');
        if (!alnum && !extra.contains(ch))
            return false;
    }
    return true;
}

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text.left(64) + QLatin1Char('"');
}

Result<qint64> numericId(const QString &text, const QString &what)
{
    if (!DdiPath::isValidNumericId(text))
        return Error::invalid(
            QStringLiteral("%1 %2 is not a positive decimal number").arg(what, quoted(text)));
    return text.toLongLong();
}

const QLatin1String md5Suffix(".MD5SUM");

} // namespace

bool DdiPath::isValidNumericId(const QString &text)
{
    if (text.isEmpty() || text.size() > 18 || text.at(0) == QLatin1Char('0'))
        return false;
    for (const QChar ch : text)
        if (ch < QLatin1Char('0') || ch > QLatin1Char('9'))
            return false;
    return true;
}

bool DdiPath::isValidTenant(const QString &tenant)
{
    return !tenant.isEmpty() && tenant.size() <= maxTenantLength &&
           allCharsIn(tenant, QLatin1String("_-"));
}

bool DdiPath::isValidControllerId(const QString &controllerId)
{
    // Device ids of the rest of Fleetdesk plus '.' and ':' (MAC-style ids), but never a
    // relative path segment.
    return !controllerId.isEmpty() && controllerId.size() <= maxControllerIdLength &&
           controllerId != QLatin1String(".") && controllerId != QLatin1String("..") &&
           allCharsIn(controllerId, QLatin1String("_-.:"));
}

bool DdiPath::isValidFileName(const QString &fileName)
{
    if (fileName.isEmpty() || fileName.size() > maxFileNameLength ||
        fileName == QLatin1String(".") || fileName == QLatin1String(".."))
        return false;
    for (const QChar ch : fileName)
        if (ch == QLatin1Char('/') || ch == QLatin1Char('\\') || ch.unicode() < 0x20 ||
            ch.unicode() == 0x7f)
            return false;
    return true;
}

bool DdiPath::isValidCacheHint(const QString &hint)
{
    return !hint.isEmpty() && hint.size() <= maxCacheHintLength &&
           allCharsIn(hint, QLatin1String("_-"));
}

Result<DdiPath> DdiPath::parse(const QByteArray &target)
{
    if (target.size() > maxTargetBytes)
        return Error::invalid(QStringLiteral("request path is too long (%1 bytes; limit %2)")
                                  .arg(target.size())
                                  .arg(maxTargetBytes));
    if (target.contains('#'))
        return Error::invalid(QStringLiteral("request path contains a fragment"));
    const qsizetype questionMark = target.indexOf('?');
    const QByteArray rawPath = questionMark < 0 ? target : target.left(questionMark);
    const bool hasQuery = questionMark >= 0;
    const QByteArray rawQuery = hasQuery ? target.mid(questionMark + 1) : QByteArray();

    if (!rawPath.startsWith('/'))
        return Error::invalid(QStringLiteral("request path must start with \"/\""));
    const QList<QByteArray> rawSegments = rawPath.mid(1).split('/');
    QStringList segments;
    for (qsizetype i = 0; i < rawSegments.size(); ++i) {
        if (rawSegments.at(i).isEmpty())
            return Error::invalid(QStringLiteral("request path has an empty segment (%1)")
                                      .arg(i + 1 == rawSegments.size()
                                               ? QStringLiteral("trailing slash")
                                               : QStringLiteral("double slash")));
        auto segment = decodeSegment(rawSegments.at(i), i);
        if (!segment)
            return segment.error();
        segments.append(segment.value());
    }
    if (segments.size() < 4 || segments.at(1) != QLatin1String("controller") ||
        segments.at(2) != QLatin1String("v1"))
        return Error::invalid(QStringLiteral(
            "request path is not a DDI resource (/{tenant}/controller/v1/{controllerId}/...)"));

    DdiPath path;
    path.m_tenant = segments.at(0);
    if (!isValidTenant(path.m_tenant))
        return Error::invalid(QStringLiteral("tenant %1 is not 1 to %2 letters, digits, '_' or '-'")
                                  .arg(quoted(path.m_tenant))
                                  .arg(maxTenantLength));
    path.m_controllerId = segments.at(3);
    if (!isValidControllerId(path.m_controllerId))
        return Error::invalid(
            QStringLiteral("controller id %1 is not 1 to %2 letters, digits, '_', '-', '.' or ':'")
                .arg(quoted(path.m_controllerId))
                .arg(maxControllerIdLength));

    const QStringList rest = segments.mid(4);
    const auto unknown = [&rest] {
        return Error::invalid(QStringLiteral("unknown DDI resource \"%1\"")
                                  .arg(rest.join(QLatin1Char('/')).left(128)));
    };
    const auto action = [&path](const QString &text) -> Status {
        auto id = numericId(text, QStringLiteral("action id"));
        if (!id)
            return id.error();
        path.m_actionId = id.value();
        return {};
    };

    if (rest.isEmpty()) {
        path.m_resource = Resource::Base;
    } else if (rest.at(0) == QLatin1String("configData") && rest.size() == 1) {
        path.m_resource = Resource::ConfigData;
    } else if (rest.at(0) == QLatin1String("deploymentBase") ||
               rest.at(0) == QLatin1String("cancelAction")) {
        const bool deployment = rest.at(0) == QLatin1String("deploymentBase");
        if (rest.size() == 1)
            return Error::invalid(QStringLiteral("%1 needs an action id").arg(rest.at(0)));
        if (rest.size() > 3 || (rest.size() == 3 && rest.at(2) != QLatin1String("feedback")))
            return unknown();
        if (const Status status = action(rest.at(1)); !status)
            return status.error();
        const bool feedback = rest.size() == 3;
        path.m_resource = deployment
                              ? (feedback ? Resource::DeploymentFeedback : Resource::DeploymentBase)
                              : (feedback ? Resource::CancelFeedback : Resource::CancelAction);
    } else if (rest.at(0) == QLatin1String("installedBase")) {
        if (rest.size() != 2)
            return rest.size() == 1
                       ? Error::invalid(QStringLiteral("installedBase needs an action id"))
                       : unknown();
        if (const Status status = action(rest.at(1)); !status)
            return status.error();
        path.m_resource = Resource::InstalledBase;
    } else if (rest.at(0) == QLatin1String("softwaremodules")) {
        if (rest.size() != 4 || rest.at(2) != QLatin1String("artifacts"))
            return Error::invalid(QStringLiteral(
                "artifact path must be softwaremodules/{moduleId}/artifacts/{fileName}"));
        auto module = numericId(rest.at(1), QStringLiteral("software module id"));
        if (!module)
            return module.error();
        path.m_moduleId = module.value();
        QString fileName = rest.at(3);
        path.m_resource = Resource::Artifact;
        if (fileName.endsWith(md5Suffix) && fileName.size() > md5Suffix.size()) {
            fileName.chop(md5Suffix.size());
            path.m_resource = Resource::ArtifactMd5Sum;
        }
        if (!isValidFileName(fileName))
            return Error::invalid(
                QStringLiteral("artifact file name %1 is not allowed").arg(quoted(fileName)));
        path.m_fileName = fileName;
    } else {
        return unknown();
    }

    if (hasQuery) {
        // Only deploymentBase carries a query ("?c=", hawkBit's hint that the action changed);
        // anything else is a client this server does not understand.
        if (path.m_resource != Resource::DeploymentBase)
            return Error::invalid(QStringLiteral("this DDI resource takes no query"));
        if (!rawQuery.startsWith("c="))
            return Error::invalid(QStringLiteral("deploymentBase accepts only the query \"c\""));
        const QString hint = QString::fromLatin1(rawQuery.mid(2));
        if (!isValidCacheHint(hint))
            return Error::invalid(
                QStringLiteral("query \"c\" is not 1 to %1 letters, digits, '_' or '-'")
                    .arg(maxCacheHintLength));
        path.m_cacheHint = hint;
    }
    return path;
}

} // namespace fleet
