#pragma once

#include <functional>
#include <utility>

namespace fleet {

// The delays between reconnection attempts after an unexpected drop: 1 s, doubling up to 60 s,
// plus optional jitter so a fleet of clients does not hammer a restarted broker in lockstep.
// The jitter comes from an injected source so tests (and reproductions) are deterministic.
class MqttReconnectBackoff
{
public:
    static constexpr int InitialDelayMs = 1000;
    static constexpr int MaxDelayMs = 60000;

    // Returns a value in [0, boundMs) that is added to the delay.
    using JitterSource = std::function<int(int boundMs)>;

    // Without a jitter source the delays are exactly 1 s, 2 s, 4 s, ... 60 s.
    void setJitterSource(JitterSource source) { m_jitter = std::move(source); }
    // The delay before the next attempt; each call doubles the following one.
    int nextDelayMs();
    // After a successful connection the next drop starts again at 1 s.
    void reset() { m_baseMs = InitialDelayMs; }

private:
    int m_baseMs = InitialDelayMs;
    JitterSource m_jitter;
};

} // namespace fleet
