#include "HttpConnection.h"

#include "HttpByteRange.h"
#include "HttpConnectionContext.h"
#include "HttpLog.h"

#include <QDateTime>
#include <QFile>
#include <QLocale>
#include <QSslSocket>
#include <QTcpSocket>
#include <exception>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <unistd.h>
#endif

namespace fleet {

namespace {

// "Date" value (RFC 9110 5.6.7), formatted once per second per worker thread.
QByteArray httpDate()
{
    thread_local qint64 cachedSecond = -1;
    thread_local QByteArray cached;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (now != cachedSecond) {
        cachedSecond = now;
        cached = QLocale::c()
                     .toString(QDateTime::fromSecsSinceEpoch(now, Qt::UTC),
                               QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
                     .toLatin1();
    }
    return cached;
}

// Headers whose value only the server can know (framing, connection management).
bool isServerOwnedHeader(const QByteArray &name)
{
    static const QByteArrayView owned[] = {
        "content-length", "transfer-encoding", "connection", "date",
        "content-range",  "accept-ranges",     "keep-alive", "upgrade"};
    for (const QByteArrayView candidate : owned)
        if (name.compare(candidate, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

bool statusHasNoBody(int status)
{
    return status == 204 || status == 304;
}

} // namespace

HttpConnection::HttpConnection(std::shared_ptr<const HttpConnectionContext> context,
                               QObject *parent)
    : QObject(parent)
    , m_context(std::move(context))
    , m_parser(HttpRequestParser::Limits{m_context->options.maxHeaderBytes,
                                         m_context->options.maxBodyBytes, 100})
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HttpConnection::onTimeout);
}

HttpConnection::~HttpConnection()
{
    if (m_socket) {
        QObject::disconnect(m_socket, nullptr, this, nullptr);
        m_socket->abort();
    }
    m_context->stats->openConnections.fetch_sub(1, std::memory_order_relaxed);
}

void HttpConnection::start(qintptr descriptor)
{
    if (m_context->options.tls) {
        m_sslSocket = new QSslSocket(this);
        m_socket = m_sslSocket;
    } else {
        m_socket = new QTcpSocket(this);
    }
    if (!m_socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcHttp) << "cannot adopt an accepted connection:" << m_socket->errorString();
#ifdef Q_OS_UNIX
        ::close(int(descriptor));
#endif
        finish();
        return;
    }
    // Qt stops reading from the kernel when this much is buffered and nobody reads: a client
    // that pipelines while a file is streamed to it is held back by TCP, not by our memory.
    m_socket->setReadBufferSize(ChunkBytes);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::processInput);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this](qint64 written) {
        HttpServerStats::add(m_context->stats->bytesSent, quint64(written));
        onBytesWritten();
    });
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &HttpConnection::onError);
    if (m_sslSocket) {
        connect(m_sslSocket, &QSslSocket::encrypted, this, &HttpConnection::onEncrypted);
        connect(m_sslSocket, &QSslSocket::encryptedBytesWritten, this,
                &HttpConnection::onBytesWritten);
        m_sslSocket->setSslConfiguration(m_context->tls);
        m_sslSocket->startServerEncryption();
    } else {
        m_ready = true;
    }
    updateTimer();
    if (m_ready && m_socket->bytesAvailable() > 0)
        processInput();
}

void HttpConnection::onEncrypted()
{
    m_ready = true;
    // The first request gets its own headerTimeout from here, however long the handshake took.
    m_timerMode = TimerMode::None;
    processInput();
}

QByteArray HttpConnection::peerText() const
{
    if (!m_socket)
        return QByteArrayLiteral("?");
    const QHostAddress address = m_socket->peerAddress();
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(address.toString())
                             : address.toString();
    return QStringLiteral("%1:%2").arg(host).arg(m_socket->peerPort()).toLatin1();
}

qint64 HttpConnection::pendingBytes() const
{
    qint64 pending = m_socket ? m_socket->bytesToWrite() : 0;
    if (m_sslSocket)
        pending += m_sslSocket->encryptedBytesToWrite();
    return pending;
}

