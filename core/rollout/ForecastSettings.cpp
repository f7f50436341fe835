#include "ForecastSettings.h"

namespace fleet {

Status ForecastSettings::validate() const
{
    if (!start.isValid())
        return Error::invalid(QStringLiteral("The forecast needs a start time"));
    if (devicesPerMinute < 1)
        return Error::invalid(QStringLiteral("The rate must be at least one device per minute"));
    if (maxConcurrent < 1)
        return Error::invalid(
            QStringLiteral("At least one device must be allowed to update at a time"));
    if (minutesPerDevice < 1)
        return Error::invalid(QStringLiteral("A device update takes at least one minute"));
    if (minutesBetweenWaves < 0)
        return Error::invalid(QStringLiteral("The time between waves cannot be negative"));
    if (horizonDays < 1 || horizonDays > 3660)
        return Error::invalid(QStringLiteral("The forecast horizon must be 1..3660 days"));
    return Status::success();
}

} // namespace fleet
