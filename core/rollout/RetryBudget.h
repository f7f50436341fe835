#pragma once

#include "util/Result.h"

#include <QString>
#include <array>

namespace fleet {

// Why a device's attempt failed, which decides whether and how often it may be tried again.
// Kept apart because they call for different patience: a download that broke on a flaky
// cellular link is worth several tries, an install that failed once rarely succeeds on the same
// device the second time, and a device that rejected the update said it does not fit.
enum class FailureKind {
    Download,   // fetching or checking the artifact failed
    Install,    // writing or activating it failed
    Validation, // after the reboot: wrong version, or health checks not passed in time
    Timeout,    // a step took longer than its limit
    Rejected,   // the device refused the update: never retried (AWS IoT Jobs' REJECTED)
};

// How many retries each kind of failure may have. After AWS IoT Jobs' retry criteria
// (numberOfRetries 0..10 per failure type, at most 10 in all); split finer than AWS's
// FAILED/TIMED_OUT because the step that failed matters on a plant floor.
struct RetryLimits
{
    int download = 3;
    int install = 1;
    // A device that installed, rebooted and then failed validation is normally rolled back,
    // not re-flashed with the same release: no retry unless the rollout asks for one.
    int validation = 0;
    int timeout = 2;
    int total = 10; // across all kinds

    int limitFor(FailureKind kind) const;
    // Each limit 0..10; rejected has no limit to set, it is always 0.
    Status validate() const;
};

// The retries one device has used in one rollout, against its limits. A value type: the
// engine stores usedFor() per kind with the device's rollout row and rebuilds it on restart.
class RetryBudget
{
public:
    explicit RetryBudget(RetryLimits limits = {});
    // A budget with `used` retries already spent per kind (Download, Install, Validation,
    // Timeout), as stored. Counts below 0 are refused.
    static Result<RetryBudget> restore(const RetryLimits &limits, const std::array<int, 4> &used);

    // Whether one more attempt after a failure of `kind` is allowed, and if not, why, in a
    // sentence for the operator who pressed "retry".
    Status allowsRetry(FailureKind kind) const;
    // Spends one retry of `kind`, or says why not (same sentences as allowsRetry).
    Status spend(FailureKind kind);

    int used(FailureKind kind) const;
    int usedTotal() const;
    // Retries of `kind` still possible, taking the overall cap into account.
    int remaining(FailureKind kind) const;
    const RetryLimits &limits() const { return m_limits; }

    // "download", "install", "validation", "timeout", "rejected".
    static QString kindName(FailureKind kind);
    static Result<FailureKind> parseKind(const QString &name);

private:
    RetryLimits m_limits;
    std::array<int, 4> m_used{}; // indexed by FailureKind, Rejected excluded
};

} // namespace fleet
