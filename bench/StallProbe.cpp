#include "StallProbe.h"

#include <algorithm>

namespace fleet::bench {

StallProbe::StallProbe(int intervalMs)
    : m_intervalMs(intervalMs)
{
    // A coarse timer may legitimately fire up to 5 % late; a precise one should not.
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(intervalMs);
    QObject::connect(&m_timer, &QTimer::timeout, [this] {
        const qint64 now = m_clock.nsecsElapsed();
        const qint64 late = now - m_lastNs - qint64(m_intervalMs) * 1000000;
        m_maxLateNs = std::max(m_maxLateNs, late);
        m_lastNs = now;
    });
}

void StallProbe::start()
{
    m_maxLateNs = 0;
    m_clock.start();
    m_lastNs = 0;
    m_timer.start();
}

void StallProbe::stop()
{
    m_timer.stop();
}

} // namespace fleet::bench
