#include "DeviceStepTimeouts.h"

namespace fleet {

Status DeviceStepTimeouts::validate() const
{
    const struct
    {
        const char *what;
        qint64 ms;
    } checks[] = {{"download", downloadMs},
                  {"install", installMs},
                  {"reboot", rebootMs},
                  {"validation", validationMs}};
    for (const auto &c : checks) {
        if (c.ms <= 0)
            return Error::invalid(QStringLiteral("The %1 step needs a time limit above zero: "
                                                 "without one a silent device would hold its "
                                                 "wave open for ever")
                                      .arg(QLatin1String(c.what)));
    }
    if (inProgressMs && *inProgressMs <= 0)
        return Error::invalid(
            QStringLiteral("The limit for a whole device update must be above zero"));
    return Status::success();
}

qint64 DeviceStepTimeouts::limitFor(DeviceStep step) const
{
    switch (step) {
    case DeviceStep::None:
        return 0;
    case DeviceStep::Download:
        return downloadMs;
    case DeviceStep::Install:
        return installMs;
    case DeviceStep::Reboot:
        return rebootMs;
    case DeviceStep::Validation:
        return validationMs;
    }
    return 0;
}

DeviceStep DeviceStepTimeouts::stepOf(RolloutDeviceState state)
{
    switch (state) {
    case RolloutDeviceState::Notified:
    case RolloutDeviceState::Downloading:
        return DeviceStep::Download;
    case RolloutDeviceState::Downloaded:
    case RolloutDeviceState::Verified:
    case RolloutDeviceState::Installing:
        return DeviceStep::Install;
    case RolloutDeviceState::Rebooting:
        return DeviceStep::Reboot;
    case RolloutDeviceState::Validating:
        return DeviceStep::Validation;
    default:
        return DeviceStep::None;
    }
}

QString DeviceStepTimeouts::stepName(DeviceStep step)
{
    switch (step) {
    case DeviceStep::None:
        return QStringLiteral("none");
    case DeviceStep::Download:
        return QStringLiteral("download");
    case DeviceStep::Install:
        return QStringLiteral("install");
    case DeviceStep::Reboot:
        return QStringLiteral("reboot");
    case DeviceStep::Validation:
        return QStringLiteral("validation");
    }
    return {};
}

QString DeviceStepTimeouts::durationText(qint64 ms)
{
    const qint64 minute = 60 * 1000;
    if (ms % minute == 0)
        return ms == minute ? QStringLiteral("1 minute")
                            : QStringLiteral("%1 minutes").arg(ms / minute);
    const qint64 seconds = (ms + 999) / 1000;
    return seconds == 1 ? QStringLiteral("1 second") : QStringLiteral("%1 seconds").arg(seconds);
}

} // namespace fleet
