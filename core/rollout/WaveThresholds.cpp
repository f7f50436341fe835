#include "WaveThresholds.h"

namespace fleet {

namespace {

bool isPercent(std::optional<int> p)
{
    return !p || (*p >= 0 && *p <= 100);
}

} // namespace

Status WaveThresholds::validate() const
{
    if (successPercent < 0 || successPercent > 100)
        return Error::invalid(
            QStringLiteral("The success threshold must be 0..100 %, not %1").arg(successPercent));
    if (!isPercent(pauseFailurePercent) || !isPercent(abortFailurePercent))
        return Error::invalid(QStringLiteral("Failure thresholds must be 0..100 %"));
    if ((pauseAfterFailures && *pauseAfterFailures < 0) ||
        (abortAfterFailures && *abortAfterFailures < 0) || minFinishedForRate < 0)
        return Error::invalid(QStringLiteral("Failure counts cannot be negative"));
    if (pauseFailurePercent && abortFailurePercent && *abortFailurePercent < *pauseFailurePercent)
        return Error::invalid(
            QStringLiteral("The abort threshold (%1 %) is below the pause threshold (%2 %): the "
                           "rollout would abort before it could pause")
                .arg(*abortFailurePercent)
                .arg(*pauseFailurePercent));
    if (pauseAfterFailures && abortAfterFailures && *abortAfterFailures < *pauseAfterFailures)
        return Error::invalid(
            QStringLiteral("The abort count (more than %1 failures) is below the pause count "
                           "(more than %2): the rollout would abort before it could pause")
                .arg(*abortAfterFailures)
                .arg(*pauseAfterFailures));
    return Status::success();
}

} // namespace fleet
