#include "HttpListener.h"

namespace fleet {

HttpListener::HttpListener(Dispatch dispatch, QObject *parent)
    : QTcpServer(parent)
    , m_dispatch(std::move(dispatch))
{}

void HttpListener::incomingConnection(qintptr descriptor)
{
    m_dispatch(descriptor);
}

} // namespace fleet
