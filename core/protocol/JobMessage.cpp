#include "JobMessage.h"

#include "io/DeviceFieldRules.h"
#include "protocol/JsonFieldReader.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>

namespace fleet {

namespace {

using Need = JsonFieldReader::Need;

bool isSha256Hex(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9a-f]{64}$"));
    return pattern.match(text).hasMatch();
}

bool isBase64(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"));
    return !text.isEmpty() && pattern.match(text).hasMatch();
}

Status validateArtifact(const JobArtifact &artifact)
{
    const QUrl url(artifact.url, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty() ||
        (scheme != QLatin1String("https") && scheme != QLatin1String("http")))
        return Error::invalid(QStringLiteral("field \"artifact.url\" must be an http(s) URL with "
                                             "a host, not \"%1\"")
                                  .arg(artifact.url.left(128)));
    if (artifact.url.size() > 2048)
        return Error::invalid(QStringLiteral("field \"artifact.url\" is too long (limit 2048)"));
    if (artifact.size <= 0 || artifact.size > JsonFieldReader::maxSafeInteger)
        return Error::invalid(QStringLiteral("field \"artifact.size\" must be a positive number "
                                             "of bytes"));
    if (!isSha256Hex(artifact.sha256))
        return Error::invalid(QStringLiteral("field \"artifact.sha256\" must be 64 lower-case hex "
                                             "digits"));
    if (!isBase64(artifact.signature) || artifact.signature.size() > 8192)
        return Error::invalid(QStringLiteral("field \"artifact.signature\" must be base64 "
                                             "(at most 8192 characters)"));
    return {};
}

bool isVersionText(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._+~-]{0,63}$"));
    return pattern.match(text).hasMatch();
}

} // namespace

QString JobMessage::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Update:
        return QStringLiteral("update");
    case Kind::Rollback:
        return QStringLiteral("rollback");
    case Kind::Reboot:
        return QStringLiteral("reboot");
    case Kind::Config:
        return QStringLiteral("config");
    case Kind::Decommission:
        return QStringLiteral("decommission");
    }
    return {};
}

QStringList JobMessage::kindNames()
{
    return {kindName(Kind::Update), kindName(Kind::Rollback), kindName(Kind::Reboot),
            kindName(Kind::Config), kindName(Kind::Decommission)};
}

std::optional<JobMessage::Kind> JobMessage::kindFromName(const QString &name)
{
    for (Kind kind : {Kind::Update, Kind::Rollback, Kind::Reboot, Kind::Config, Kind::Decommission})
        if (kindName(kind) == name)
            return kind;
    return std::nullopt;
}

Status JobMessage::validate() const
{
    if (!DeviceTopic::isValidId(deviceId))
        return Error::invalid(QStringLiteral("field \"device_id\" is not a valid device id"));
    if (!DeviceTopic::isValidId(jobId))
        return Error::invalid(QStringLiteral("field \"job_id\" must be 1 to %1 of A-Z a-z 0-9 . _ "
                                             ": -")
                                  .arg(DeviceTopic::maxIdLength));
    if (seq < 0 || seq > JsonFieldReader::maxSafeInteger)
        return Error::invalid(QStringLiteral("field \"seq\" must be a non-negative integer below "
                                             "2^53"));
    if (!timestamp.isValid())
        return Error::invalid(QStringLiteral("field \"ts\" must be a valid time"));
    if (deadline.isValid() && deadline <= timestamp)
        return Error::invalid(QStringLiteral("field \"deadline\" must be after \"ts\""));
    const bool carriesFirmware = kind == Kind::Update || kind == Kind::Rollback;
    if (kind == Kind::Update && !artifact)
        return Error::invalid(QStringLiteral("an update job needs field \"artifact\""));
    if (kind == Kind::Update && targetVersion.isEmpty())
        return Error::invalid(QStringLiteral("an update job needs field \"target_version\""));
    if (!carriesFirmware && artifact)
        return Error::invalid(
            QStringLiteral("a %1 job has no field \"artifact\"").arg(kindName(kind)));
    if (!carriesFirmware && !targetVersion.isEmpty())
        return Error::invalid(
            QStringLiteral("a %1 job has no field \"target_version\"").arg(kindName(kind)));
    if (!targetVersion.isEmpty() && !isVersionText(targetVersion))
        return Error::invalid(QStringLiteral("field \"target_version\" must be 1 to 64 of A-Z a-z "
                                             "0-9 . _ + ~ -, starting with a letter or digit"));
    if (artifact) {
        const Status artifactStatus = validateArtifact(*artifact);
        if (!artifactStatus)
            return artifactStatus;
    }
    if (kind == Kind::Config && settings.isEmpty())
        return Error::invalid(QStringLiteral("a config job needs field \"settings\" with at least "
                                             "one key"));
    if (kind != Kind::Config && !settings.isEmpty())
        return Error::invalid(
            QStringLiteral("a %1 job has no field \"settings\"").arg(kindName(kind)));
    if (settings.size() > maxSettings)
        return Error::invalid(
            QStringLiteral("field \"settings\" has too many keys (limit %1)").arg(maxSettings));
    for (auto it = settings.constBegin(); it != settings.constEnd(); ++it)
        if (it.key().trimmed().isEmpty() || it.key().size() > 128 || it.value().size() > 1024)
            return Error::invalid(QStringLiteral("field \"settings\": keys are 1 to 128 "
                                                 "characters, values at most 1024"));
    return {};
}

