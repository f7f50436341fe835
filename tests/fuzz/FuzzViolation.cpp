#include "FuzzTarget.h"

#include <cstdio>
#include <cstdlib>

void fuzzViolation(const char *what)
{
    std::fprintf(stderr, "fuzz target violation: %s\n", what);
    std::abort();
}
