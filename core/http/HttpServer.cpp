#include "HttpServer.h"

#include "HttpConnectionContext.h"
#include "HttpListener.h"
#include "HttpLog.h"
#include "HttpWorker.h"

#include <QSslSocket>
#include <QThread>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace fleet {

Q_LOGGING_CATEGORY(lcHttp, "fleet.http", QtInfoMsg)

namespace {

// Whether the private key belongs to the certificate. QSslKey cannot tell, so ask OpenSSL (the
// backend QSslSocket uses here too) rather than fail every handshake later.
bool keyMatchesCertificate(const QSslCertificate &certificate, const QSslKey &key)
{
    const QByteArray certificatePem = certificate.toPem();
    const QByteArray keyPem = key.toPem();
    BIO *certificateBio = BIO_new_mem_buf(certificatePem.constData(), int(certificatePem.size()));
    BIO *keyBio = BIO_new_mem_buf(keyPem.constData(), int(keyPem.size()));
    X509 *x509 =
        certificateBio ? PEM_read_bio_X509(certificateBio, nullptr, nullptr, nullptr) : nullptr;
    EVP_PKEY *pkey = keyBio ? PEM_read_bio_PrivateKey(keyBio, nullptr, nullptr, nullptr) : nullptr;
    const bool matches = x509 && pkey && X509_check_private_key(x509, pkey) == 1;
    EVP_PKEY_free(pkey);
    X509_free(x509);
    BIO_free(keyBio);
    BIO_free(certificateBio);
    return matches;
}

// Each connection is a descriptor: 10,000 keep-alive clients need more than the usual soft
// limit of 1024, and the hard limit is ours to use.
void raiseOpenFileLimit()
{
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
        return;
    const rlim_t previous = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) == 0)
        qCDebug(lcHttp) << "open file limit raised from" << previous << "to" << limit.rlim_cur;
#endif
}

void closeDescriptor(qintptr descriptor)
{
#ifdef Q_OS_UNIX
    ::close(int(descriptor));
#else
    Q_UNUSED(descriptor);
#endif
}

// An accepted descriptor on its way to a worker: closed if the worker never takes it (the
// server shut down while the hand-over was queued).
class PendingDescriptor
{
public:
    PendingDescriptor(qintptr descriptor, std::shared_ptr<HttpServerStats> stats)
        : m_descriptor(descriptor)
        , m_stats(std::move(stats))
    {}
    ~PendingDescriptor()
    {
        if (m_descriptor < 0)
            return;
        closeDescriptor(m_descriptor);
        m_stats->openConnections.fetch_sub(1, std::memory_order_relaxed);
    }
    PendingDescriptor(const PendingDescriptor &) = delete;
    PendingDescriptor &operator=(const PendingDescriptor &) = delete;
    qintptr take() { return std::exchange(m_descriptor, -1); }

private:
    qintptr m_descriptor;
    std::shared_ptr<HttpServerStats> m_stats;
};

QString endpointText(const QHostAddress &address, quint16 port)
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(address.toString())
                             : address.toString();
    return QStringLiteral("%1:%2").arg(host).arg(port);
}

} // namespace

