#pragma once

#include "rollout/WaveGroup.h"
#include "util/Result.h"

#include <QList>

namespace fleet {

// How the devices after the pilot are cut into waves:
// - ByCount: waves of N devices, the last one holding the rest.
// - ByCumulativePercent: hawkBit/Mender-style steps such as 1, 10, 50, 100; wave k ends at
//   ceil(p_k × n / 100) devices, so "1 %" of 40 devices is one device, not none. The steps must
//   rise and end at 100 so that every device lands in a wave. A step that adds no device (1 %
//   and 2 % of 30 devices are both one device) makes no wave rather than an empty one (Mender
//   refuses empty batches).
// - ByGroup: one wave per named group, in the order given. A device in several groups goes
//   into the first; target devices in none are excluded, with that reason, rather than being
//   swept into an extra wave nobody planned.
class WaveSplit
{
public:
    enum class Kind { ByCount, ByCumulativePercent, ByGroup };

    static Result<WaveSplit> byCount(qint64 devicesPerWave);
    static Result<WaveSplit> byCumulativePercent(const QList<int> &steps);
    static Result<WaveSplit> byGroup(const QList<WaveGroup> &groups);

    Kind kind() const { return m_kind; }
    qint64 devicesPerWave() const { return m_devicesPerWave; }
    const QList<int> &percentSteps() const { return m_percentSteps; }
    const QList<WaveGroup> &groups() const { return m_groups; }
    QString describe() const;

private:
    WaveSplit() = default;
    Kind m_kind = Kind::ByCount;
    qint64 m_devicesPerWave = 0;
    QList<int> m_percentSteps;
    QList<WaveGroup> m_groups;
};

} // namespace fleet
