#include "Clock.h"

namespace fleet {

const Clock &SystemClock::instance()
{
    static const SystemClock clock;
    return clock;
}

} // namespace fleet
