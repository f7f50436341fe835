#pragma once

#include "protocol/DeviceTopic.h"
#include "util/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace fleet {

// A job Fleetdesk sends to one device on fleet/v1/devices/{id}/jobs (QoS 1). The job id is what
// makes a redelivered job harmless: a device runs each job id at most once. build() refuses a
// job a device could not execute safely; parse() is what a device (and the simulator) does with
// the payload, with the same rules.
struct JobArtifact
{
    QString url;       // https:// or http://; integrity comes from sha256 and signature
    qint64 size = 0;   // bytes
    QString sha256;    // 64 lower-case hex digits
    QString signature; // base64 Ed25519 over the hash-and-size statement (ArtifactSignature)
    bool operator==(const JobArtifact &) const = default;
};

class JobMessage
{
public:
    enum class Kind { Update, Rollback, Reboot, Config, Decommission };

    static constexpr qsizetype maxPayloadBytes = 64 * 1024;
    static constexpr qsizetype maxSettings = 256;

    static QString kindName(Kind kind);
    static std::optional<Kind> kindFromName(const QString &name);
    static QStringList kindNames();

    QString deviceId;
    QString jobId;
    Kind kind = Kind::Update;
    qint64 seq = 0;      // Fleetdesk's counter for this device, so the device sees replays
    QDateTime timestamp; // when the job was issued
    std::optional<JobArtifact> artifact; // update (required), rollback (optional)
    QString targetVersion;               // update (required), rollback (optional)
    QDateTime deadline;                  // after it, the device rejects the job instead
    QMap<QString, QString> settings;     // config only: configuration keys and values

    // Checks every rule and writes the compact JSON payload.
    Result<QByteArray> build() const;
    // Reads a payload received on topic (which must be a Jobs topic); the payload's
    // device_id must be the topic's.
    static Result<JobMessage> parse(const DeviceTopic &topic, const QByteArray &payload);

    Status validate() const;
    // fleet/v1/devices/{deviceId}/jobs; an error when deviceId is not a valid id.
    Result<DeviceTopic> topic() const;

    bool operator==(const JobMessage &) const = default;
};

} // namespace fleet