void HttpConnection::processInput()
{
    if (m_finished || !m_ready || m_inProcessInput)
        return;
    if (m_closing) {
        m_socket->readAll(); // nothing more is answered; keep the kernel buffer from filling
        return;
    }
    m_inProcessInput = true;
    while (!m_finished && !m_closing && !m_file && pendingBytes() < WriteHighWater) {
        const HttpRequestParser::Step step = m_parser.next();
        if (step == HttpRequestParser::Step::NeedMore) {
            const qint64 available = m_socket->bytesAvailable();
            if (available <= 0)
                break;
            m_parser.append(m_socket->read(qMin(available, ChunkBytes)));
            continue;
        }
        if (step == HttpRequestParser::Step::SendContinue) {
            m_socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
            m_socket->flush(); // the client waits for it before it sends the body
            continue;
        }
        if (step == HttpRequestParser::Step::Error) {
            refuse(m_parser.errorStatus(), m_parser.errorMessage());
            break;
        }
        HttpRequest request = m_parser.takeRequest();
        request.peerAddress = m_socket->peerAddress();
        request.peerPort = m_socket->peerPort();
        request.secure = m_sslSocket != nullptr;
        HttpServerStats::add(m_context->stats->requests);
        HttpResponse response;
        try {
            response = m_context->handler->handle(request);
        } catch (const std::exception &e) {
            qCWarning(lcHttp).noquote()
                << peerText() << request.method << request.target << "handler failed:" << e.what();
            response = HttpResponse::text(500, QStringLiteral("Internal server error.\n"));
        } catch (...) {
            qCWarning(lcHttp).noquote()
                << peerText() << request.method << request.target << "handler failed";
            response = HttpResponse::text(500, QStringLiteral("Internal server error.\n"));
        }
        respond(request, std::move(response));
    }
    m_inProcessInput = false;
    updateTimer();
}

void HttpConnection::refuse(int status, const QString &message)
{
    if (status == 413 || status == 414 || status == 431)
        HttpServerStats::add(m_context->stats->refusedTooLarge);
    else if (status != 408)
        HttpServerStats::add(m_context->stats->refusedMalformed);
    qCInfo(lcHttp).noquote() << peerText() << "refused with" << status << message;
    HttpRequest request;
    request.method =
        m_parser.currentMethod().isEmpty() ? QByteArrayLiteral("-") : m_parser.currentMethod();
    request.target = m_parser.currentTarget();
    request.keepAlive = false;
    respond(request, HttpResponse::text(status, message + QLatin1Char('\n')));
}

void HttpConnection::respond(const HttpRequest &request, HttpResponse response)
{
    int status = response.status();
    if (status < 200 || status > 599) {
        qCWarning(lcHttp) << "handler answered with status" << status << "; sending 500";
        response = HttpResponse::text(500, QStringLiteral("Internal server error.\n"));
        status = 500;
    }
    const bool head = request.method == "HEAD";
    // A handler may end the connection after its answer ("Connection: close"); the other
    // framing headers stay the server's.
    m_keepAliveAfterResponse =
        request.keepAlive && response.header("connection").compare("close", Qt::CaseInsensitive);
    qint64 contentLength = response.body().size();
    bool stream = false;
    qint64 streamOffset = 0;
    QByteArray contentRange;
    if (response.isFile()) {
        const qint64 size = response.fileSize();
        HttpByteRange range;
        range.length = size;
        const bool rangeApplies = (request.method == "GET" || head) && status == 200;
        if (rangeApplies && request.hasHeader("range")) {
            // If-Range: the range only if the client's copy is the one we have (strong etag);
            // otherwise the whole, current file (RFC 9110 13.1.5).
            bool sameRepresentation = true;
            if (request.hasHeader("if-range")) {
                const QByteArray &etag = response.etag();
                sameRepresentation =
                    !etag.isEmpty() && !etag.startsWith("W/") && request.header("if-range") == etag;
            }
            if (sameRepresentation)
                range = HttpByteRange::parse(request.header("range"), size);
        }
        switch (range.kind) {
        case HttpByteRange::Kind::Unsatisfiable:
            status = 416;
            contentLength = 0;
            contentRange = "bytes */" + QByteArray::number(size);
            break;
        case HttpByteRange::Kind::Partial:
            status = 206;
            contentLength = range.length;
            streamOffset = range.start;
            contentRange = "bytes " + QByteArray::number(range.start) + '-' +
                           QByteArray::number(range.start + range.length - 1) + '/' +
                           QByteArray::number(size);
            stream = true;
            break;
        case HttpByteRange::Kind::Whole:
            contentLength = size;
            stream = status == 200;
            break;
        }
    }
    if (statusHasNoBody(status))
        contentLength = 0;

    QByteArray out;
    out.reserve(256 + 64 * response.headers().size());
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + HttpResponse::reasonPhrase(status) +
           "\r\nDate: " + httpDate() + "\r\n";
    for (const auto &[name, value] : response.headers()) {
        if (isServerOwnedHeader(name))
            continue;
        out += name + ": " + value + "\r\n";
    }
    if (response.isFile())
        out += "Accept-Ranges: bytes\r\n";
    if (!contentRange.isEmpty())
        out += "Content-Range: " + contentRange + "\r\n";
    // 204 has no length at all; a 304 would have to carry the length of the full answer.
    if (status != 204 && status != 304)
        out += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    if (!m_keepAliveAfterResponse)
        out += "Connection: close\r\n";
    else if (request.versionMinor == 0)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    if (!head && !response.isFile() && contentLength > 0)
        out += response.body();
    m_socket->write(out);
    // Into the kernel now rather than on the next loop iteration: Qt drops unsent data when it
    // sees the client's end of stream, and clients that half-close after the request exist.
    m_responding = true;
    m_socket->flush();
    m_responding = false;
    if (m_finished)
        return;
    countStatus(status);
    qCDebug(lcHttp).noquote() << peerText() << request.method << request.target << status
                              << contentLength;

    if (stream && !head && contentLength > 0) {
        m_file = response.fileHandle();
        m_fileOffset = streamOffset;
        m_fileRemaining = contentLength;
        if (pumpFile() != PumpResult::Done)
            return; // continues from onBytesWritten, or the connection is gone
    }
    responseFinished();
}

