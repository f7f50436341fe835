#include "SimulatedDeviceState.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

namespace fleet::sim {

QString SimulatedDeviceState::configHash() const
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (auto it = settings.cbegin(); it != settings.cend(); ++it)
        hash.addData((it.key() + QLatin1Char('=') + it.value() + QLatin1Char('\n')).toUtf8());
    return QStringLiteral("sha256:") + QString::fromLatin1(hash.result().toHex());
}

QJsonObject SimulatedDeviceState::toJson() const
{
    QJsonObject settingsJson;
    for (auto it = settings.cbegin(); it != settings.cend(); ++it)
        settingsJson.insert(it.key(), it.value());
    QJsonObject jobs;
    for (auto it = jobStates.cbegin(); it != jobStates.cend(); ++it)
        jobs.insert(it.key(), it.value());
    return QJsonObject{
        {QStringLiteral("boot_count"), bootCount},
        {QStringLiteral("slot_a"), slotVersions[0]},
        {QStringLiteral("slot_b"), slotVersions[1]},
        {QStringLiteral("active_slot"), slotName(activeSlot)},
        {QStringLiteral("settings"), settingsJson},
        {QStringLiteral("last_job_seq"), lastJobSeq},
        {QStringLiteral("jobs"), jobs},
        {QStringLiteral("pending_job"), pendingJobId},
        {QStringLiteral("pending_previous_slot"), pendingPreviousSlot},
        {QStringLiteral("pending_is_update"), pendingIsUpdate},
        {QStringLiteral("pending_rollback_reason"), pendingRollbackReason},
    };
}

Result<SimulatedDeviceState> SimulatedDeviceState::fromJson(const QJsonObject &json)
{
    SimulatedDeviceState state;
    state.bootCount = json.value(QStringLiteral("boot_count")).toInteger(-1);
    if (state.bootCount < 0 || state.bootCount > (qint64(1) << 20))
        return Error::invalid(QStringLiteral("boot_count is missing or out of range"));
    state.slotVersions[0] = json.value(QStringLiteral("slot_a")).toString();
    state.slotVersions[1] = json.value(QStringLiteral("slot_b")).toString();
    const QString active = json.value(QStringLiteral("active_slot")).toString();
    if (active != QLatin1String("a") && active != QLatin1String("b"))
        return Error::invalid(QStringLiteral("active_slot must be \"a\" or \"b\""));
    state.activeSlot = active == QLatin1String("a") ? 0 : 1;
    if (state.activeVersion().isEmpty())
        return Error::invalid(QStringLiteral("the active slot has no version"));
    const QJsonObject settings = json.value(QStringLiteral("settings")).toObject();
    for (auto it = settings.constBegin(); it != settings.constEnd(); ++it)
        state.settings.insert(it.key(), it.value().toString());
    state.lastJobSeq = json.value(QStringLiteral("last_job_seq")).toInteger(-1);
    const QJsonObject jobs = json.value(QStringLiteral("jobs")).toObject();
    for (auto it = jobs.constBegin(); it != jobs.constEnd(); ++it)
        state.jobStates.insert(it.key(), it.value().toString());
    state.pendingJobId = json.value(QStringLiteral("pending_job")).toString();
    state.pendingPreviousSlot = json.value(QStringLiteral("pending_previous_slot")).toInt(-1);
    state.pendingIsUpdate = json.value(QStringLiteral("pending_is_update")).toBool();
    state.pendingRollbackReason = json.value(QStringLiteral("pending_rollback_reason")).toString();
    return state;
}

Result<SimulatedDeviceState> SimulatedDeviceState::load(const QString &dir, const QString &deviceId)
{
    QFile file(QDir(dir).filePath(deviceId + QStringLiteral(".json")));
    if (!file.exists())
        return Error::notFound(QStringLiteral("no saved state for %1").arg(deviceId));
    if (!file.open(QIODevice::ReadOnly))
        return Error::failed(
            QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (!document.isObject())
        return Error::invalid(QStringLiteral("%1 is not a JSON object: %2")
                                  .arg(file.fileName(), error.errorString()));
    auto state = fromJson(document.object());
    if (!state)
        return Error::invalid(QStringLiteral("%1: %2").arg(file.fileName(), state.message()));
    return state;
}

Status SimulatedDeviceState::save(const QString &dir, const QString &deviceId) const
{
    if (!QDir().mkpath(dir))
        return Error::failed(QStringLiteral("cannot create the state directory %1").arg(dir));
    // QSaveFile: a crash mid-write leaves the previous state, never half a file.
    QSaveFile file(QDir(dir).filePath(deviceId + QStringLiteral(".json")));
    if (!file.open(QIODevice::WriteOnly))
        return Error::failed(
            QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString()));
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Compact));
    if (!file.commit())
        return Error::failed(
            QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString()));
    return {};
}

Status SimulatedDeviceState::remove(const QString &dir, const QString &deviceId)
{
    QFile file(QDir(dir).filePath(deviceId + QStringLiteral(".json")));
    if (file.exists() && !file.remove())
        return Error::failed(
            QStringLiteral("cannot remove %1: %2").arg(file.fileName(), file.errorString()));
    return {};
}

} // namespace fleet::sim
