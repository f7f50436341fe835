#pragma once

#include "rollout/ForecastSettings.h"
#include "rollout/RolloutForecast.h"
#include "rollout/WavePlan.h"
#include "rollout/WeeklySchedule.h"
#include "util/Result.h"

#include <QHash>

namespace fleet {

// Projects a wave plan onto time: the "simulate this plan" preview of issue #5. An
// event-driven simulation in whole minutes, with time only moving forward:
//
// - Waves run one after another. A wave becomes ready when every scheduled device of the wave
//   before it is expected to have finished, plus minutesBetweenWaves. The forecast assumes every
//   device succeeds; gates that let a wave go early (success below 100 %) only make it sooner.
// - Within a wave, devices start in plan order, but a device whose window is closed does not
//   hold up devices at sites whose window is open.
// - A device starts only inside its site's window and only if its expected duration fits
//   before the window closes (see StartableTimeline); at most devicesPerMinute start in any
//   minute and at most maxConcurrent run at once, across the whole rollout.
// - A device that cannot start before the horizon is listed with the reason (its windows are
//   too short for the expected duration, or none opens in time) instead of delaying the
//   forecast forever.
//
// Devices whose site has no schedule (or who have no site) may start at any time; they are
// flagged (RolloutForecast::Device::withoutWindow) so the wizard can say so.
//
// Cost: one step per minute in which devices start or per event (window opening, device
// finishing), each O(log sites); window arithmetic is shared by every site with the same
// schedule and zone. 10,000 devices across a week of windows takes tens of milliseconds.
class RolloutForecaster
{
public:
    static Result<RolloutForecast> forecast(const WavePlan &plan,
                                            const QHash<QString, QString> &siteOfDevice,
                                            const QHash<QString, WeeklySchedule> &scheduleOfSite,
                                            const ForecastSettings &settings);
};

} // namespace fleet
