#pragma once

#include <QTcpServer>
#include <functional>

namespace fleet {

// The listening socket of an HttpServer: hands every accepted socket descriptor on instead of
// creating a QTcpSocket here, so the socket can be created on the worker thread that serves it.
class HttpListener : public QTcpServer
{
    Q_OBJECT
public:
    using Dispatch = std::function<void(qintptr descriptor)>;
    explicit HttpListener(Dispatch dispatch, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    Dispatch m_dispatch;
};

} // namespace fleet
