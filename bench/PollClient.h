#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <atomic>

namespace fleet::bench {

// A load generator of HTTP/1.1 keep-alive GETs over TLS: `connections` sockets, each sending
// one request at a time and the next as soon as the answer is complete, cycling through
// `requests` (path and Authorization header value each). Runs on the calling thread's event
// loop for `seconds` after every connection is up; counts answers by status.
class PollClient
{
public:
    struct Request
    {
        QByteArray path;
        QByteArray authorization; // empty: none
    };
    struct Result
    {
        qint64 ok = 0;     // 2xx
        qint64 failed = 0; // anything else, or a connection that broke
        double seconds = 0;
        double rate() const { return seconds > 0 ? ok / seconds : 0; }
    };

    static Result run(quint16 port, const QList<Request> &requests, int connections,
                      double seconds);
};

} // namespace fleet::bench
