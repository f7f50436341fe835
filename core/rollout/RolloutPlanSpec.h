#pragma once

#include "rollout/DeviceStepTimeouts.h"
#include "rollout/ForecastSettings.h"
#include "rollout/MaintenanceWindow.h"
#include "rollout/RetryBudget.h"
#include "rollout/WaveSplit.h"
#include "rollout/WaveThresholds.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace fleet {

// Everything a rollout's plan says, as one value: how the devices are cut into waves, the pilot,
// the maintenance windows, the pace (rate, concurrency), the wave gates, the step timeouts and
// the retry limits. It is what `rollout create` stores (as plan_json) and what the engine will
// read back, so the JSON is the stored format: keys are stable, absent keys take the defaults
// (a spec written before a key existed still loads), a key of the wrong type is an error.
struct RolloutPlanSpec
{
    WaveSplit split = oneWave();
    QString pilotGroup; // informational: the pilot's devices are stored with the rollout
    QList<MaintenanceWindow> windows; // empty: any time
    int devicesPerMinute = 10;
    int maxConcurrent = 100;
    int minutesPerDevice = 30;
    int minutesBetweenWaves = 0;
    WaveThresholds thresholds;
    DeviceStepTimeouts timeouts;
    RetryLimits retries;
    // Failed devices whose retries are spent go back to their known-good version without
    // waiting for a person (issue #5: "automatically or on command").
    bool autoRollback = false;
    // A second operator must approve the rollout before it can start (four-eyes).
    bool requireApproval = false;
    // After the pilot passed, the rollout pauses until a person resumes it, even when a signed
    // test pass for the artifact already exists.
    bool approvePilot = false;

    // The default split: every device after the pilot in one wave.
    static WaveSplit oneWave();

    // The pace as the forecaster takes it, starting at `start`.
    ForecastSettings forecastSettings(const QDateTime &start) const;
    // Checks every part with the rules of its own class; the first problem is returned.
    Status validate() const;

    QJsonObject toJson() const;
    static Result<RolloutPlanSpec> fromJson(const QJsonObject &json);
};

} // namespace fleet
