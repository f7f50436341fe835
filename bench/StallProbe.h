#pragma once

#include <QElapsedTimer>
#include <QTimer>

namespace fleet::bench {

// Measures how long the thread it lives on (the GUI thread) was kept from its event loop: a
// timer asks to run every `intervalMs`, and the probe records by how much it ran late, at
// most. Anything the thread does between two timer events counts, as a user would feel it.
class StallProbe
{
public:
    explicit StallProbe(int intervalMs = 5);

    void start();
    void stop();
    // The largest lateness since start(), in milliseconds.
    double maxStallMs() const { return double(m_maxLateNs) / 1e6; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    qint64 m_maxLateNs = 0;
    int m_intervalMs;
};

} // namespace fleet::bench
