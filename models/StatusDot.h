#pragma once

#include <QColor>
#include <QIcon>

namespace fleet {

// Small coloured dots that mark a device's connection and health in tables and forms.
class StatusDot
{
public:
    static QColor onlineColor(bool online);
    // "ok", "degraded", "failing"; anything else is shown as unknown.
    static QColor healthColor(const QString &health);
    // A filled circle of `color`; icons are cached per colour. GUI thread only.
    static QIcon icon(const QColor &color);
};

} // namespace fleet
