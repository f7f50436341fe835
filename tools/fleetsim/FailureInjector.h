#pragma once

#include <QRandomGenerator>
#include <QString>

namespace fleet::sim {

// The injected failures of one device, drawn from a generator seeded with the run's --seed and
// the device id: the same seed gives every device the same fate, whatever order the devices
// start in or how many there are.
class FailureInjector
{
public:
    struct Rates
    {
        int failDownloadPercent = 0;
        int badBootPercent = 0;
        int offlinePercent = 0;
        int rejectPercent = 0;
    };

    FailureInjector(quint64 seed, const QString &deviceId, Rates rates);

    bool downloadBreaksOff() { return chance(m_rates.failDownloadPercent); }
    bool bootFails() { return chance(m_rates.badBootPercent); }
    bool dropsOffNow() { return chance(m_rates.offlinePercent); }
    bool rejectsJob() { return chance(m_rates.rejectPercent); }
    // A value in [0, bound), for spreading timers and choosing where a download breaks off.
    int spread(int bound);

    static quint64 deviceSeed(quint64 seed, const QString &deviceId);

private:
    bool chance(int percent);

    QRandomGenerator m_random;
    Rates m_rates;
};

} // namespace fleet::sim
