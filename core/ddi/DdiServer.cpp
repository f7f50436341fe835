#include "ddi/DdiServer.h"

#include "ddi/DdiHttpHandler.h"
#include "http/HttpServer.h"
#include "storage/SqliteDatabase.h"
#include "storage/Workspace.h"
#include "util/Clock.h"

#include <QHostInfo>
#include <QLoggingCategory>

namespace fleet {

Q_DECLARE_LOGGING_CATEGORY(lcDdi)

DdiServer::DdiServer(QString workspacePath, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_workspacePath(std::move(workspacePath))
    , m_clock(clock)
{
    m_flushTimer.setInterval(1000);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] {
        if (Status s = flushLiveness(); !s)
            emit errorOccurred(s.message());
    });
}

DdiServer::~DdiServer()
{
    stop();
}

Status DdiServer::start(const DdiServerOptions &options)
{
    if (isRunning())
        return Error::invalid(QStringLiteral("The update server is already running"));
    if (!options.plainHttp && (options.certificate.isNull() || options.privateKey.isNull()))
        return Error::invalid(QStringLiteral("HTTPS needs a server certificate and key"));
    auto db = SqliteDatabase::open(m_workspacePath, SqliteDatabase::Access::ReadWrite);
    if (!db)
        return db.error();
    if (Status s = Workspace::configure(*db.value()); !s)
        return s;
    m_db = std::move(db.value());
    m_handler = std::make_shared<DdiHttpHandler>(m_workspacePath, m_clock, options.service);
    m_http = std::make_unique<HttpServer>(m_handler);
    HttpServerOptions http;
    http.address = options.address;
    http.port = options.port;
    http.tls = !options.plainHttp;
    http.certificate = options.certificate;
    http.chain = options.chain;
    http.privateKey = options.privateKey;
    http.workerThreads = options.workerThreads;
    if (Status s = m_http->listen(http); !s) {
        m_http.reset();
        m_handler.reset();
        m_db.reset();
        return s;
    }
    m_plain = options.plainHttp;
    m_startedMs = m_clock.nowMs();
    m_offlineAfterMs = 3 * qint64(options.service.pollInterval.count()) * 1000;
    m_flushTimer.start();
    qCInfo(lcDdi).noquote() << "update server listening on" << url();
    return {};
}

void DdiServer::stop()
{
    if (!m_http)
        return;
    m_flushTimer.stop();
    m_http->close();
    (void)flushLiveness();
    m_http.reset();
    m_handler.reset();
    m_db.reset();
}

bool DdiServer::isRunning() const
{
    return m_http && m_http->isListening();
}

quint16 DdiServer::port() const
{
    return m_http ? m_http->port() : 0;
}

QString DdiServer::url() const
{
    return QStringLiteral("%1://%2:%3")
        .arg(m_plain ? QStringLiteral("http") : QStringLiteral("https"), QHostInfo::localHostName())
        .arg(port());
}

HttpServerCounters DdiServer::counters() const
{
    return m_http ? m_http->counters() : HttpServerCounters{};
}

Status DdiServer::flushLiveness()
{
    if (!m_handler || !m_db)
        return {};
    const qint64 now = m_clock.nowMs();
    auto flushed = m_handler->liveness().flush(*m_db, now, m_offlineAfterMs,
                                               now - m_startedMs >= m_offlineAfterMs);
    if (!flushed)
        return flushed.error();
    return {};
}

} // namespace fleet
