#include "BenchBroker.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <csignal>
#include <sys/prctl.h>

namespace fleet::bench {

namespace {

const QString MosquittoProgram = QStringLiteral("/usr/sbin/mosquitto");
constexpr int StartTimeoutMs = 5000;

quint16 freeLoopbackPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress(QHostAddress::LocalHost), 0))
        return 0;
    return server.serverPort();
}

bool portAccepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    return socket.waitForConnected(200);
}

} // namespace

BenchBroker::BenchBroker(Options options)
    : m_options(options)
{}

BenchBroker::~BenchBroker()
{
    stop();
}

QString BenchBroker::version()
{
    QProcess p;
    p.start(MosquittoProgram, {QStringLiteral("-h")});
    if (!p.waitForFinished(5000))
        return QStringLiteral("mosquitto (version unknown)");
    return QString::fromUtf8(p.readAllStandardOutput()).section(QLatin1Char('\n'), 0, 0).trimmed();
}

QString BenchBroker::log() const
{
    QFile f(m_dir.filePath(QStringLiteral("mosquitto.log")));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

bool BenchBroker::start()
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("Cannot create a temporary folder for the broker.");
        return false;
    }
    m_port = freeLoopbackPort();
    if (m_port == 0) {
        m_error = QStringLiteral("No free loopback port.");
        return false;
    }
    const QString configPath = m_dir.filePath(QStringLiteral("mosquitto.conf"));
    QFile config(configPath);
    if (!config.open(QIODevice::WriteOnly)) {
        m_error = QStringLiteral("Cannot write %1").arg(configPath);
        return false;
    }
    const QString text = QStringLiteral("per_listener_settings false\n"
                                        "persistence false\n"
                                        "allow_anonymous true\n"
                                        "listener %1 127.0.0.1\n"
                                        "max_queued_messages %2\n"
                                        "max_inflight_messages %3\n"
                                        "log_dest file %4\n"
                                        "log_type error\n"
                                        "log_type warning\n")
                             .arg(m_port)
                             .arg(m_options.maxQueuedMessages)
                             .arg(m_options.maxInflightMessages)
                             .arg(m_dir.filePath(QStringLiteral("mosquitto.log")));
    config.write(text.toUtf8());
    config.close();

    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    // The broker dies with the benchmark, even when the benchmark is killed or crashes.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process->start(MosquittoProgram, {QStringLiteral("-c"), configPath});
    if (!m_process->waitForStarted(StartTimeoutMs)) {
        m_error = QStringLiteral("Could not start %1: %2")
                      .arg(MosquittoProgram, m_process->errorString());
        m_process.reset();
        return false;
    }
    const QDeadlineTimer deadline(StartTimeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process->state() != QProcess::Running) {
            m_error = QStringLiteral("mosquitto exited: %1\n%2")
                          .arg(QString::fromUtf8(m_process->readAll()), log());
            m_process.reset();
            return false;
        }
        if (portAccepts(m_port))
            return true;
        QThread::msleep(50);
    }
    m_error =
        QStringLiteral("mosquitto did not accept connections within %1 ms").arg(StartTimeoutMs);
    stop();
    return false;
}

void BenchBroker::stop()
{
    if (!m_process)
        return;
    m_process->terminate();
    if (!m_process->waitForFinished(3000)) {
        m_process->kill();
        m_process->waitForFinished(3000);
    }
    m_process.reset();
}

} // namespace fleet::bench
