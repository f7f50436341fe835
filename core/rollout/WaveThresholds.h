#pragma once

#include "util/Result.h"

#include <optional>

namespace fleet {

// When a wave's gate lets the rollout go on, pauses it for a person, or aborts it.
//
// The maths, and where it comes from (WaveVerdict::judge applies it):
// - Success (hawkBit's success condition, "≥"): succeeded × 100 ≥ successPercent × counted.
// - Failure rate (hawkBit's error condition, strictly ">"): failures × 100 > percent × finished.
//   Measured against the devices that have FINISHED, not against the whole wave as hawkBit
//   does, so a bad release is caught after its first few dozen devices instead of after Y % of
//   the wave has failed; the two measures agree once the wave is done.
// - The rate only counts once minFinishedForRate devices have finished (after AWS IoT Jobs'
//   minNumberOfExecutedThings, which counts devices notified; we count devices finished, since
//   a notified device has not yet said anything about the release), so one early failure does
//   not pause a 1,000-device wave. For a
//   wave smaller than the minimum, the minimum is the wave's size: a 3-device wave is judged
//   when its 3 devices are done.
// - Absolute counts: failures > pauseAfterFailures (or abortAfterFailures) acts at once,
//   whatever the rate, because 5 bricked pumps are 5 too many however big the wave is.
//   "0" means the first failure.
// All integer maths: percentages are whole numbers 0..100, no floating point, no rounding.
struct WaveThresholds
{
    int successPercent = 100;
    std::optional<int> pauseFailurePercent;
    std::optional<int> abortFailurePercent;
    std::optional<qint64> pauseAfterFailures;
    std::optional<qint64> abortAfterFailures;
    qint64 minFinishedForRate = 0;

    // Percentages within 0..100, counts not negative, and abort no stricter than pause (else
    // the pause could never be seen).
    Status validate() const;
};

} // namespace fleet
