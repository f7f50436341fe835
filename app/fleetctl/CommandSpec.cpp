#include "CommandSpec.h"

namespace fleet {

qsizetype CommandSpec::minimumArguments() const
{
    qsizetype n = 0;
    for (const Argument &a : arguments)
        if (a.required)
            ++n;
    return n;
}

qsizetype CommandSpec::maximumArguments() const
{
    for (const Argument &a : arguments)
        if (a.repeatable)
            return -1;
    return arguments.size();
}

} // namespace fleet
