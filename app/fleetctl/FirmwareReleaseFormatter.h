#pragma once

#include "firmware/Release.h"

#include <QString>

namespace fleet {

// How fleetctl shows a release to a person: `firmware show` as label/value lines.
class FirmwareReleaseFormatter
{
public:
    static QString details(const Release &release);
    // "a, b" or "-" when empty.
    static QString list(const QStringList &items);
};

} // namespace fleet
