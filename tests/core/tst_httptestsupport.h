#pragma once

// Shared by the HttpServer tests (tst_httpserver, tst_httpfileserving): a raw HTTP/1.1 client
// on the test's event loop, a handler with a few routes, and a fixture that makes a test CA,
// a server certificate (openssl command line) and the files to serve.

#include "http/HttpServer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace fleet::test {

constexpr int WaitMs = 10000;
constexpr qint64 BigFileBytes = 20 * 1024 * 1024;

struct ParsedResponse
{
    int status = 0;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    qint64 bodySize = 0;
    QByteArray bodySha256; // when the client only hashes bodies

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers)
            if (key == name)
                return value;
        return {};
    }
    bool hasHeader(const QByteArray &name) const
    {
        for (const auto &entry : headers)
            if (entry.first == name)
                return true;
        return false;
    }
};

// An HTTP/1.1 client on the test's event loop: writes raw bytes and parses the responses as
// they come (interim 1xx included), so tests can send anything, pipelined or broken.
class TestClient : public QObject
{
public:
    explicit TestClient(QList<QSslCertificate> trustedCas = {}, bool interruptOnError = false)
        : m_tls(!trustedCas.isEmpty())
    {
        if (m_tls) {
            auto *ssl = new QSslSocket(this);
            QSslConfiguration config = ssl->sslConfiguration();
            config.setCaCertificates(trustedCas);
            // Reject a certificate during the handshake with an alert, as curl does, instead
            // of after it.
            config.setHandshakeMustInterruptOnError(interruptOnError);
            ssl->setSslConfiguration(config);
            connect(ssl, &QSslSocket::encrypted, this, [this] { encrypted = true; });
            connect(ssl, &QSslSocket::sslErrors, this, [this] { sslFailed = true; });
            connect(ssl, &QSslSocket::handshakeInterruptedOnError, this,
                    [this] { sslFailed = true; });
            m_socket = ssl;
        } else {
            m_socket = new QTcpSocket(this);
        }
        connect(m_socket, &QTcpSocket::readyRead, this, &TestClient::onReadyRead);
        connect(m_socket, &QTcpSocket::disconnected, this, [this] { disconnected = true; });
        connect(m_socket, &QTcpSocket::errorOccurred, this, [this] { errored = true; });
    }

    void connectTo(quint16 port)
    {
        if (m_tls)
            static_cast<QSslSocket *>(m_socket)->connectToHostEncrypted(QStringLiteral("127.0.0.1"),
                                                                        port);
        else
            m_socket->connectToHost(QHostAddress(QHostAddress::LocalHost), port);
    }
    bool isReady() const
    {
        return m_socket->state() == QAbstractSocket::ConnectedState && (!m_tls || encrypted);
    }
    // Queues raw bytes; headRequests says how many of the requests in it are HEAD, in order.
    void send(const QByteArray &bytes, QList<bool> isHead = {false})
    {
        m_expectHead += isHead;
        m_socket->write(bytes);
    }
    void get(const QByteArray &target, const QByteArray &extraHeaders = {})
    {
        send("GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extraHeaders + "\r\n");
    }
    void setHashBodiesOnly(bool on) { m_hashOnly = on; }
    void setPaused(bool paused)
    {
        m_paused = paused;
        m_socket->setReadBufferSize(paused ? 16 * 1024 : 0);
        if (!paused)
            onReadyRead();
    }
    QTcpSocket *socket() const { return m_socket; }
    qint64 bytesReceived() const { return m_received; }

    QList<ParsedResponse> responses;
    bool encrypted = false;
    bool sslFailed = false;
    bool disconnected = false;
    bool errored = false;

private:
    void onReadyRead()
    {
        if (m_paused)
            return;
        const QByteArray data = m_socket->readAll();
        m_received += data.size();
        m_buffer += data;
        parse();
    }

    void parse()
    {
        for (;;) {
            if (m_bodyRemaining > 0) {
                const qint64 take = qMin<qint64>(m_bodyRemaining, m_buffer.size());
                if (take == 0)
                    return;
                if (m_hashOnly)
                    m_hash.addData(QByteArrayView(m_buffer).first(take));
                else
                    m_current.body += m_buffer.first(take);
                m_current.bodySize += take;
                m_buffer.remove(0, take);
                m_bodyRemaining -= take;
                if (m_bodyRemaining > 0)
                    return;
                completeResponse();
                continue;
            }
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = m_buffer.first(end).split('\n');
            m_buffer.remove(0, end + 4);
            m_current = ParsedResponse();
            m_current.status = lines.front().mid(9, 3).toInt();
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines[i].trimmed();
                const qsizetype colon = line.indexOf(':');
                m_current.headers.append(
                    {line.first(colon).toLower(), line.sliced(colon + 1).trimmed()});
            }
            if (m_current.status < 200) { // interim: no body, the final answer follows
                responses.append(m_current);
                continue;
            }
            const bool head = !m_expectHead.isEmpty() && m_expectHead.takeFirst();
            m_bodyRemaining = head ? 0 : m_current.header("content-length").toLongLong();
            m_hash.reset();
            if (m_bodyRemaining == 0)
                completeResponse();
        }
    }

