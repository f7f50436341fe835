#pragma once

#include "rollout/ExcludedDevice.h"
#include "rollout/PlannedWave.h"

#include <QHash>
#include <QList>

namespace fleet {

// The result of WavePlanner: the pilot (when there is one) as the first wave, then the waves,
// then the devices left out and why. Every planned device is in exactly one wave.
class WavePlan
{
public:
    WavePlan() = default;
    WavePlan(QList<PlannedWave> waves, QList<ExcludedDevice> excluded);

    const QList<PlannedWave> &waves() const { return m_waves; }
    const QList<ExcludedDevice> &excluded() const { return m_excluded; }
    bool hasPilot() const { return !m_waves.isEmpty() && m_waves.front().isPilot; }
    qint64 deviceCount() const { return m_waveOfDevice.size(); }
    // Index into waves(), or -1 for a device that is not planned (excluded or unknown).
    int waveIndexOf(const QString &deviceUid) const { return m_waveOfDevice.value(deviceUid, -1); }

private:
    QList<PlannedWave> m_waves;
    QList<ExcludedDevice> m_excluded;
    QHash<QString, int> m_waveOfDevice;
};

} // namespace fleet
