#pragma once

#include "HttpRequestParser.h"

#include <QAbstractSocket>
#include <QObject>
#include <QTimer>
#include <memory>

class QTcpSocket;
class QSslSocket;
class QFile;

namespace fleet {

struct HttpConnectionContext;
class HttpResponse;

// One client connection on a worker thread: reads requests through an HttpRequestParser,
// calls the handler, writes the answers in order and streams files as fast as the client
// reads them, never faster (bounded memory). Closes on "Connection: close", HTTP/1.0 without
// keep-alive, a refused request, a timeout or a TLS failure; emits closed() once, after which
// its worker deletes it.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(std::shared_ptr<const HttpConnectionContext> context, QObject *parent);
    ~HttpConnection() override;

    void start(qintptr descriptor);

    // A file is streamed in chunks of this size, only while fewer than WriteHighWater bytes are
    // still waiting in the socket (plain and encrypted buffers together).
    static constexpr qint64 ChunkBytes = 64 * 1024;
    static constexpr qint64 WriteHighWater = 256 * 1024;

signals:
    void closed();

private:
    enum class TimerMode { None, Handshake, Header, Idle, Write };
    enum class PumpResult { More, Done, Failed };

    void onEncrypted();
    void onBytesWritten();
    void onTimeout();
    void onDisconnected();
    void onError(QAbstractSocket::SocketError error);
    void processInput();
    void respond(const HttpRequest &request, HttpResponse response);
    void refuse(int status, const QString &message);
    PumpResult pumpFile();
    PumpResult pumpFileChunks();
    void responseFinished();
    void closeAfterWriting();
    void finish();
    void updateTimer();
    void countStatus(int status);
    QByteArray peerText() const;
    qint64 pendingBytes() const;
    qint64 readFileAt(char *data, qint64 offset, qint64 size);

    std::shared_ptr<const HttpConnectionContext> m_context;
    QTcpSocket *m_socket = nullptr;
    QSslSocket *m_sslSocket = nullptr; // the same object as m_socket when TLS
    HttpRequestParser m_parser;
    QTimer m_timer;
    TimerMode m_timerMode = TimerMode::None;
    bool m_ready = false;    // plain, or the TLS handshake is done
    bool m_closing = false;  // no more requests are read; close once the answer is out
    bool m_finished = false; // closed() was emitted
    bool m_failureCounted = false;
    bool m_inProcessInput = false;
    bool m_pumping = false;
    bool m_responding = false;
    bool m_keepAliveAfterResponse = true;
    quint64 m_requestsServed = 0;

    // The file being streamed, if any.
    std::shared_ptr<QFile> m_file;
    qint64 m_fileOffset = 0;
    qint64 m_fileRemaining = 0;
    QByteArray m_chunk;
};

} // namespace fleet
