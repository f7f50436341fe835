#pragma once

#include <QByteArray>
#include <QFile>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <memory>
#include <utility>

namespace fleet {

// One DDI request as the update server hands it to DdiService: only what DDI needs, so the
// service can be tested without sockets.
struct DdiRequest
{
    QByteArray method;
    QByteArray target;        // raw path and query
    QByteArray authorization; // the Authorization header's value
    QByteArray host;          // the Host header's value, for links when no public URL is set
    bool secure = true;       // arrived over TLS
    QByteArray body;
    QString peer; // address:port, for the log
};

// What DdiService answers: a JSON document, a short text, or an artifact file to stream.
struct DdiReply
{
    int status = 200;
    QJsonObject json;
    bool hasJson = false;
    QByteArray text;             // text/plain body (errors, MD5SUM)
    std::shared_ptr<QFile> file; // an artifact, verified, opened and positioned at 0
    qint64 fileSize = 0;
    QByteArray etag;
    QList<std::pair<QByteArray, QByteArray>> headers; // e.g. WWW-Authenticate, Allow

    static DdiReply ofJson(const QJsonObject &object, int status = 200)
    {
        DdiReply r;
        r.status = status;
        r.json = object;
        r.hasJson = true;
        return r;
    }
    static DdiReply error(int status, const QString &message)
    {
        DdiReply r;
        r.status = status;
        r.text = message.toUtf8() + '\n';
        return r;
    }
    static DdiReply noContent()
    {
        DdiReply r;
        r.status = 200;
        return r;
    }
};

} // namespace fleet
