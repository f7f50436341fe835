#pragma once

#include <QString>

namespace fleet {

// Drains OpenSSL's per-thread error queue and returns its first entry as text (empty when there
// was none), so a failure is explained once and does not leak into the next, unrelated call.
QString takeOpenSslError();

} // namespace fleet
