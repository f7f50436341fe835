#include "mqtt/MqttReconnectBackoff.h"

#include <algorithm>

namespace fleet {

int MqttReconnectBackoff::nextDelayMs()
{
    const int base = m_baseMs;
    m_baseMs = std::min(m_baseMs * 2, MaxDelayMs);
    // Up to a quarter of the base delay: enough to spread clients, never more than 75 s total.
    const int jitterBound = base / 4;
    const int jitter = m_jitter ? std::clamp(m_jitter(jitterBound), 0, jitterBound) : 0;
    return base + jitter;
}

} // namespace fleet
