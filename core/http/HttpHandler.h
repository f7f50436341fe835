#pragma once

#include "HttpRequest.h"
#include "HttpResponse.h"

namespace fleet {

// What an HttpServer asks for the answer to each request.
class HttpHandler
{
public:
    virtual ~HttpHandler() = default;
    // Called on one of the server's worker threads, possibly on several at once, so it must be
    // thread-safe. It may block briefly (a SQLite query), never long.
    virtual HttpResponse handle(const HttpRequest &request) = 0;
};

} // namespace fleet
