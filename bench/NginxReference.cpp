#include "NginxReference.h"

#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <unistd.h>

namespace fleet::bench {

QString NginxReference::binary()
{
    return QStandardPaths::findExecutable(
        QStringLiteral("nginx"), {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")});
}

QString NginxReference::version()
{
    QProcess p;
    p.start(binary(), {QStringLiteral("-v")});
    p.waitForFinished(5000);
    return QString::fromUtf8(p.readAllStandardError()).trimmed();
}

NginxReference::~NginxReference()
{
    stop();
}

bool NginxReference::start(const QString &root, const QString &certificatePem,
                           const QString &keyPem)
{
    if (binary().isEmpty()) {
        m_error = QStringLiteral("nginx is not installed (apt-get install nginx-light)");
        return false;
    }
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0)) {
            m_error = probe.errorString();
            return false;
        }
        m_port = probe.serverPort();
    }
    const QString dir = m_dir.path();
    const QString config = QStringLiteral("%6"
                                          "worker_processes auto;\n"
                                          "daemon off;\n"
                                          "pid %1/nginx.pid;\n"
                                          "error_log %1/error.log warn;\n"
                                          "events { worker_connections 20000; }\n"
                                          "http {\n"
                                          "  access_log off;\n"
                                          "  sendfile on;\n"
                                          "  keepalive_requests 1000000;\n"
                                          "  client_body_temp_path %1/body;\n"
                                          "  proxy_temp_path %1/proxy;\n"
                                          "  fastcgi_temp_path %1/fastcgi;\n"
                                          "  uwsgi_temp_path %1/uwsgi;\n"
                                          "  scgi_temp_path %1/scgi;\n"
                                          "  default_type application/octet-stream;\n"
                                          "  server {\n"
                                          "    listen 127.0.0.1:%2 ssl;\n"
                                          "    ssl_certificate %3;\n"
                                          "    ssl_certificate_key %4;\n"
                                          "    root %5;\n"
                                          "  }\n"
                                          "}\n")
                               .arg(dir)
                               .arg(m_port)
                               .arg(certificatePem, keyPem, root,
                                    // As root, nginx's workers would drop to "nobody", who cannot
                                    // read the benchmark's private temporary directories.
                                    ::geteuid() == 0 ? QStringLiteral("user root;\n") : QString());
    QFile file(dir + QStringLiteral("/nginx.conf"));
    if (!file.open(QIODevice::WriteOnly) || file.write(config.toUtf8()) < 0) {
        m_error = file.errorString();
        return false;
    }
    file.close();
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(binary(), {QStringLiteral("-p"), dir, QStringLiteral("-c"),
                               dir + QStringLiteral("/nginx.conf")});
    if (!m_process.waitForStarted(5000)) {
        m_error = m_process.errorString();
        return false;
    }
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < 5000) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, m_port);
        if (s.waitForConnected(200))
            return true;
        if (m_process.state() != QProcess::Running)
            break;
        QThread::msleep(50);
    }
    QFile log(dir + QStringLiteral("/error.log"));
    m_error = QStringLiteral("nginx did not start: ") +
              (log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()) : QString());
    return false;
}

void NginxReference::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate(); // nginx's master stops its workers on SIGTERM
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

} // namespace fleet::bench
