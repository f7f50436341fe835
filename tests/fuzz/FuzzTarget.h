#pragma once

#include <cstddef>
#include <cstdint>

// Each fuzz target defines this libFuzzer entry point. Built with -DFLEETDESK_FUZZ=ON (clang),
// libFuzzer drives it; in the normal build ReplayMain.cpp runs it over the committed corpus as
// a regression test.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

// Stops the run: a fuzz target found input that broke a promise (not merely bad input, which
// must be rejected cleanly).
[[noreturn]] void fuzzViolation(const char *what);
