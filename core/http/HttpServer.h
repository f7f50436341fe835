#pragma once

#include "HttpHandler.h"
#include "util/Result.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslKey>
#include <chrono>
#include <memory>
#include <vector>

class QThread;

namespace fleet {

class HttpListener;
class HttpWorker;
struct HttpServerStats;

struct HttpServerOptions
{
    QHostAddress address = QHostAddress::Any;
    quint16 port = 0; // 0 = any free port
    bool tls = true;  // HTTPS by default; plain HTTP only when asked
    QSslCertificate certificate;
    QList<QSslCertificate> chain; // intermediates sent after the certificate
    QSslKey privateKey;
    int workerThreads = 0; // 0 = min(QThread::idealThreadCount(), 4)
    qint64 maxHeaderBytes = 16 * 1024;
    qint64 maxBodyBytes = 1024 * 1024;
    // Whole request head + body must arrive in this time (slow-client defence), counted from
    // the request's first byte; a new connection must send its first request within it too.
    std::chrono::milliseconds headerTimeout{10000};
    // Keep-alive idle; also how long a response may make no progress towards a reader, and how
    // long a TLS handshake may take (generous: a whole fleet reconnecting at once after a
    // restart queues its handshakes, and a handshake costs the server no more than an idle
    // keep-alive connection does).
    std::chrono::milliseconds idleTimeout{60000};
    int maxConnections = 20000;
};

struct HttpServerCounters
{
    quint64 connections = 0;     // accepted in total
    quint64 openConnections = 0; // open now
    quint64 requests = 0;        // complete requests handed to the handler
    quint64 responses2xx = 0;
    quint64 responses4xx = 0;
    quint64 responses5xx = 0;
    quint64 refusedMalformed = 0;    // 400, 417, 501, 505 from the parser
    quint64 refusedTooLarge = 0;     // 413, 414, 431
    quint64 refusedOverCapacity = 0; // closed at once: maxConnections were open
    quint64 timedOut = 0;    // request late (408), no first request, TLS handshake, stalled reader
    quint64 tlsFailures = 0; // connections that closed before the TLS handshake ended
    quint64 bytesSent = 0;   // response bytes written (plain text; with TLS: encrypted and queued)
    // The most response bytes one connection held in its socket buffers while streaming a file:
    // stays near the write threshold however large the file or slow the reader.
    quint64 peakStreamBufferedBytes = 0;
};

// An HTTP/1.1 server (HTTPS by default) for device-facing endpoints: the listening socket lives
// on this object's thread, each accepted connection is handed to one of a few worker threads
// (each with its own event loop) where its socket is created and the handler is called.
// Requests are parsed by HttpRequestParser; keep-alive and pipelining are answered in order;
// files are streamed in chunks only as fast as the client reads them.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    explicit HttpServer(std::shared_ptr<HttpHandler> handler, QObject *parent = nullptr);
    ~HttpServer() override; // stops the workers, closes every connection

    // Starts listening; a clear message on failure (port in use, no key for TLS, key not
    // matching the certificate...). Raises the process's open file limit to its hard limit.
    Status listen(const HttpServerOptions &options);
    // Stops accepting and closes every connection (waits for handlers still running).
    void close();
    bool isListening() const;
    quint16 port() const;
    HttpServerCounters counters() const; // thread-safe snapshot (atomics)

private:
    void dispatch(qintptr descriptor);

    std::shared_ptr<HttpHandler> m_handler;
    std::shared_ptr<HttpServerStats> m_stats;
    HttpListener *m_listener = nullptr;
    std::vector<QThread *> m_threads;
    std::vector<HttpWorker *> m_workers;
    int m_maxConnections = 0;
    bool m_overCapacityLogged = false;
};

} // namespace fleet
