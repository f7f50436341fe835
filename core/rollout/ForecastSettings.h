#pragma once

#include "util/Result.h"

#include <QDateTime>

namespace fleet {

// The pace of a rollout, as the forecast assumes it.
struct ForecastSettings
{
    QDateTime start;             // when the rollout starts (UTC)
    int devicesPerMinute = 10;   // rate limit: devices started per minute, whole rollout
    int maxConcurrent = 100;     // devices updating at the same time, whole rollout
    int minutesPerDevice = 30;   // expected time from start to validated
    int minutesBetweenWaves = 0; // soak or approval time after a wave finishes
    int horizonDays = 90;        // devices not started by then are reported as not scheduled

    Status validate() const;
};

} // namespace fleet
