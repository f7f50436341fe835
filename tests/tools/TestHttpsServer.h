#pragma once

#include <QByteArray>
#include <QHash>
#include <QTcpServer>
#include <QTemporaryDir>

namespace fleet::test {

// A minimal HTTPS file server on a loopback port for download tests (Qt 6.4 has no
// QSslServer): QTcpServer hands each connection to a QSslSocket with a certificate generated
// by the openssl command line, valid for 127.0.0.1 and localhost and signed by caFile().
// Answers GET for the paths given to serve() and 404 otherwise; one request per connection.
class TestHttpsServer : public QTcpServer
{
public:
    TestHttpsServer();
    ~TestHttpsServer() override;

    // Generates the certificates and listens; on failure returns false, errorString() says why.
    bool start();
    void serve(const QString &path, const QByteArray &body) { m_files.insert(path, body); }
    QString url(const QString &path) const;
    QString caFile() const { return m_dir.filePath(QStringLiteral("ca.crt")); }
    QString unrelatedCaFile() const { return m_dir.filePath(QStringLiteral("other-ca.crt")); }
    int requests(const QString &path) const { return m_requests.value(path); }
    QString errorString() const { return m_error; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    bool runOpenssl(const QStringList &arguments);

    QTemporaryDir m_dir;
    QHash<QString, QByteArray> m_files;
    QHash<QString, int> m_requests;
    QString m_error;
};

} // namespace fleet::test
