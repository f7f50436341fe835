#pragma once

#include <QByteArray>
#include <QFile>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <memory>
#include <utility>

namespace fleet {

// The answer an HttpHandler gives: a status, headers and either a body in memory or an open
// file that the server streams. Framing headers (Content-Length, Transfer-Encoding, Connection,
// Date, Accept-Ranges, Content-Range) belong to the server and are not sent as set here; only
// "Connection: close" is honoured: the server closes the connection after this answer.
class HttpResponse
{
public:
    HttpResponse() = default;

    static HttpResponse json(int status, const QJsonObject &object); // compact, application/json
    static HttpResponse text(int status, const QString &message);    // text/plain; charset=utf-8
    static HttpResponse empty(int status);
    // Any body with its content type (e.g. "application/octet-stream").
    static HttpResponse bytes(int status, const QByteArray &body, const QByteArray &contentType);
    // Streams an already opened file (kept open by the shared_ptr: a file renamed or replaced on
    // disk after it was opened and checked is not what gets served). The server answers HEAD,
    // single "Range: bytes=a-b / a- / -n" (206 + Content-Range; 416 with "bytes */size" when
    // unsatisfiable; multi-range is answered with the whole file 200), If-Range with the etag,
    // Accept-Ranges: bytes, Content-Length, ETag when given. Never reads the whole file into
    // memory. The etag is sent as given, so pass it quoted ("\"abc\"").
    static HttpResponse file(std::shared_ptr<QFile> openFile, qint64 size,
                             const QByteArray &contentType, const QByteArray &etag = {});

    // Sets (replaces, names compared case-insensitively) a header, e.g. WWW-Authenticate.
    // Values with CR, LF or NUL are refused (logged) so a handler cannot split the response.
    HttpResponse &setHeader(const QByteArray &name, const QByteArray &value);

    int status() const { return m_status; }
    const QList<std::pair<QByteArray, QByteArray>> &headers() const { return m_headers; }
    QByteArray header(const QByteArray &name) const; // case-insensitive, first value or empty
    const QByteArray &body() const { return m_body; }
    bool isFile() const { return m_file != nullptr; }
    const std::shared_ptr<QFile> &fileHandle() const { return m_file; }
    qint64 fileSize() const { return m_fileSize; }
    const QByteArray &etag() const { return m_etag; }

    // The standard reason phrase for a status ("Not Found"), or "Unknown".
    static QByteArray reasonPhrase(int status);

private:
    int m_status = 500;
    QList<std::pair<QByteArray, QByteArray>> m_headers;
    QByteArray m_body;
    std::shared_ptr<QFile> m_file;
    qint64 m_fileSize = 0;
    QByteArray m_etag;
};

} // namespace fleet