void HttpConnection::countStatus(int status)
{
    auto &stats = *m_context->stats;
    if (status >= 200 && status < 300)
        HttpServerStats::add(stats.responses2xx);
    else if (status >= 400 && status < 500)
        HttpServerStats::add(stats.responses4xx);
    else if (status >= 500)
        HttpServerStats::add(stats.responses5xx);
}

qint64 HttpConnection::readFileAt(char *data, qint64 offset, qint64 size)
{
#ifdef Q_OS_UNIX
    // pread on the descriptor: no shared file position, so one QFile may even be streamed to
    // several clients at once from different threads.
    const int fd = m_file->handle();
    if (fd >= 0) {
        ssize_t got;
        do {
            got = ::pread(fd, data, size_t(size), off_t(offset));
        } while (got < 0 && errno == EINTR);
        return qint64(got);
    }
#endif
    if (!m_file->seek(offset))
        return -1;
    return m_file->read(data, size);
}

HttpConnection::PumpResult HttpConnection::pumpFile()
{
    // flush() below may report progress synchronously (bytesWritten): that nested call must not
    // pump too, this loop goes on anyway.
    if (m_pumping)
        return PumpResult::More;
    m_pumping = true;
    const PumpResult result = pumpFileChunks();
    m_pumping = false;
    return m_finished ? PumpResult::Failed : result;
}

HttpConnection::PumpResult HttpConnection::pumpFileChunks()
{
    while (!m_finished && m_fileRemaining > 0 && pendingBytes() < WriteHighWater) {
        const qint64 wanted = qMin(ChunkBytes, m_fileRemaining);
        if (m_chunk.size() < wanted)
            m_chunk.resize(ChunkBytes);
        const qint64 got = readFileAt(m_chunk.data(), m_fileOffset, wanted);
        if (got <= 0) {
            // The length is promised already: all that is left is to cut the connection so
            // the client sees a short body instead of a wrong one.
            qCWarning(lcHttp).noquote()
                << peerText() << "file" << m_file->fileName() << "could not be read at offset"
                << m_fileOffset << "; closing the connection";
            m_file.reset();
            m_socket->abort();
            return PumpResult::Failed;
        }
        m_socket->write(m_chunk.constData(), got);
        m_fileOffset += got;
        m_fileRemaining -= got;
        HttpServerStats::raiseTo(m_context->stats->peakStreamBufferedBytes,
                                 quint64(pendingBytes()));
        // Hand the chunk to the kernel now: left to the event loop, a socket sends one buffer
        // block per loop iteration, which caps throughput well below what TCP can take.
        m_socket->flush();
    }
    if (m_finished)
        return PumpResult::Failed;
    if (m_fileRemaining > 0)
        return PumpResult::More;
    m_file.reset();
    m_chunk = QByteArray();
    return PumpResult::Done;
}

