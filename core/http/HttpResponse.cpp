#include "HttpResponse.h"

#include "HttpLog.h"

#include <QJsonDocument>

namespace fleet {

namespace {
bool isToken(const QByteArray &name)
{
    if (name.isEmpty())
        return false;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        const bool ok = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') ||
                        (u >= 'A' && u <= 'Z') || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
        if (!ok)
            return false;
    }
    return true;
}
} // namespace

HttpResponse HttpResponse::json(int status, const QJsonObject &object)
{
    return bytes(status, QJsonDocument(object).toJson(QJsonDocument::Compact),
                 QByteArrayLiteral("application/json"));
}

HttpResponse HttpResponse::text(int status, const QString &message)
{
    return bytes(status, message.toUtf8(), QByteArrayLiteral("text/plain; charset=utf-8"));
}

HttpResponse HttpResponse::empty(int status)
{
    HttpResponse response;
    response.m_status = status;
    return response;
}

HttpResponse HttpResponse::bytes(int status, const QByteArray &body, const QByteArray &contentType)
{
    HttpResponse response;
    response.m_status = status;
    response.m_body = body;
    if (!contentType.isEmpty())
        response.setHeader(QByteArrayLiteral("Content-Type"), contentType);
    return response;
}

HttpResponse HttpResponse::file(std::shared_ptr<QFile> openFile, qint64 size,
                                const QByteArray &contentType, const QByteArray &etag)
{
    HttpResponse response;
    if (!openFile || !openFile->isOpen() || size < 0) {
        // A handler bug, not the client's: answer 500 rather than a broken stream.
        qCWarning(lcHttp) << "HttpResponse::file without an open file";
        return text(500, QStringLiteral("The file cannot be read."));
    }
    response.m_status = 200;
    response.m_file = std::move(openFile);
    response.m_fileSize = size;
    response.m_etag = etag;
    if (!contentType.isEmpty())
        response.setHeader(QByteArrayLiteral("Content-Type"), contentType);
    if (!etag.isEmpty())
        response.setHeader(QByteArrayLiteral("ETag"), etag);
    return response;
}

HttpResponse &HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    if (!isToken(name) || value.contains('\r') || value.contains('\n') || value.contains('\0')) {
        qCWarning(lcHttp) << "refused response header" << name;
        return *this;
    }
    for (auto &entry : m_headers) {
        if (entry.first.compare(name, Qt::CaseInsensitive) == 0) {
            entry.second = value;
            return *this;
        }
    }
    m_headers.append({name, value});
    return *this;
}

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &entry : m_headers)
        if (entry.first.compare(name, Qt::CaseInsensitive) == 0)
            return entry.second;
    return {};
}

QByteArray HttpResponse::reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 411:
        return "Length Required";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 416:
        return "Range Not Satisfiable";
    case 417:
        return "Expectation Failed";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

} // namespace fleet
