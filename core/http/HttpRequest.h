#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <utility>

namespace fleet {

// One complete HTTP/1.x request as the server hands it to an HttpHandler: the head parsed and
// checked by HttpRequestParser, the body complete (chunked bodies already decoded).
struct HttpRequest
{
    QByteArray method; // "GET", "HEAD", "POST", "PUT", ... as sent
    QByteArray target; // raw request target (path + optional query), as sent
    QList<std::pair<QByteArray, QByteArray>> headers; // names lower-cased, values trimmed, in order
    QByteArray body; // complete (Content-Length or chunked, decoded), at most maxBodyBytes
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    bool secure = false; // arrived over TLS

    int versionMinor = 1;  // 0 for HTTP/1.0, 1 for HTTP/1.1
    bool keepAlive = true; // the client lets the connection stay open after the answer

    QByteArray header(const QByteArray &lowerCaseName) const; // first value, or empty
    bool hasHeader(const QByteArray &lowerCaseName) const;
    // The target without its query ("/a/b?x=1" gives "/a/b").
    QByteArray path() const;
};

} // namespace fleet
