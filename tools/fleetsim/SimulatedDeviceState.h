#pragma once

#include "util/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QString>

namespace fleet::sim {

// What a simulated device keeps in "persistent storage": the boot counter behind its seq, its
// A/B slots, its configuration and the jobs it has accepted. With --state-dir it is a JSON file
// per device, so a restarted fleetsim continues where it stopped.
struct SimulatedDeviceState
{
    // seq = bootCount * 2^32 + messages since boot (docs/device-protocol.md, "Sequence numbers").
    qint64 bootCount = 0;
    QString slotVersions[2]; // a, b
    int activeSlot = 0;      // 0 = a, 1 = b
    QMap<QString, QString> settings;
    qint64 lastJobSeq = -1;
    QHash<QString, QString> jobStates; // job id -> last reported state
    // An update or rollback waiting for its reboot to finish: the job and the slot to return
    // to when the post-boot check fails.
    QString pendingJobId;
    int pendingPreviousSlot = -1;
    bool pendingIsUpdate = false;
    // Set when the new slot failed its post-boot check and the device is rebooting back into
    // the old one: the reason the job then reports with rolled_back.
    QString pendingRollbackReason;

    static QString slotName(int slot)
    {
        return slot == 0 ? QStringLiteral("a") : QStringLiteral("b");
    }
    QString activeVersion() const { return slotVersions[activeSlot]; }
    // "sha256:<hex>" over the sorted settings.
    QString configHash() const;

    QJsonObject toJson() const;
    static Result<SimulatedDeviceState> fromJson(const QJsonObject &json);

    // dir/<deviceId>.json; a missing file is NotFound.
    static Result<SimulatedDeviceState> load(const QString &dir, const QString &deviceId);
    Status save(const QString &dir, const QString &deviceId) const;
    static Status remove(const QString &dir, const QString &deviceId);
};

} // namespace fleet::sim
