#pragma once

#include "HttpHandler.h"
#include "HttpServer.h"
#include "HttpServerStats.h"

#include <QSslConfiguration>
#include <memory>

namespace fleet {

// What every connection of one HttpServer shares, read-only after listen().
struct HttpConnectionContext
{
    std::shared_ptr<HttpHandler> handler;
    std::shared_ptr<HttpServerStats> stats;
    HttpServerOptions options;
    QSslConfiguration tls; // used when options.tls
};

} // namespace fleet
