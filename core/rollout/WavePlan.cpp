#include "WavePlan.h"

namespace fleet {

WavePlan::WavePlan(QList<PlannedWave> waves, QList<ExcludedDevice> excluded)
    : m_waves(std::move(waves))
    , m_excluded(std::move(excluded))
{
    for (int i = 0; i < m_waves.size(); ++i)
        for (const QString &uid : std::as_const(m_waves[i].deviceUids))
            m_waveOfDevice.insert(uid, i);
}

} // namespace fleet