Result<DeviceTopic> JobMessage::topic() const
{
    return DeviceTopic::make(deviceId, DeviceTopic::Channel::Jobs);
}

Result<QByteArray> JobMessage::build() const
{
    const Status valid = validate();
    if (!valid)
        return valid.error();
    QJsonObject json{
        {QStringLiteral("v"), DeviceTopic::protocolVersion},
        {QStringLiteral("seq"), seq},
        {QStringLiteral("ts"), DeviceFieldRules::formatTimestamp(timestamp)},
        {QStringLiteral("device_id"), deviceId},
        {QStringLiteral("job_id"), jobId},
        {QStringLiteral("kind"), kindName(kind)},
    };
    if (!targetVersion.isEmpty())
        json.insert(QStringLiteral("target_version"), targetVersion);
    if (artifact)
        json.insert(QStringLiteral("artifact"),
                    QJsonObject{{QStringLiteral("url"), artifact->url},
                                {QStringLiteral("size"), artifact->size},
                                {QStringLiteral("sha256"), artifact->sha256},
                                {QStringLiteral("signature"), artifact->signature}});
    if (deadline.isValid())
        json.insert(QStringLiteral("deadline"), DeviceFieldRules::formatTimestamp(deadline));
    if (!settings.isEmpty()) {
        QJsonObject settingsJson;
        for (auto it = settings.constBegin(); it != settings.constEnd(); ++it)
            settingsJson.insert(it.key(), it.value());
        json.insert(QStringLiteral("settings"), settingsJson);
    }
    const QByteArray payload = QJsonDocument(json).toJson(QJsonDocument::Compact);
    if (payload.size() > maxPayloadBytes)
        return Error::invalid(QStringLiteral("payload too large (%1 bytes; limit %2 bytes)")
                                  .arg(payload.size())
                                  .arg(maxPayloadBytes));
    return payload;
}

Result<JobMessage> JobMessage::parse(const DeviceTopic &topic, const QByteArray &payload)
{
    if (topic.channel() != DeviceTopic::Channel::Jobs)
        return Error::invalid(
            QStringLiteral("a job cannot be read from topic %1").arg(topic.toString()));
    auto object = JsonFieldReader::decodeObject(payload, maxPayloadBytes, 4);
    if (!object)
        return object.error();
    JsonFieldReader reader(object.value());
    JobMessage job;
    qint64 version = 0;
    reader.integer(QStringLiteral("v"), Need::Required, 0, JsonFieldReader::maxSafeInteger,
                   &version);
    if (reader.ok() && version != DeviceTopic::protocolVersion)
        reader.fail(QStringLiteral("field \"v\" is %1; this device speaks protocol version %2")
                        .arg(version)
                        .arg(DeviceTopic::protocolVersion));
    reader.integer(QStringLiteral("seq"), Need::Required, 0, JsonFieldReader::maxSafeInteger,
                   &job.seq);
    reader.timestamp(QStringLiteral("ts"), Need::Required, &job.timestamp);
    reader.string(QStringLiteral("device_id"), Need::Required, &job.deviceId,
                  DeviceTopic::maxIdLength + 1);
    if (reader.ok() && job.deviceId != topic.deviceId())
        reader.fail(QStringLiteral("field \"device_id\" (\"%1\") is not the topic's device "
                                   "(\"%2\")")
                        .arg(job.deviceId, topic.deviceId()));
    reader.string(QStringLiteral("job_id"), Need::Required, &job.jobId,
                  DeviceTopic::maxIdLength + 1);
    QString kind;
    reader.choice(QStringLiteral("kind"), Need::Required, kindNames(), &kind);
    job.kind = kindFromName(kind).value_or(Kind::Update);
    reader.string(QStringLiteral("target_version"), Need::Optional, &job.targetVersion, 64);
    reader.timestamp(QStringLiteral("deadline"), Need::Optional, &job.deadline);

    QJsonObject artifactObject;
    reader.object(QStringLiteral("artifact"), Need::Optional, &artifactObject);
    if (reader.ok() && reader.has(QStringLiteral("artifact"))) {
        JsonFieldReader artifactReader(artifactObject, QStringLiteral("artifact"));
        JobArtifact artifact;
        artifactReader.string(QStringLiteral("url"), Need::Required, &artifact.url, 2048);
        artifactReader.integer(QStringLiteral("size"), Need::Required, 1,
                               JsonFieldReader::maxSafeInteger, &artifact.size);
        artifactReader.string(QStringLiteral("sha256"), Need::Required, &artifact.sha256, 64);
        artifactReader.string(QStringLiteral("signature"), Need::Required, &artifact.signature,
                              8192);
        if (!artifactReader.ok())
            reader.fail(artifactReader.error().message);
        job.artifact = artifact;
    }

    QJsonObject settingsObject;
    reader.object(QStringLiteral("settings"), Need::Optional, &settingsObject);
    for (auto it = settingsObject.constBegin(); reader.ok() && it != settingsObject.constEnd();
         ++it) {
        if (!it.value().isString()) {
            reader.fail(
                QStringLiteral("field \"settings.%1\" must be a string").arg(it.key().left(64)));
            break;
        }
        job.settings.insert(it.key(), it.value().toString());
    }
    if (!reader.ok())
        return reader.error();
    // Unknown fields are ignored here on purpose: a job is an order, and a device that does not
    // understand part of it still only does what the fields it knows say.
    const Status valid = job.validate();
    if (!valid)
        return valid.error();
    return job;
}

} // namespace fleet
