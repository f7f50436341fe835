#pragma once

#include <QtGlobal>
#include <atomic>

namespace fleet {

// The counters an HttpServer and its workers update concurrently; HttpServer::counters() takes
// a snapshot. Relaxed atomics: each number is exact, the snapshot is not one instant.
struct HttpServerStats
{
    std::atomic<quint64> connections{0};
    std::atomic<quint64> openConnections{0};
    std::atomic<quint64> requests{0};
    std::atomic<quint64> responses2xx{0};
    std::atomic<quint64> responses4xx{0};
    std::atomic<quint64> responses5xx{0};
    std::atomic<quint64> refusedMalformed{0};
    std::atomic<quint64> refusedTooLarge{0};
    std::atomic<quint64> refusedOverCapacity{0};
    std::atomic<quint64> timedOut{0};
    std::atomic<quint64> tlsFailures{0};
    std::atomic<quint64> bytesSent{0};
    std::atomic<quint64> peakStreamBufferedBytes{0};

    static void add(std::atomic<quint64> &counter, quint64 amount = 1)
    {
        counter.fetch_add(amount, std::memory_order_relaxed);
    }
    static void raiseTo(std::atomic<quint64> &peak, quint64 value)
    {
        quint64 seen = peak.load(std::memory_order_relaxed);
        while (value > seen &&
               !peak.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
        }
    }
};

} // namespace fleet
