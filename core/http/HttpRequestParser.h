#pragma once

#include "HttpRequest.h"

#include <QByteArray>
#include <QString>

namespace fleet {

// Incremental HTTP/1.0 and HTTP/1.1 request parser (RFC 9112) for a server connection. Bytes are
// appended as they arrive; next() says what the connection has to do: wait for more, send
// "100 Continue", take a complete request, or refuse the client with errorStatus() and close.
// It is strict where leniency lets requests be smuggled or misread (bare CR, obsolete line
// folding, whitespace before the colon, conflicting or doubled framing headers) and lenient
// where clients commonly differ (LF without CR, leading empty lines, missing Host).
// Memory is bounded: a head beyond maxHeaderBytes and a body beyond maxBodyBytes are refused
// before they are buffered (Content-Length is checked as soon as the head is complete).
class HttpRequestParser
{
public:
    struct Limits
    {
        qint64 maxHeaderBytes = 16 * 1024; // request line + headers (and, apart, chunk trailers)
        qint64 maxBodyBytes = 1024 * 1024;
        int maxHeaderCount = 100;
    };

    enum class Step {
        NeedMore,     // an incomplete request (or nothing) is buffered
        SendContinue, // the client asked for "Expect: 100-continue" and the body may come
        Request,      // takeRequest() gives the next complete request
        Error,        // refuse with errorStatus(), then close: the stream cannot be trusted
    };

    HttpRequestParser();
    explicit HttpRequestParser(Limits limits);

    void append(QByteArrayView data);
    // Advances over the buffered bytes. After Request, call takeRequest() before next().
    Step next();
    HttpRequest takeRequest();

    int errorStatus() const { return m_errorStatus; } // 400, 408, 413, 414, 417, 431, 501, 505
    const QString &errorMessage() const { return m_error; } // for the log and the answer body
    // True when part of a request (at least one byte) has arrived and not yet been returned.
    bool hasPartialRequest() const;
    qsizetype bufferedBytes() const { return m_buffer.size() - m_pos; }
    // The method and target of the request being read, once its head is complete (for logs).
    const QByteArray &currentMethod() const { return m_request.method; }
    const QByteArray &currentTarget() const { return m_request.target; }

private:
    enum class State { Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Ready, Failed };

    Step fail(int status, const QString &message);
    Step parseHeadIfComplete();
    Step parseHead(QByteArrayView head);
    Step parseRequestLine(QByteArrayView line);
    Step applyFramingHeaders();
    Step readBody();
    Step readChunked();
    Step finishHead();
    Step complete();
    void compact();
    // Index of the next '\n' at or after from, or -1.
    qsizetype findLineEnd(qsizetype from) const;

    Limits m_limits;
    QByteArray m_buffer;
    qsizetype m_pos = 0;      // first byte not yet consumed
    qsizetype m_scanFrom = 0; // where the search for the end of the head resumes
    State m_state = State::Head;
    HttpRequest m_request;
    qint64 m_bodyRemaining = 0; // Content-Length body, or the current chunk
    qint64 m_trailerBytes = 0;
    bool m_chunked = false;
    bool m_expectContinue = false;
    bool m_continueAnswered = false;
    int m_errorStatus = 0;
    QString m_error;
};

} // namespace fleet
