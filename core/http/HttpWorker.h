#pragma once

#include <QObject>
#include <atomic>
#include <memory>

namespace fleet {

struct HttpConnectionContext;

// One worker thread's share of an HttpServer's connections. Lives on its own QThread; adopt()
// runs there and creates the connection's socket on that thread. Deleting the worker (on its
// thread, when the thread finishes) closes its connections.
class HttpWorker : public QObject
{
    Q_OBJECT
public:
    explicit HttpWorker(std::shared_ptr<const HttpConnectionContext> context);

    // Takes over an accepted socket descriptor. Call on the worker's thread.
    void adopt(qintptr descriptor);
    // Connections served now; read from the listener's thread to pick the least busy worker.
    int load() const { return m_load.load(std::memory_order_relaxed); }
    void reserve() { m_load.fetch_add(1, std::memory_order_relaxed); }

private:
    std::shared_ptr<const HttpConnectionContext> m_context;
    std::atomic<int> m_load{0};
};

} // namespace fleet