    void completeResponse()
    {
        if (m_hashOnly)
            m_current.bodySha256 = m_hash.result();
        responses.append(m_current);
    }

    QTcpSocket *m_socket = nullptr;
    bool m_tls = false;
    bool m_hashOnly = false;
    bool m_paused = false;
    QList<bool> m_expectHead;
    QByteArray m_buffer;
    qint64 m_bodyRemaining = 0;
    qint64 m_received = 0;
    ParsedResponse m_current;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
};

class TestHandler : public HttpHandler
{
public:
    QString bigFile;
    QString smallFile;
    QThread *testThread = nullptr;
    std::atomic<bool> calledOnTestThread{false};
    std::atomic<int> calls{0};

    HttpResponse handle(const HttpRequest &request) override
    {
        ++calls;
        if (QThread::currentThread() == testThread)
            calledOnTestThread = true;
        const QByteArray path = request.path();
        if (path == "/hello")
            return HttpResponse::text(200, QStringLiteral("hello"));
        if (path == "/echo") {
            QJsonObject echo{
                {QStringLiteral("method"), QString::fromLatin1(request.method)},
                {QStringLiteral("size"), request.body.size()},
                {QStringLiteral("sha256"),
                 QString::fromLatin1(
                     QCryptographicHash::hash(request.body, QCryptographicHash::Sha256).toHex())},
                {QStringLiteral("secure"), request.secure},
                {QStringLiteral("peer"), request.peerAddress.toString()}};
            return HttpResponse::json(200, echo);
        }
        if (path == "/file" || path == "/small") {
            auto file = std::make_shared<QFile>(path == "/file" ? bigFile : smallFile);
            if (!file->open(QIODevice::ReadOnly))
                return HttpResponse::text(500, file->errorString());
            const qint64 size = file->size();
            return HttpResponse::file(std::move(file), size, "application/octet-stream", "\"v1\"");
        }
        if (path == "/short") {
            // A handler that promises more than the file holds (it shrank after the check).
            auto file = std::make_shared<QFile>(smallFile);
            if (!file->open(QIODevice::ReadOnly))
                return HttpResponse::text(500, file->errorString());
            const qint64 size = file->size() + 100;
            return HttpResponse::file(std::move(file), size, "application/octet-stream");
        }
        if (path == "/replaced") {
            // The file is replaced on disk after it was opened: the opened one is served.
            const QString name =
                QFileInfo(smallFile).dir().filePath(QStringLiteral("replaced.bin"));
            QFile original(name);
            if (!original.open(QIODevice::WriteOnly) || original.write("original") != 8)
                return HttpResponse::text(500, original.errorString());
            original.close();
            auto file = std::make_shared<QFile>(name);
            if (!file->open(QIODevice::ReadOnly))
                return HttpResponse::text(500, file->errorString());
            const qint64 size = file->size();
            QFile replacement(name + QStringLiteral(".new"));
            if (!replacement.open(QIODevice::WriteOnly) || replacement.write("REPLACED") != 8)
                return HttpResponse::text(500, replacement.errorString());
            replacement.close();
            if (std::rename(qPrintable(replacement.fileName()), qPrintable(name)) != 0)
                return HttpResponse::text(500, QStringLiteral("rename failed"));
            return HttpResponse::file(std::move(file), size, "application/octet-stream");
        }
        if (path == "/auth")
            return HttpResponse::text(401, QStringLiteral("who are you?"))
                .setHeader("WWW-Authenticate", "Bearer realm=\"test\"");
        if (path == "/bye")
            return HttpResponse::text(403, QStringLiteral("go away"))
                .setHeader("Connection", "close")
                .setHeader("Content-Length", "999");
        if (path == "/nocontent")
            return HttpResponse::empty(204);
        if (path == "/throw")
            throw std::runtime_error("handler bug");
        return HttpResponse::text(404, QStringLiteral("no such thing"));
    }
};

inline QByteArray sha256Of(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result();
}

// Certificates, files, handler and server of one test class.
class HttpTestFixture
{
protected:
    // Makes the CA, the unrelated CA, the server certificate and small.bin (and big.bin, 20 MiB
    // of seeded random bytes, when asked). Returns an error message, empty on success.
    QString prepare(bool withBigFile);
    void resetHandler();
    HttpServerOptions tlsOptions() const;
    HttpServerOptions plainOptions() const;
    bool start(const HttpServerOptions &options);
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    QSslCertificate m_ca;
    QSslCertificate m_otherCa;
    QSslCertificate m_certificate;
    QSslKey m_key;
    QSslKey m_otherKey;
    std::shared_ptr<TestHandler> m_handler;
    std::unique_ptr<HttpServer> m_server;

private:
    bool runOpenssl(const QStringList &arguments);
};