HttpServer::HttpServer(std::shared_ptr<HttpHandler> handler, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
    , m_stats(std::make_shared<HttpServerStats>())
{}

HttpServer::~HttpServer()
{
    close();
}

Status HttpServer::listen(const HttpServerOptions &options)
{
    if (isListening())
        return Error::failed(
            QStringLiteral("The HTTP server is already listening on port %1.").arg(port()));
    if (!m_handler)
        return Error::invalid(QStringLiteral("The HTTP server has no request handler."));
    if (options.maxHeaderBytes < 256 || options.maxBodyBytes < 0 ||
        options.headerTimeout.count() <= 0 || options.idleTimeout.count() <= 0 ||
        options.maxConnections <= 0 || options.workerThreads < 0)
        return Error::invalid(QStringLiteral("The HTTP server options are out of range."));

    auto context = std::make_shared<HttpConnectionContext>();
    context->handler = m_handler;
    context->stats = m_stats;
    context->options = options;
    if (options.tls) {
        if (!QSslSocket::supportsSsl())
            return Error::failed(QStringLiteral("HTTPS is not available: Qt has no TLS backend "
                                                "(is OpenSSL 3 installed?)."));
        if (options.certificate.isNull())
            return Error::invalid(QStringLiteral("HTTPS needs a server certificate."));
        if (options.privateKey.isNull())
            return Error::invalid(QStringLiteral("HTTPS needs the private key of the server "
                                                 "certificate."));
        if (!keyMatchesCertificate(options.certificate, options.privateKey))
            return Error::invalid(QStringLiteral("The private key does not belong to the server "
                                                 "certificate \"%1\".")
                                      .arg(options.certificate.subjectDisplayName()));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificateChain(QList<QSslCertificate>{options.certificate} + options.chain);
        tls.setPrivateKey(options.privateKey);
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        context->tls = tls;
    }

    raiseOpenFileLimit();
    m_listener = new HttpListener([this](qintptr descriptor) { dispatch(descriptor); }, this);
    m_listener->setListenBacklogSize(1024);
    if (!m_listener->listen(options.address, options.port)) {
        const QString message =
            QStringLiteral("Cannot listen on %1: %2")
                .arg(endpointText(options.address, options.port), m_listener->errorString());
        delete m_listener;
        m_listener = nullptr;
        return Error::failed(message);
    }

    const int workers = options.workerThreads > 0 ? options.workerThreads
                                                  : qBound(1, QThread::idealThreadCount(), 4);
    for (int i = 0; i < workers; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("http-worker-%1").arg(i));
        auto *worker = new HttpWorker(context);
        worker->moveToThread(thread);
        // The worker (and with it every connection and socket) is deleted on its own thread
        // when the thread's event loop ends.
        connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        thread->start();
        m_threads.push_back(thread);
        m_workers.push_back(worker);
    }
    m_maxConnections = options.maxConnections;
    qCInfo(lcHttp).noquote() << (options.tls ? "HTTPS" : "HTTP") << "server listening on"
                             << endpointText(options.address, port()) << "with" << workers
                             << "worker threads";
    return Status::success();
}

void HttpServer::dispatch(qintptr descriptor)
{
    auto &stats = *m_stats;
    if (m_workers.empty() ||
        stats.openConnections.load(std::memory_order_relaxed) >= quint64(m_maxConnections)) {
        closeDescriptor(descriptor);
        HttpServerStats::add(stats.refusedOverCapacity);
        if (!m_overCapacityLogged)
            qCWarning(lcHttp) << "refusing connections:" << m_maxConnections
                              << "are open (logged once until a connection is accepted again)";
        m_overCapacityLogged = true;
        return;
    }
    m_overCapacityLogged = false;
    HttpServerStats::add(stats.connections);
    HttpServerStats::add(stats.openConnections);
    HttpWorker *target = m_workers.front();
    for (HttpWorker *worker : m_workers)
        if (worker->load() < target->load())
            target = worker;
    target->reserve();
    auto pending = std::make_shared<PendingDescriptor>(descriptor, m_stats);
    QMetaObject::invokeMethod(
        target, [target, pending] { target->adopt(pending->take()); }, Qt::QueuedConnection);
}

void HttpServer::close()
{
    if (m_listener) {
        m_listener->close();
        delete m_listener;
        m_listener = nullptr;
    }
    for (QThread *thread : m_threads) {
        thread->quit();
        thread->wait();
        delete thread;
    }
    m_threads.clear();
    m_workers.clear();
}

bool HttpServer::isListening() const
{
    return m_listener && m_listener->isListening();
}

quint16 HttpServer::port() const
{
    return m_listener ? m_listener->serverPort() : 0;
}

HttpServerCounters HttpServer::counters() const
{
    const auto load = [](const std::atomic<quint64> &value) {
        return value.load(std::memory_order_relaxed);
    };
    const HttpServerStats &s = *m_stats;
    HttpServerCounters c;
    c.connections = load(s.connections);
    c.openConnections = load(s.openConnections);
    c.requests = load(s.requests);
    c.responses2xx = load(s.responses2xx);
    c.responses4xx = load(s.responses4xx);
    c.responses5xx = load(s.responses5xx);
    c.refusedMalformed = load(s.refusedMalformed);
    c.refusedTooLarge = load(s.refusedTooLarge);
    c.refusedOverCapacity = load(s.refusedOverCapacity);
    c.timedOut = load(s.timedOut);
    c.tlsFailures = load(s.tlsFailures);
    c.bytesSent = load(s.bytesSent);
    c.peakStreamBufferedBytes = load(s.peakStreamBufferedBytes);
    return c;
}

} // namespace fleet
