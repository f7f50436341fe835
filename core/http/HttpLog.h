#pragma once

#include <QLoggingCategory>

namespace fleet {
// "fleet.http": one line per request (debug), one per refused client or TLS failure (info or
// warning), so a bad client is logged once, not per byte.
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
} // namespace fleet
