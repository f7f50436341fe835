#include "DeviceMessages.h"

#include "SimulatedDeviceState.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

namespace fleet::sim {

namespace {

QJsonObject envelope(qint64 seq, const QDateTime &ts)
{
    return QJsonObject{{QStringLiteral("v"), 1},
                       {QStringLiteral("seq"), seq},
                       {QStringLiteral("ts"), ts.toUTC().toString(Qt::ISODateWithMs)}};
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

QByteArray DeviceMessages::presence(const QString &deviceId, qint64 seq, const QDateTime &ts,
                                    bool online)
{
    QJsonObject json = envelope(seq, ts);
    json.insert(QStringLiteral("device_id"), deviceId);
    json.insert(QStringLiteral("state"),
                online ? QStringLiteral("online") : QStringLiteral("offline"));
    if (online)
        json.insert(QStringLiteral("agent"), QString::fromLatin1(agent));
    return compact(json);
}

QByteArray DeviceMessages::inventory(const Identity &identity, const SimulatedDeviceState &state,
                                     qint64 seq, const QDateTime &ts)
{
    QJsonObject json = envelope(seq, ts);
    json.insert(QStringLiteral("device_id"), identity.deviceId);
    json.insert(QStringLiteral("model"), identity.model);
    if (!identity.hwRevision.isEmpty())
        json.insert(QStringLiteral("hw_revision"), identity.hwRevision);
    json.insert(
        QStringLiteral("firmware"),
        QJsonObject{{QStringLiteral("version"), state.activeVersion()},
                    {QStringLiteral("slot"), SimulatedDeviceState::slotName(state.activeSlot)}});
    const QString version = state.activeVersion();
    json.insert(
        QStringLiteral("components"),
        QJsonArray{
            QJsonObject{{QStringLiteral("name"), QStringLiteral("fleetsim-firmware")},
                        {QStringLiteral("version"), version},
                        {QStringLiteral("purl"),
                         QStringLiteral("pkg:generic/fleetsim-firmware@") + version}},
            QJsonObject{{QStringLiteral("name"), QStringLiteral("openssl")},
                        {QStringLiteral("version"), QStringLiteral("3.0.13")},
                        {QStringLiteral("purl"), QStringLiteral("pkg:generic/openssl@3.0.13")},
                        {QStringLiteral("cpe"),
                         QStringLiteral("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*")}}});
    json.insert(QStringLiteral("config_hash"), state.configHash());
    // Locally administered MACs (02:...) and addresses from 10.0.0.0/8, derived from the index.
    const int i = identity.index;
    json.insert(
        QStringLiteral("network"),
        QJsonObject{
            {QStringLiteral("mac"), QStringLiteral("02:46:53:%1:%2:%3")
                                        .arg((i >> 16) & 0xff, 2, 16, QLatin1Char('0'))
                                        .arg((i >> 8) & 0xff, 2, 16, QLatin1Char('0'))
                                        .arg(i & 0xff, 2, 16, QLatin1Char('0'))
                                        .toUpper()},
            {QStringLiteral("ip"), QStringLiteral("10.%1.%2.%3")
                                       .arg((i >> 16) & 0xff)
                                       .arg((i >> 8) & 0xff)
                                       .arg(i & 0xff)},
            {QStringLiteral("hostname"), identity.deviceId.toLower()
                                             .replace(QLatin1Char('_'), QLatin1Char('-'))
                                             .replace(QLatin1Char(':'), QLatin1Char('-'))}});
    return compact(json);
}

QByteArray DeviceMessages::heartbeat(qint64 seq, const QDateTime &ts, qint64 uptimeSeconds,
                                     qint64 freeMemory, int signalDbm)
{
    QJsonObject json = envelope(seq, ts);
    json.insert(QStringLiteral("uptime_s"), uptimeSeconds);
    json.insert(QStringLiteral("free_memory_bytes"), freeMemory);
    json.insert(QStringLiteral("signal_dbm"), signalDbm);
    json.insert(QStringLiteral("checks"),
                QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("disk")},
                                       {QStringLiteral("status"), QStringLiteral("ok")}}});
    return compact(json);
}

QByteArray DeviceMessages::jobReport(const QString &jobId, qint64 seq, const QDateTime &ts,
                                     const QString &state, std::optional<int> percent,
                                     const QString &reason)
{
    QJsonObject json = envelope(seq, ts);
    json.insert(QStringLiteral("job_id"), jobId);
    json.insert(QStringLiteral("state"), state);
    if (percent)
        json.insert(QStringLiteral("percent"), std::clamp(*percent, 0, 100));
    if (!reason.isEmpty())
        json.insert(QStringLiteral("reason"), reason.left(1024));
    return compact(json);
}

bool DeviceMessages::isFinalState(const QString &state)
{
    return state == QLatin1String("succeeded") || state == QLatin1String("failed") ||
           state == QLatin1String("rejected") || state == QLatin1String("rolled_back");
}

} // namespace fleet::sim
