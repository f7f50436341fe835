#include "TestHttpsServer.h"

#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

namespace fleet::test {

namespace {

constexpr int OpensslTimeoutMs = 30000;

} // namespace

TestHttpsServer::TestHttpsServer() = default;

TestHttpsServer::~TestHttpsServer()
{
    close();
}

bool TestHttpsServer::runOpenssl(const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(m_dir.path());
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForFinished(OpensslTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        m_error = QStringLiteral("openssl %1 did not finish").arg(arguments.join(QLatin1Char(' ')));
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        m_error = QStringLiteral("openssl %1 failed: %2")
                      .arg(arguments.join(QLatin1Char(' ')),
                           QString::fromLocal8Bit(process.readAllStandardError()));
        return false;
    }
    return true;
}

bool TestHttpsServer::start()
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    QFile extensions(m_dir.filePath(QStringLiteral("server.ext")));
    if (!extensions.open(QIODevice::WriteOnly) ||
        extensions.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n") < 0) {
        m_error = QStringLiteral("cannot write the certificate extensions");
        return false;
    }
    extensions.close();
    const auto ca = [this](const QString &name) {
        return runOpenssl(
            {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
             QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
             QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
             QStringLiteral("-keyout"), name + QStringLiteral(".key"), QStringLiteral("-out"),
             name + QStringLiteral(".crt"), QStringLiteral("-days"), QStringLiteral("2"),
             QStringLiteral("-subj"), QStringLiteral("/CN=Fleetdesk test ") + name});
    };
    if (!ca(QStringLiteral("ca")) || !ca(QStringLiteral("other-ca")))
        return false;
    if (!runOpenssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                     QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"),
                     QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                     QStringLiteral("server.key"), QStringLiteral("-out"),
                     QStringLiteral("server.csr"), QStringLiteral("-subj"),
                     QStringLiteral("/CN=localhost")}) ||
        !runOpenssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                     QStringLiteral("server.csr"), QStringLiteral("-CA"), QStringLiteral("ca.crt"),
                     QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                     QStringLiteral("-CAcreateserial"), QStringLiteral("-out"),
                     QStringLiteral("server.crt"), QStringLiteral("-days"), QStringLiteral("2"),
                     QStringLiteral("-extfile"), QStringLiteral("server.ext")}))
        return false;
    if (!listen(QHostAddress(QHostAddress::LocalHost), 0)) {
        m_error = errorString();
        return false;
    }
    return true;
}

QString TestHttpsServer::url(const QString &path) const
{
    return QStringLiteral("https://127.0.0.1:%1%2").arg(serverPort()).arg(path);
}

void TestHttpsServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    const auto certificates =
        QSslCertificate::fromPath(m_dir.filePath(QStringLiteral("server.crt")));
    QFile keyFile(m_dir.filePath(QStringLiteral("server.key")));
    keyFile.open(QIODevice::ReadOnly);
    socket->setLocalCertificate(certificates.value(0));
    socket->setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Ec));
    socket->setPeerVerifyMode(QSslSocket::VerifyNone);
    connect(socket, &QSslSocket::disconnected, socket, &QObject::deleteLater);
    // A client that refuses the certificate just hangs up.
    connect(socket, &QSslSocket::sslErrors, socket, [socket] { socket->abort(); });
    auto request = std::make_shared<QByteArray>();
    connect(socket, &QSslSocket::readyRead, socket, [this, socket, request] {
        request->append(socket->readAll());
        const qsizetype end = request->indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> requestLine = request->left(request->indexOf("\r\n")).split(' ');
        const QString path =
            requestLine.size() >= 2 ? QString::fromLatin1(requestLine.at(1)) : QString();
        ++m_requests[path];
        QByteArray response;
        if (requestLine.value(0) == "GET" && m_files.contains(path)) {
            const QByteArray &body = m_files.value(path);
            response =
                "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
                QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
        } else {
            response = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        }
        socket->write(response);
        connect(socket, &QSslSocket::encryptedBytesWritten, socket, [socket] {
            if (socket->bytesToWrite() == 0 && socket->encryptedBytesToWrite() == 0)
                socket->disconnectFromHost();
        });
    });
    socket->startServerEncryption();
}

} // namespace fleet::test
