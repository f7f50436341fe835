#include "crypto/OpenSslErrors.h"

#include <openssl/err.h>

namespace fleet {

QString takeOpenSslError()
{
    const unsigned long first = ERR_get_error();
    ERR_clear_error();
    if (first == 0)
        return {};
    const char *reason = ERR_reason_error_string(first);
    if (reason)
        return QString::fromUtf8(reason);
    char buffer[256];
    ERR_error_string_n(first, buffer, sizeof buffer);
    return QString::fromUtf8(buffer);
}

} // namespace fleet
