#include "ddi/DdiHttpHandler.h"

#include "storage/SqliteDatabase.h"
#include "storage/Workspace.h"

#include <QLoggingCategory>
#include <QMutexLocker>

namespace fleet {

Q_DECLARE_LOGGING_CATEGORY(lcDdi)

DdiHttpHandler::DdiHttpHandler(QString workspacePath, const Clock &clock,
                               DdiServiceSettings settings)
    : m_workspacePath(std::move(workspacePath))
    , m_clock(clock)
    , m_settings(std::move(settings))
    , m_gate(m_workspacePath)
{}

DdiHttpHandler::~DdiHttpHandler() = default;

Result<std::unique_ptr<SqliteDatabase>> DdiHttpHandler::acquire()
{
    {
        QMutexLocker lock(&m_poolMutex);
        if (!m_idle.empty()) {
            auto db = std::move(m_idle.back());
            m_idle.pop_back();
            return db;
        }
    }
    auto db = SqliteDatabase::open(m_workspacePath, SqliteDatabase::Access::ReadWrite);
    if (!db)
        return db.error();
    if (Status s = Workspace::configure(*db.value()); !s)
        return s.error();
    return std::move(db.value());
}

void DdiHttpHandler::release(std::unique_ptr<SqliteDatabase> db)
{
    QMutexLocker lock(&m_poolMutex);
    m_idle.push_back(std::move(db));
}

HttpResponse DdiHttpHandler::toHttp(const DdiReply &reply, const QString &fileName)
{
    HttpResponse response;
    if (reply.file) {
        response = HttpResponse::file(reply.file, reply.fileSize,
                                      QByteArrayLiteral("application/octet-stream"), reply.etag);
        if (!fileName.isEmpty())
            response.setHeader(QByteArrayLiteral("Content-Disposition"),
                               "attachment; filename=\"" + fileName.toUtf8() + '"');
    } else if (reply.hasJson) {
        response = HttpResponse::json(reply.status, reply.json);
    } else if (!reply.text.isEmpty()) {
        response = HttpResponse::bytes(reply.status, reply.text,
                                       QByteArrayLiteral("text/plain; charset=utf-8"));
    } else {
        response = HttpResponse::empty(reply.status);
    }
    for (const auto &[name, value] : reply.headers)
        response.setHeader(name, value);
    return response;
}

HttpResponse DdiHttpHandler::handle(const HttpRequest &request)
{
    auto db = acquire();
    if (!db) {
        qCWarning(lcDdi).noquote() << "cannot open the workspace:" << db.message();
        return HttpResponse::text(503, QStringLiteral("The workspace cannot be opened"));
    }
    DdiRequest ddi;
    ddi.method = request.method;
    ddi.target = request.target;
    ddi.authorization = request.header(QByteArrayLiteral("authorization"));
    ddi.host = request.header(QByteArrayLiteral("host"));
    ddi.secure = request.secure;
    ddi.body = request.body;
    ddi.peer = QStringLiteral("%1:%2").arg(request.peerAddress.toString()).arg(request.peerPort);
    DdiService service(*db.value(), m_clock, m_gate, m_liveness, m_settings, m_workspacePath);
    const DdiReply reply = service.handle(ddi);
    release(std::move(db.value()));
    if (reply.status >= 400)
        qCInfo(lcDdi).noquote() << ddi.peer << request.method << request.path() << "->"
                                << reply.status << reply.text.trimmed().left(200);
    const qsizetype slash = request.path().lastIndexOf('/');
    return toHttp(reply, reply.file ? QString::fromUtf8(request.path().mid(slash + 1)) : QString());
}

} // namespace fleet