void HttpConnection::responseFinished()
{
    ++m_requestsServed;
    if (!m_keepAliveAfterResponse)
        closeAfterWriting();
}

void HttpConnection::onBytesWritten()
{
    // During respond() a flush may report progress synchronously; respond() goes on by itself.
    if (m_finished || m_responding)
        return;
    if (m_timerMode == TimerMode::Write)
        m_timer.start(); // progress: the client reads
    if (m_file) {
        const PumpResult result = pumpFile();
        if (result != PumpResult::Done)
            return;
        responseFinished();
    }
    if (m_finished)
        return;
    processInput();
    updateTimer();
}

void HttpConnection::closeAfterWriting()
{
    if (m_closing || m_finished)
        return;
    m_closing = true;
    // Unread request bytes make the kernel answer our close with a reset, which can destroy the
    // answer before the client has read it: drop what has arrived.
    m_socket->readAll();
    m_socket->disconnectFromHost();
    updateTimer();
}

void HttpConnection::onTimeout()
{
    if (m_finished)
        return;
    const auto &options = m_context->options;
    switch (m_timerMode) {
    case TimerMode::Handshake:
        HttpServerStats::add(m_context->stats->timedOut);
        m_failureCounted = true; // a timeout, not a TLS failure
        qCInfo(lcHttp).noquote() << peerText() << "TLS handshake not completed within"
                                 << options.idleTimeout.count() << "ms; closing";
        m_socket->abort();
        break;
    case TimerMode::Header:
        HttpServerStats::add(m_context->stats->timedOut);
        if (m_parser.hasPartialRequest()) {
            refuse(408, QStringLiteral("The request did not arrive within %1 ms.")
                            .arg(options.headerTimeout.count()));
        } else {
            qCInfo(lcHttp).noquote() << peerText() << "sent no request within"
                                     << options.headerTimeout.count() << "ms; closing";
            closeAfterWriting();
        }
        break;
    case TimerMode::Idle:
        closeAfterWriting();
        break;
    case TimerMode::Write:
        HttpServerStats::add(m_context->stats->timedOut);
        qCInfo(lcHttp).noquote() << peerText() << "read nothing for" << options.idleTimeout.count()
                                 << "ms; closing";
        m_socket->abort();
        break;
    case TimerMode::None:
        break;
    }
}

void HttpConnection::onError(QAbstractSocket::SocketError error)
{
    if (m_finished)
        return;
    if (m_sslSocket && !m_ready && !m_failureCounted) {
        m_failureCounted = true;
        HttpServerStats::add(m_context->stats->tlsFailures);
        qCInfo(lcHttp).noquote() << peerText()
                                 << "TLS handshake failed:" << m_socket->errorString();
    } else if (error != QAbstractSocket::RemoteHostClosedError) {
        qCDebug(lcHttp).noquote() << peerText() << "connection error:" << m_socket->errorString();
    }
    if (error != QAbstractSocket::RemoteHostClosedError &&
        m_socket->state() != QAbstractSocket::UnconnectedState)
        m_socket->abort();
}

void HttpConnection::onDisconnected()
{
    if (m_sslSocket && !m_ready && !m_failureCounted) {
        m_failureCounted = true;
        HttpServerStats::add(m_context->stats->tlsFailures);
        qCInfo(lcHttp).noquote() << peerText() << "closed before the TLS handshake ended";
    }
    finish();
}

void HttpConnection::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.stop();
    m_file.reset();
    emit closed();
}

void HttpConnection::updateTimer()
{
    if (m_finished)
        return;
    TimerMode wanted;
    if (!m_ready)
        wanted = TimerMode::Handshake;
    else if (m_closing || m_file || pendingBytes() > 0)
        wanted = TimerMode::Write;
    else if (m_parser.hasPartialRequest() || m_requestsServed == 0)
        wanted = TimerMode::Header;
    else
        wanted = TimerMode::Idle;
    if (wanted == m_timerMode && m_timer.isActive())
        return; // a header deadline is not moved by more bytes arriving
    m_timerMode = wanted;
    const auto &options = m_context->options;
    m_timer.start(wanted == TimerMode::Header ? options.headerTimeout : options.idleTimeout);
}

} // namespace fleet
