#include "rollout/WaveTimeline.h"

#include <algorithm>

namespace fleet {

QList<WaveTimeline> WaveTimeline::build(const WavePlan &plan, const RolloutForecast &forecast,
                                        const QHash<QString, QString> &zoneOfDevice)
{
    QList<WaveTimeline> waves;
    const qsizetype count = std::min(plan.waves().size(), forecast.waves().size());
    for (qsizetype w = 0; w < count; ++w) {
        const PlannedWave &planned = plan.waves().at(w);
        const RolloutForecast::Wave &projected = forecast.waves().at(w);
        WaveTimeline t;
        t.name = planned.name;
        t.isPilot = planned.isPilot;
        t.deviceUids = planned.deviceUids;
        t.scheduled = projected.scheduled;
        t.readyAt = projected.readyAt;
        t.firstStart = projected.firstStart;
        t.lastFinish = projected.lastFinish;
        for (const QString &uid : planned.deviceUids) {
            const QString zone = zoneOfDevice.value(uid);
            if (zone.isEmpty() || (!t.sharedTimeZone.isEmpty() && zone != t.sharedTimeZone)) {
                t.sharedTimeZone.clear();
                break;
            }
            t.sharedTimeZone = zone;
        }
        waves << t;
    }
    // Devices come in plan order, wave by wave: one pass fills every wave.
    for (const RolloutForecast::Device &d : forecast.devices()) {
        if (d.wave < 0 || d.wave >= waves.size())
            continue;
        WaveTimeline &t = waves[d.wave];
        if (!d.start.isValid())
            t.notScheduled.append({d.uid, d.notScheduledReason});
        if (d.withoutWindow)
            t.withoutWindow << d.uid;
    }
    return waves;
}

} // namespace fleet