inline bool HttpTestFixture::runOpenssl(const QStringList &arguments)
{
    QProcess openssl;
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("openssl"), arguments);
    if (!openssl.waitForFinished(30000) || openssl.exitStatus() != QProcess::NormalExit ||
        openssl.exitCode() != 0) {
        qWarning() << "openssl" << arguments << "failed:" << openssl.readAll();
        openssl.kill();
        openssl.waitForFinished(1000);
        return false;
    }
    return true;
}

inline QString HttpTestFixture::prepare(bool withBigFile)
{
    if (!m_dir.isValid())
        return QStringLiteral("no temporary folder");
    const QStringList ecKey = {
        QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
        QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
    for (const QString &ca : {QStringLiteral("ca"), QStringLiteral("other-ca")})
        if (!runOpenssl(QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ecKey +
                        QStringList{QStringLiteral("-keyout"), path(ca + QStringLiteral(".key")),
                                    QStringLiteral("-out"), path(ca + QStringLiteral(".crt")),
                                    QStringLiteral("-days"), QStringLiteral("2"),
                                    QStringLiteral("-subj"), QStringLiteral("/CN=") + ca}))
            return QStringLiteral("openssl could not make a CA");
    if (!runOpenssl(QStringList{QStringLiteral("req"), QStringLiteral("-new")} + ecKey +
                    QStringList{QStringLiteral("-keyout"), path(QStringLiteral("server.key")),
                                QStringLiteral("-out"), path(QStringLiteral("server.csr")),
                                QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")}))
        return QStringLiteral("openssl could not make a server key");
    QFile extensions(path(QStringLiteral("server.ext")));
    if (!extensions.open(QIODevice::WriteOnly))
        return extensions.errorString();
    extensions.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    extensions.close();
    if (!runOpenssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                     path(QStringLiteral("server.csr")), QStringLiteral("-CA"),
                     path(QStringLiteral("ca.crt")), QStringLiteral("-CAkey"),
                     path(QStringLiteral("ca.key")), QStringLiteral("-CAcreateserial"),
                     QStringLiteral("-out"), path(QStringLiteral("server.crt")),
                     QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"),
                     path(QStringLiteral("server.ext"))}))
        return QStringLiteral("openssl could not sign the server certificate");
    const auto readFile = [this](const QString &name) {
        QFile file(path(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    m_ca = QSslCertificate(readFile(QStringLiteral("ca.crt")));
    m_otherCa = QSslCertificate(readFile(QStringLiteral("other-ca.crt")));
    m_certificate = QSslCertificate(readFile(QStringLiteral("server.crt")));
    m_key = QSslKey(readFile(QStringLiteral("server.key")), QSsl::Ec);
    m_otherKey = QSslKey(readFile(QStringLiteral("other-ca.key")), QSsl::Ec);
    if (m_ca.isNull() || m_otherCa.isNull() || m_certificate.isNull() || m_key.isNull() ||
        m_otherKey.isNull())
        return QStringLiteral("the generated certificates or keys do not load");

    QFile small(path(QStringLiteral("small.bin")));
    if (!small.open(QIODevice::WriteOnly))
        return small.errorString();
    small.write("0123456789");
    small.close();
    if (!withBigFile)
        return {};
    // Random content, so a chunk sent twice or out of order changes the hash.
    QFile big(path(QStringLiteral("big.bin")));
    if (!big.open(QIODevice::WriteOnly))
        return big.errorString();
    QRandomGenerator random(42);
    QByteArray block(1024 * 1024, Qt::Uninitialized);
    for (qint64 written = 0; written < BigFileBytes; written += block.size()) {
        random.fillRange(reinterpret_cast<quint32 *>(block.data()), block.size() / 4);
        if (big.write(block) != block.size())
            return big.errorString();
    }
    big.close();
    return {};
}

inline void HttpTestFixture::resetHandler()
{
    m_handler = std::make_shared<TestHandler>();
    m_handler->bigFile = path(QStringLiteral("big.bin"));
    m_handler->smallFile = path(QStringLiteral("small.bin"));
    m_handler->testThread = QThread::currentThread();
}

inline HttpServerOptions HttpTestFixture::tlsOptions() const
{
    HttpServerOptions options;
    options.address = QHostAddress(QHostAddress::LocalHost);
    options.certificate = m_certificate;
    options.privateKey = m_key;
    options.workerThreads = 2;
    return options;
}

inline HttpServerOptions HttpTestFixture::plainOptions() const
{
    HttpServerOptions options = tlsOptions();
    options.tls = false;
    return options;
}

inline bool HttpTestFixture::start(const HttpServerOptions &options)
{
    m_server = std::make_unique<HttpServer>(m_handler);
    const Status status = m_server->listen(options);
    if (!status)
        qWarning() << status.message();
    return status.ok() && m_server->port() != 0;
}

} // namespace fleet::test
