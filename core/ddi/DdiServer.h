#pragma once

#include "ddi/DdiService.h"
#include "util/Result.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslKey>
#include <QTimer>
#include <memory>

namespace fleet {

class Clock;
class DdiHttpHandler;
class HttpServer;
class SqliteDatabase;
struct HttpServerCounters;

struct DdiServerOptions
{
    QHostAddress address = QHostAddress::Any;
    quint16 port = 8443; // 0: any free port
    // HTTPS unless plain HTTP is asked for explicitly (a lab network, a TLS-terminating proxy).
    bool plainHttp = false;
    QSslCertificate certificate;
    QList<QSslCertificate> chain;
    QSslKey privateKey;
    int workerThreads = 0;
    DdiServiceSettings service;
};

// The built-in update server, in the window and in `fleetctl serve`: an HttpServer whose
// handler speaks hawkBit DDI for the workspace, plus a once-a-second flush of the devices'
// poll times (last_seen, online) and of DDI devices that stopped polling (offline after three
// poll intervals of silence, counted only once the server itself has run that long).
class DdiServer : public QObject
{
    Q_OBJECT
public:
    DdiServer(QString workspacePath, const Clock &clock, QObject *parent = nullptr);
    ~DdiServer() override;

    Status start(const DdiServerOptions &options);
    void stop(); // flushes what polls were noted
    bool isRunning() const;
    quint16 port() const;
    QString url() const; // https://<host>:<port>, what devices are told to use
    HttpServerCounters counters() const;
    DdiHttpHandler *handler() const { return m_handler.get(); }

    // Writes noted poll times now (the timer does it every second).
    Status flushLiveness();

signals:
    void errorOccurred(const QString &message);

private:
    QString m_workspacePath;
    const Clock &m_clock;
    std::shared_ptr<DdiHttpHandler> m_handler;
    std::unique_ptr<HttpServer> m_http;
    std::unique_ptr<SqliteDatabase> m_db;
    QTimer m_flushTimer;
    qint64 m_startedMs = 0;
    qint64 m_offlineAfterMs = 0;
    bool m_plain = false;
};

} // namespace fleet
