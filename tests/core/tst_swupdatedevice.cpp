// SwupdateDevice (test support): Debian's real SWUpdate starts as a hawkBit device, polls the
// configured server with its token, over plain HTTP and over HTTPS with the workspace's local
// CA as its only trust (so core/tls's certificates also work for libcurl), runs isolated so
// two devices poll at once, and stop() leaves no process behind. The poll answers come from a
// bare HTTP responder here: the DDI protocol itself is the update server's test.
#include "SwupdateDevice.h"
#include "SwupdateSigner.h"
#include "TestWorkspace.h"
#include "tls/ServerTlsIdentity.h"

#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace fleet;
using fleet::test::SwupdateDevice;
using fleet::test::SwupdateSigner;
using fleet::test::TestWorkspace;

namespace {

// Answers every HTTP request with an empty DDI poll answer and records the request heads.
class PollResponder : public QTcpServer
{
public:
    explicit PollResponder(std::optional<ServerTlsIdentity::Loaded> tls = {})
        : m_tls(std::move(tls))
    {}
    QList<QByteArray> requests;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        QTcpSocket *socket = nullptr;
        if (m_tls) {
            auto *ssl = new QSslSocket(this);
            ssl->setLocalCertificate(m_tls->certificate);
            ssl->setPrivateKey(m_tls->key);
            socket = ssl;
        } else {
            socket = new QTcpSocket(this);
        }
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
            *buffer += socket->readAll();
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            requests << buffer->left(end);
            buffer->remove(0, end + 4);
            const QByteArray body = R"({"config":{"polling":{"sleep":"00:00:01"}},"_links":{}})";
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/hal+json\r\n"
                          "Content-Length: " +
                          QByteArray::number(body.size()) + "\r\n\r\n" + body);
        });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        if (m_tls)
            static_cast<QSslSocket *>(socket)->startServerEncryption();
    }

private:
    std::optional<ServerTlsIdentity::Loaded> m_tls;
};

bool pollsFrom(const PollResponder &server, const QByteArray &controllerId, const QByteArray &token)
{
    for (const QByteArray &head : server.requests)
        if (head.startsWith("GET /default/controller/v1/" + controllerId + " HTTP/1.1") &&
            head.contains("Authorization: TargetToken " + token))
            return true;
    return false;
}

} // namespace

class TestSwupdateDevice : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!SwupdateDevice::isAvailable())
            QSKIP("swupdate is not installed");
        if (SwupdateSigner::opensslPath().isEmpty())
            QSKIP("the openssl tool is not installed");
        auto signer = SwupdateSigner::create(m_dir.path());
        QVERIFY2(signer.ok(), qPrintable(signer.message()));
        m_signer = std::make_unique<SwupdateSigner>(std::move(signer).value());
    }

    void pollsWithItsToken_data()
    {
        QTest::addColumn<bool>("https");
        QTest::newRow("http") << false;
        QTest::newRow("https with the local CA") << true;
    }
    void pollsWithItsToken()
    {
        QFETCH(bool, https);
        TestWorkspace ws;
        ws.clock().setNow(QDateTime::currentDateTimeUtc());
        std::optional<ServerTlsIdentity::Loaded> tls;
        const QString caPath = m_dir.filePath(QStringLiteral("ca-%1.pem").arg(https));
        if (https) {
            if (!QSslSocket::supportsSsl())
                QSKIP("Qt has no TLS backend here");
            ServerTlsIdentity identity(ws.db(), ws.session().audit(), ws.path());
            auto names = ServerNames::fromStrings({}, {QStringLiteral("127.0.0.1")});
            QVERIFY(identity.ensure(*names).ok());
            QVERIFY(identity.exportCaCertificate(caPath).ok());
            auto loaded = identity.load();
            QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
            tls = *loaded;
        }
        PollResponder server(tls);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        SwupdateDevice::Options options;
        options.serverUrl = QStringLiteral("%1://127.0.0.1:%2")
                                .arg(https ? QStringLiteral("https") : QStringLiteral("http"))
                                .arg(server.serverPort());
        options.caFile = https ? caPath : QString();
        options.controllerId = QStringLiteral("gw-0042");
        options.targetToken = QStringLiteral("tok-0042");
        options.signerCertificate = m_signer->certificatePath();
        SwupdateDevice device(options);
        Status started = device.start();
        QVERIFY2(started.ok(), qPrintable(started.message()));
        QTRY_VERIFY2_WITH_TIMEOUT(pollsFrom(server, "gw-0042", "tok-0042"),
                                  device.log().right(3000).constData(), 20000);
        // It keeps polling (the answer's sleep is one second).
        const qsizetype seen = server.requests.size();
        QTRY_VERIFY_WITH_TIMEOUT(server.requests.size() > seen, 10000);
        QVERIFY(!device.log().contains("SSL peer certificate"));
    }

    void twoDevicesAtOnceAndNothingLeftBehind()
    {
        PollResponder server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        SwupdateDevice::Options options;
        options.serverUrl = QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort());
        options.signerCertificate = m_signer->certificatePath();
        options.targetToken = QStringLiteral("t");
        options.controllerId = QStringLiteral("dev-a");
        auto a = std::make_unique<SwupdateDevice>(options);
        options.controllerId = QStringLiteral("dev-b");
        auto b = std::make_unique<SwupdateDevice>(options);
        QVERIFY(a->start().ok());
        QVERIFY(b->start().ok());
        QVERIFY(a->directory() != b->directory());
        QTRY_VERIFY2_WITH_TIMEOUT(pollsFrom(server, "dev-a", "t") &&
                                      pollsFrom(server, "dev-b", "t"),
                                  (a->log().right(2000) + b->log().right(2000)).constData(), 20000);
        // Each has its own IPC sockets in its own folder.
        QVERIFY(QFile::exists(a->directory() + QStringLiteral("/sockinstctrl")));
        QVERIFY(QFile::exists(b->directory() + QStringLiteral("/sockinstctrl")));

        const auto groupA = static_cast<pid_t>(a->processGroup());
        const auto groupB = static_cast<pid_t>(b->processGroup());
        QVERIFY(groupA > 0 && groupB > 0 && groupA != groupB);
        // SWUpdate, suricatta and its download helpers, under `timeout`.
        QVERIFY(SwupdateDevice::livingProcesses(groupA) >= 3);
        a->stop();
        QVERIFY(!a->isRunning());
        QCOMPARE(SwupdateDevice::livingProcesses(groupA), 0);  // nothing of it is left
        QVERIFY(SwupdateDevice::livingProcesses(groupB) >= 3); // the other device is untouched
        b.reset();                                             // the destructor stops it too
        QCOMPARE(SwupdateDevice::livingProcesses(groupB), 0);

        // Restarting "after a reboot" starts a new group with the confirm flag.
        QVERIFY(a->restartAfterReboot(true).ok());
        QVERIFY(a->arguments().contains(QStringLiteral("-c 2")));
        QVERIFY(a->processGroup() > 0);
        a->stop();
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SwupdateSigner> m_signer;
};

QTEST_GUILESS_MAIN(TestSwupdateDevice)
#include "tst_swupdatedevice.moc"
