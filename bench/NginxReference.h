#pragma once

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace fleet::bench {

// Debian's nginx serving a directory over TLS on a free loopback port, configured as a plain
// static file server would be (worker_processes auto, sendfile, no access log): the reference
// the update server's downloads and polls are measured against in the same run. Killed when
// this object goes away.
class NginxReference
{
public:
    static QString binary(); // empty when nginx is not installed
    static QString version();

    NginxReference() = default;
    ~NginxReference();
    NginxReference(const NginxReference &) = delete;
    NginxReference &operator=(const NginxReference &) = delete;

    // Serves `root` with the PEM certificate and key; waits (at most 5 s) until it accepts.
    bool start(const QString &root, const QString &certificatePem, const QString &keyPem);
    void stop();
    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    QString errorString() const { return m_error; }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace fleet::bench
