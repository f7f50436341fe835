#include "CycloneDxSbom.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSet>

namespace fleet {

namespace {

// Nested components deeper than this are not a real SBOM (QJsonDocument already refuses
// nesting beyond about a thousand levels; this keeps the recursion far below the stack).
constexpr int kMaxDepth = 64;

const QStringList &supportedVersions()
{
    static const QStringList versions{QStringLiteral("1.2"), QStringLiteral("1.3"),
                                      QStringLiteral("1.4"), QStringLiteral("1.5"),
                                      QStringLiteral("1.6")};
    return versions;
}

class ComponentCollector
{
public:
    Status collect(const QJsonArray &components, const QString &path, int depth)
    {
        if (depth > kMaxDepth)
            return Error::invalid(
                QStringLiteral("%1: components are nested more than %2 levels deep")
                    .arg(path)
                    .arg(kMaxDepth));
        for (qsizetype i = 0; i < components.size(); ++i) {
            const QString where = QStringLiteral("%1[%2]").arg(path).arg(i);
            const QJsonValue value = components.at(i);
            if (!value.isObject())
                return Error::invalid(
                    QStringLiteral("%1: a component must be a JSON object").arg(where));
            const QJsonObject o = value.toObject();
            Component c;
            for (const char *key : {"name", "version", "purl", "cpe"}) {
                const QJsonValue field = o.value(QLatin1String(key));
                if (field.isUndefined() || field.isNull())
                    continue;
                if (!field.isString())
                    return Error::invalid(
                        QStringLiteral("%1.%2: must be a string").arg(where, QLatin1String(key)));
            }
            c.name = o.value(QLatin1String("name")).toString().trimmed();
            c.version = o.value(QLatin1String("version")).toString().trimmed();
            c.purl = o.value(QLatin1String("purl")).toString().trimmed();
            c.cpe = o.value(QLatin1String("cpe")).toString().trimmed();
            if (c.name.isEmpty())
                return Error::invalid(
                    QStringLiteral("%1: a component needs a name (CycloneDX requires one)")
                        .arg(where));
            // A workspace keeps one entry per name and version: the first one wins.
            const QString identity = c.name + QChar(0) + c.version;
            if (!m_seen.contains(identity)) {
                m_seen.insert(identity);
                m_components << c;
            }
            const QJsonValue nested = o.value(QLatin1String("components"));
            if (nested.isUndefined() || nested.isNull())
                continue;
            if (!nested.isArray())
                return Error::invalid(QStringLiteral("%1.components: must be an array").arg(where));
            if (Status s =
                    collect(nested.toArray(), where + QStringLiteral(".components"), depth + 1);
                !s)
                return s;
        }
        return {};
    }

    QList<Component> take() { return std::move(m_components); }

private:
    QList<Component> m_components;
    QSet<QString> m_seen;
};

} // namespace

Result<QList<Component>> CycloneDxSbom::parse(const QByteArray &json)
{
    const QByteArray trimmed = json.trimmed();
    if (trimmed.isEmpty())
        return Error::invalid(QStringLiteral("The SBOM file is empty"));
    if (trimmed.startsWith('<'))
        return Error::invalid(QStringLiteral(
            "This looks like XML; Fleetdesk reads CycloneDX SBOMs in JSON format (export the "
            "SBOM as JSON, e.g. 'cyclonedx convert --output-format json')"));

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error::invalid(QStringLiteral("Not a CycloneDX SBOM: the file is not valid JSON "
                                             "(%1 at byte %2)")
                                  .arg(parseError.errorString())
                                  .arg(parseError.offset));
    if (!doc.isObject())
        return Error::invalid(QStringLiteral(
            "Not a CycloneDX SBOM: expected a JSON object with \"bomFormat\": \"CycloneDX\""));
    const QJsonObject bom = doc.object();

    const QJsonValue format = bom.value(QLatin1String("bomFormat"));
    if (format.toString() != QLatin1String("CycloneDX")) {
        if (bom.contains(QLatin1String("spdxVersion")))
            return Error::invalid(
                QStringLiteral("This is an SPDX document; Fleetdesk reads CycloneDX SBOMs (JSON)"));
        return Error::invalid(
            format.isUndefined()
                ? QStringLiteral("Not a CycloneDX SBOM: \"bomFormat\" is missing")
                : QStringLiteral("Not a CycloneDX SBOM: \"bomFormat\" is '%1', expected "
                                 "'CycloneDX'")
                      .arg(format.isString() ? format.toString() : QStringLiteral("not a string")));
    }

    const QJsonValue spec = bom.value(QLatin1String("specVersion"));
    if (!spec.isString())
        return Error::invalid(
            QStringLiteral("The SBOM has no \"specVersion\"; CycloneDX 1.2 to 1.6 are supported"));
    if (!supportedVersions().contains(spec.toString()))
        return Error::invalid(
            QStringLiteral("CycloneDX specVersion %1 is not supported; use 1.2 to 1.6")
                .arg(spec.toString().left(20)));

    const QJsonValue components = bom.value(QLatin1String("components"));
    if (components.isUndefined() || components.isNull())
        return Error::invalid(
            QStringLiteral("The SBOM has no \"components\" array: it lists no software to attach"));
    if (!components.isArray())
        return Error::invalid(QStringLiteral("The SBOM's \"components\" must be an array"));

    ComponentCollector collector;
    if (Status s = collector.collect(components.toArray(), QStringLiteral("components"), 1); !s)
        return s.error();
    return collector.take();
}

Result<QList<Component>> CycloneDxSbom::parseFile(const QString &path, qint64 maxBytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::notFound(QStringLiteral("Cannot open %1: %2").arg(path, file.errorString()));
    if (file.size() > maxBytes)
        return Error::invalid(QStringLiteral("%1 is %2, larger than the %3 an SBOM may have")
                                  .arg(QFileInfo(path).fileName(),
                                       QLocale::c().formattedDataSize(file.size()),
                                       QLocale::c().formattedDataSize(maxBytes)));
    // Read one byte past the limit: a file that grows or lies about its size is caught too.
    const QByteArray json = file.read(maxBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return Error::failed(QStringLiteral("Could not read %1: %2").arg(path, file.errorString()));
    if (json.size() > maxBytes)
        return Error::invalid(
            QStringLiteral("%1 is larger than the %2 an SBOM may have")
                .arg(QFileInfo(path).fileName(), QLocale::c().formattedDataSize(maxBytes)));
    return parse(json);
}

} // namespace fleet
