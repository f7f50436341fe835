#include "FirmwareManifest.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace fleet {

namespace {

Error bad(const QString &why)
{
    return Error::invalid(QStringLiteral("Invalid firmware manifest: %1").arg(why));
}

Result<QStringList> stringList(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return QStringList();
    if (!v.isArray())
        return bad(QStringLiteral("'%1' must be an array of strings").arg(QLatin1String(key)));
    QStringList out;
    for (const QJsonValue &e : v.toArray()) {
        if (!e.isString() || e.toString().trimmed().isEmpty())
            return bad(
                QStringLiteral("'%1' must hold non-empty strings only").arg(QLatin1String(key)));
        if (!out.contains(e.toString().trimmed()))
            out << e.toString().trimmed();
    }
    return out;
}

Result<QString> string(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return QString();
    if (!v.isString())
        return bad(QStringLiteral("'%1' must be a string").arg(QLatin1String(key)));
    return v.toString().trimmed();
}

} // namespace

Result<FirmwareManifest> FirmwareManifest::parse(const QByteArray &json)
{
    if (json.size() > MaxSize)
        return bad(
            QStringLiteral("%1 bytes is more than the %2 accepted").arg(json.size()).arg(MaxSize));
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        return bad(QStringLiteral("%1 at offset %2").arg(err.errorString()).arg(err.offset));
    if (!doc.isObject())
        return bad(QStringLiteral("expected a JSON object"));
    const QJsonObject o = doc.object();
    static const QStringList known = {
        QStringLiteral("name"),        QStringLiteral("version"),
        QStringLiteral("models"),      QStringLiteral("hw_revisions"),
        QStringLiteral("min_version"), QStringLiteral("release_notes")};
    for (const QString &key : o.keys())
        if (!known.contains(key))
            return bad(QStringLiteral("unknown key '%1' (known: %2)")
                           .arg(key, known.join(QStringLiteral(", "))));
    FirmwareManifest m;
    auto name = string(o, "name");
    auto version = string(o, "version");
    auto minVersion = string(o, "min_version");
    auto notes = string(o, "release_notes");
    auto models = stringList(o, "models");
    auto hw = stringList(o, "hw_revisions");
    for (const Status &s : {name.status(), version.status(), minVersion.status(), notes.status(),
                            models.status(), hw.status()})
        if (!s)
            return s.error();
    m.name = *name;
    m.versionText = *version;
    m.minVersionText = *minVersion;
    m.releaseNotes = *notes;
    m.models = *models;
    m.hwRevisions = *hw;
    if (!m.versionText.isEmpty()) {
        auto v = SemanticVersion::parse(m.versionText);
        if (!v)
            return bad(QStringLiteral("version: %1").arg(v.message()));
        m.version = *v;
    }
    if (!m.minVersionText.isEmpty()) {
        auto v = SemanticVersion::parse(m.minVersionText);
        if (!v)
            return bad(QStringLiteral("min_version: %1").arg(v.message()));
        m.minVersion = *v;
    }
    return m;
}

Result<FirmwareManifest> FirmwareManifest::readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::notFound(
            QStringLiteral("Cannot read the manifest '%1': %2").arg(path, f.errorString()));
    if (f.size() > MaxSize)
        return bad(QStringLiteral("'%1' is %2 bytes, more than the %3 accepted")
                       .arg(path)
                       .arg(f.size())
                       .arg(MaxSize));
    return parse(f.readAll());
}

} // namespace fleet
