#include "Device.h"

namespace fleet {

QStringList connectionKinds()
{
    return {QStringLiteral("mqtt"), QStringLiteral("ddi"), QStringLiteral("serial")};
}

QStringList healthValues()
{
    return {QStringLiteral("ok"), QStringLiteral("degraded"), QStringLiteral("failing"),
            QStringLiteral("unknown")};
}

} // namespace fleet
