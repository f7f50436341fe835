#include "HttpWorker.h"

#include "HttpConnection.h"
#include "HttpConnectionContext.h"

namespace fleet {

HttpWorker::HttpWorker(std::shared_ptr<const HttpConnectionContext> context)
    : m_context(std::move(context))
{}

void HttpWorker::adopt(qintptr descriptor)
{
    auto *connection = new HttpConnection(m_context, this);
    connect(connection, &HttpConnection::closed, this, [this, connection] {
        m_load.fetch_sub(1, std::memory_order_relaxed);
        connection->deleteLater();
    });
    connection->start(descriptor);
}

} // namespace fleet
