// ServerTlsIdentity: the update server's certificate store next to a workspace. ensure()
// creates the local CA and a server certificate once and reissues only when needed; keys are
// owner-only; imports are checked (key, dates, purpose) with messages that say what is wrong;
// every change is audited. A real TLS handshake on loopback proves the stored identity works
// for a client that trusts only the exported CA and checks the host name.
#include "TestWorkspace.h"
#include "tls/LocalCertificateAuthority.h"
#include "tls/ServerTlsIdentity.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace fleet;
using fleet::test::TestWorkspace;

namespace {

ServerNames names(const QStringList &dns, const QStringList &ips)
{
    auto n = ServerNames::fromStrings(dns, ips);
    return n ? *n : ServerNames();
}

ServerNames loopbackNames()
{
    return names({QStringLiteral("localhost")}, {QStringLiteral("127.0.0.1")});
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(f.fileName()));
    return f.fileName();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

qint64 auditRows(TestWorkspace &ws, const QString &action)
{
    return fleet::test::scalarOf(
               ws.db(), QStringLiteral("SELECT count(*) FROM audit_log WHERE action = ?"), {action})
        .toLongLong();
}

// A TLS server for one test: every connection is answered with the identity given.
class TlsServer : public QTcpServer
{
public:
    explicit TlsServer(ServerTlsIdentity::Loaded identity)
        : m_identity(std::move(identity))
    {}

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        socket->setLocalCertificate(m_identity.certificate);
        socket->setLocalCertificateChain(QList<QSslCertificate>{m_identity.certificate} +
                                         m_identity.chain);
        socket->setPrivateKey(m_identity.key);
        socket->startServerEncryption();
    }

private:
    ServerTlsIdentity::Loaded m_identity;
};

// An operator's own PKI, for imports: a CA (made with the same code, standing in for any CA)
// and certificates from it.
struct OperatorPki
{
    LocalCertificateAuthority ca;
    static OperatorPki make(const QDateTime &now)
    {
        return {*LocalCertificateAuthority::create(QStringLiteral("operator"), now)};
    }
};

} // namespace

class TestServerTlsIdentity : public QObject
{
    Q_OBJECT

private slots:
    void ensureCreatesCaAndServerCertificate()
    {
        TestWorkspace ws;
        ServerTlsIdentity id(ws.db(), ws.session().audit(), ws.path());
        QCOMPARE(id.directory(), ws.path() + QStringLiteral(".tls"));
        QCOMPARE(id.info().error().kind, Error::Kind::NotFound);

        auto outcome = id.ensure(loopbackNames());
        QVERIFY2(outcome.ok(), qPrintable(outcome.message()));
        QVERIFY(outcome->createdCa);
        QVERIFY(outcome->issuedServerCertificate);
        QCOMPARE(outcome->info.source, ServerTlsIdentity::Source::LocalCa);
        QCOMPARE(outcome->info.server.names.toStrings(), loopbackNames().toStrings());
        QVERIFY(outcome->info.localCa);
        QCOMPARE(outcome->info.server.issuer, outcome->info.localCa->subject);
        QVERIFY(outcome->info.localCa->subject.startsWith(QLatin1String("CN=Fleetdesk local CA ")));

        const QString dir = id.directory();
        for (const char *key : {"ca.key", "server.key"}) {
            const QFileInfo fi(dir + QLatin1Char('/') + QLatin1String(key));
            QVERIFY2(fi.exists(), key);
            QCOMPARE(fi.permissions() & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther |
                                         QFile::WriteOther | QFile::ExeOwner),
                     QFile::Permissions());
            QVERIFY(fi.permissions() & QFile::ReadOwner);
        }
        QCOMPARE(QFileInfo(dir).permissions() & (QFile::ReadOther | QFile::ReadGroup),
                 QFile::Permissions());
        QVERIFY(QFileInfo::exists(dir + QStringLiteral("/ca.pem")));
        QVERIFY(QFileInfo::exists(dir + QStringLiteral("/server.pem")));
        // No temporary files left behind by the atomic writes.
        QCOMPARE(QDir(dir).entryList(QDir::Files).size(), 4);

        QCOMPARE(auditRows(ws, QStringLiteral("server.certificate.create-ca")), 1);
        QCOMPARE(auditRows(ws, QStringLiteral("server.certificate.issue")), 1);
    }

    void ensureIsIdempotent()
    {
        TestWorkspace ws;
        ServerTlsIdentity id(ws.db(), ws.session().audit(), ws.path());
        auto first = id.ensure(loopbackNames());
        QVERIFY(first.ok());
        const QByteArray serverPem = readFile(id.serverCertificatePath());
        const qint64 audits = ws.auditCount();
        ws.clock().advanceMs(24LL * 3600 * 1000 * 100);
        auto second = id.ensure(loopbackNames());
        QVERIFY2(second.ok(), qPrintable(second.message()));
        QVERIFY(!second->createdCa);
        QVERIFY(!second->issuedServerCertificate);
        QVERIFY(second->reason.isEmpty());
        QCOMPARE(readFile(id.serverCertificatePath()), serverPem);
        QCOMPARE(second->info.server.sha256Fingerprint, first->info.server.sha256Fingerprint);
        QCOMPARE(ws.auditCount(), audits);
        // A subset of the names is covered too.
        auto third = id.ensure(names({QStringLiteral("localhost")}, {}));
        QVERIFY(third.ok() && !third->issuedServerCertificate);
    }

    void ensureReissues_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("reason");
        QTest::newRow("expires within 30 days") << "expiry"
                                                << "expires on";
        QTest::newRow("new name wanted") << "name"
                                         << "lacks DNS:fleet.example";
        QTest::newRow("key replaced") << "key"
                                      << "does not match";
        QTest::newRow("key deleted") << "nokey"
                                     << "key is missing";
        QTest::newRow("certificate corrupt") << "corrupt"
                                             << "unreadable";
    }
    void ensureReissues()
    {
        QFETCH(QString, change);
        QFETCH(QString, reason);
        TestWorkspace ws;
        ServerTlsIdentity id(ws.db(), ws.session().audit(), ws.path());
        auto first = id.ensure(loopbackNames());
        QVERIFY(first.ok());
        const QString caFingerprint = first->info.localCa->sha256Fingerprint;
        ServerNames wanted = loopbackNames();
        const QString dir = id.directory();
        if (change == QLatin1String("expiry")) {
            ws.clock().setNow(first->info.server.notAfter.addDays(-29));
        } else if (change == QLatin1String("name")) {
            wanted = wanted.unitedWith(names({QStringLiteral("fleet.example")}, {}));
        } else if (change == QLatin1String("key")) {
            auto other =
                LocalCertificateAuthority::create(QStringLiteral("k"), ws.clock().nowUtc());
            QFile f(dir + QStringLiteral("/server.key"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(*other->privateKeyPem());
        } else if (change == QLatin1String("nokey")) {
            QVERIFY(QFile::remove(dir + QStringLiteral("/server.key")));
        } else {
            QFile f(dir + QStringLiteral("/server.pem"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        }
        auto second = id.ensure(wanted);
        QVERIFY2(second.ok(), qPrintable(second.message()));
        QVERIFY(second->issuedServerCertificate);
        QVERIFY2(second->reason.contains(reason), qPrintable(second->reason));
        QVERIFY(!second->createdCa);
        // The CA devices trust stays; the new certificate keeps the old names.
        QCOMPARE(second->info.localCa->sha256Fingerprint, caFingerprint);
        QVERIFY(second->info.server.names.covers(wanted));
        QVERIFY(second->info.server.sha256Fingerprint != first->info.server.sha256Fingerprint);
        QVERIFY(id.load().ok());
        QCOMPARE(auditRows(ws, QStringLiteral("server.certificate.issue")), 2);
    }

    void damagedCaIsReportedNotReplaced()
    {
        TestWorkspace ws;
        ServerTlsIdentity id(ws.db(), ws.session().audit(), ws.path());
        QVERIFY(id.ensure(loopbackNames()).ok());
        const QString caKey = id.directory() + QStringLiteral("/ca.key");
        QVERIFY(QFile::remove(caKey));
        const QByteArray caPem = readFile(id.caCertificatePath());
        auto renewed = id.renew(names({QStringLiteral("x.example")}, {}), loopbackNames());
        QVERIFY(!renewed.ok());
        QVERIFY2(renewed.message().contains(QLatin1String("ca.key' is missing")),
                 qPrintable(renewed.message()));
        QCOMPARE(readFile(id.caCertificatePath()), caPem);

        QFile f(caKey);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
        f.close();
        renewed = id.renew({}, loopbackNames());
        QVERIFY(!renewed.ok());
        QVERIFY2(renewed.message().contains(QLatin1String("Delete the folder")),
                 qPrintable(renewed.message()));
    }

    void renewAddsNamesAndKeepsOldOnes()
    {
        TestWorkspace ws;
        ServerTlsIdentity id(ws.db(), ws.session().audit(), ws.path());
        QVERIFY(id.ensure(loopbackNames()).ok());
        auto renewed = id.renew(names({QStringLiteral("gw.example")}, {QStringLiteral("10.1.2.3")}),
                                names({}, {QStringLiteral("::1")}));
        QVERIFY2(renewed.ok(), qPrintable(renewed.message()));
        QVERIFY(renewed->issuedServerCertificate);
        const QStringList all = renewed->info.server.names.toStrings();
        for (const char *n :
             {"DNS:localhost", "DNS:gw.example", "IP:127.0.0.1", "IP:10.1.2.3", "IP:::1"})
            QVERIFY2(all.contains(QLatin1String(n)), n);
        QCOMPARE(auditRows(ws, QStringLiteral("server.certificate.renew")), 1);
    }

    void importRefuses_data()
    {
        QTest::addColumn<QString>("problem");
        QTest::addColumn<QString>("message");
        QTest::newRow("key of another certificate") << "mismatch"
                                                    << "does not belong to";
        QTest::newRow("expired") << "expired"
                                 << "expired on";
        QTest::newRow("not yet valid") << "future"
                                       << "not valid before";
        QTest::newRow("CA certificate") << "ca"
                                        << "is a CA certificate";
        QTest::newRow("not PEM") << "garbage"
                                 << "holds no PEM certificate";
        QTest::newRow("corrupt PEM") << "corrupt"
                                     << "cannot be read";
        QTest::newRow("key is not a key") << "notkey"
                                          << "is not a PEM private key";
        QTest::newRow("missing key file") << "nokeyfile"
                                          << "No private key file";
        QTest::newRow("client-only certificate") << "clientauth"
                                                 << "lacks serverAuth";
        QTest::newRow("encrypted key") << "encrypted"
                                       << "encrypted with a passphrase";
        QTest::newRow("Ed25519 key") << "ed25519"
                                     << "RSA and ECDSA";
    }
    void importRefuses()
    {
        QFETCH(QString, problem);
        QFETCH(QString, message);
        TestWorkspace ws;
        ServerTlsIdentity id(ws.db(), ws.session().audit(), ws.path());
        const QDateTime now = ws.clock().nowUtc();
        OperatorPki pki = OperatorPki::make(now.addDays(-1000));
        QTemporaryDir tmp;
        auto good = pki.ca.issueServerCertificate(names({QStringLiteral("gw.example")}, {}), now);
        QVERIFY(good.ok());
        QByteArray certPem = good->certificatePem;
        QByteArray keyPem = good->privateKeyPem;
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        auto runOpenssl = [&](const QStringList &args) {
            QProcess p;
            p.setWorkingDirectory(tmp.path());
            p.start(openssl, args);
            return p.waitForFinished(30000) && p.exitCode() == 0;
        };
        if (problem == QLatin1String("mismatch")) {
            keyPem =
                pki.ca.issueServerCertificate(names({QStringLiteral("a")}, {}), now)->privateKeyPem;
        } else if (problem == QLatin1String("expired")) {
            auto old =
                pki.ca.issueServerCertificate(names({QStringLiteral("a")}, {}), now.addDays(-900));
            certPem = old->certificatePem;
            keyPem = old->privateKeyPem;
        } else if (problem == QLatin1String("future")) {
            auto later =
                pki.ca.issueServerCertificate(names({QStringLiteral("a")}, {}), now.addDays(5));
            certPem = later->certificatePem;
            keyPem = later->privateKeyPem;
        } else if (problem == QLatin1String("ca")) {
            certPem = pki.ca.certificatePem();
            keyPem = *pki.ca.privateKeyPem();
        } else if (problem == QLatin1String("garbage")) {
            certPem = "hello";
        } else if (problem == QLatin1String("corrupt")) {
            certPem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        } else if (problem == QLatin1String("notkey")) {
            keyPem = certPem;
        } else if (problem == QLatin1String("clientauth") || problem == QLatin1String("ed25519")) {
            if (openssl.isEmpty())
                QSKIP("the openssl tool is not installed");
            const bool ed = problem == QLatin1String("ed25519");
            QStringList args = {QStringLiteral("req"),
                                QStringLiteral("-x509"),
                                QStringLiteral("-newkey"),
                                ed ? QStringLiteral("ed25519") : QStringLiteral("ec"),
                                QStringLiteral("-nodes"),
                                QStringLiteral("-keyout"),
                                QStringLiteral("k.pem"),
                                QStringLiteral("-out"),
                                QStringLiteral("c.pem"),
                                QStringLiteral("-days"),
                                QStringLiteral("3650"),
                                QStringLiteral("-subj"),
                                QStringLiteral("/CN=gw.example"),
                                QStringLiteral("-addext"),
                                QStringLiteral("subjectAltName=DNS:gw.example"),
                                QStringLiteral("-addext"),
                                QStringLiteral("basicConstraints=critical,CA:FALSE"),
                                QStringLiteral("-addext"),
                                ed ? QStringLiteral("extendedKeyUsage=serverAuth")
                                   : QStringLiteral("extendedKeyUsage=clientAuth")};
            if (!ed)
                args << QStringLiteral("-pkeyopt") << QStringLiteral("ec_paramgen_curve:P-256");
            QVERIFY(runOpenssl(args));
            certPem = readFile(tmp.filePath(QStringLiteral("c.pem")));
            keyPem = readFile(tmp.filePath(QStringLiteral("k.pem")));
            // The test clock is in the past of the real one the tool used.
            ws.clock().setNow(QDateTime::currentDateTimeUtc());
        } else if (problem == QLatin1String("encrypted")) {
            if (openssl.isEmpty())
                QSKIP("the openssl tool is not installed");
            writeFile(tmp, QStringLiteral("plain.key"), keyPem);
            QVERIFY(runOpenssl({QStringLiteral("pkey"), QStringLiteral("-in"),
                                QStringLiteral("plain.key"), QStringLiteral("-aes256"),
                                QStringLiteral("-passout"), QStringLiteral("pass:secret12"),
                                QStringLiteral("-out"), QStringLiteral("enc.key")}));
            keyPem = readFile(tmp.filePath(QStringLiteral("enc.key")));
        }
        const QString certPath = writeFile(tmp, QStringLiteral("server.pem"), certPem);
        QString keyPath = writeFile(tmp, QStringLiteral("server.key"), keyPem);
        if (problem == QLatin1String("nokeyfile"))
            keyPath = tmp.filePath(QStringLiteral("absent.key"));

        auto imported = id.importServerCertificate(certPath, keyPath);
        QVERIFY(!imported.ok());
        QVERIFY2(imported.message().contains(message), qPrintable(imported.message()));
        QVERIFY(!QFileInfo::exists(id.serverCertificatePath()));
        QCOMPARE(auditRows(ws, QStringLiteral("server.certificate.import")), 0);
    }

    void importReplacesTheLocalCertificateUntilRenewed()
    {
        TestWorkspace ws;
        ServerTlsIdentity id(ws.db(), ws.session().audit(), ws.path());
        const QDateTime now = ws.clock().nowUtc();
        QVERIFY(id.ensure(loopbackNames()).ok());
        OperatorPki pki = OperatorPki::make(now);
        auto cert = pki.ca.issueServerCertificate(names({QStringLiteral("gw.example")}, {}), now);
        QTemporaryDir tmp;
        // A "full chain" file: leaf, then the issuing CA.
        const QString certPath = writeFile(tmp, QStringLiteral("full.pem"),
                                           cert->certificatePem + pki.ca.certificatePem());
        const QString keyPath = writeFile(tmp, QStringLiteral("key.pem"), cert->privateKeyPem);
        auto imported = id.importServerCertificate(certPath, keyPath);
        QVERIFY2(imported.ok(), qPrintable(imported.message()));
        QCOMPARE(imported->source, ServerTlsIdentity::Source::Imported);
        QCOMPARE(imported->server.names.toStrings(), QStringList{QStringLiteral("DNS:gw.example")});
        QCOMPARE(imported->chain.size(), 1);
        QCOMPARE(auditRows(ws, QStringLiteral("server.certificate.import")), 1);
        QCOMPARE(QFileInfo(id.directory() + QStringLiteral("/server.key")).permissions() &
                     (QFile::ReadOther | QFile::ReadGroup),
                 QFile::Permissions());

        // ensure() leaves an import alone, even without the machine's names in it.
        auto ensured = id.ensure(loopbackNames());
        QVERIFY(ensured.ok());
        QVERIFY(!ensured->issuedServerCertificate);
        QCOMPARE(ensured->info.source, ServerTlsIdentity::Source::Imported);
        QVERIFY(ensured->warning.isEmpty());
        ws.clock().setNow(imported->server.notAfter.addDays(-3));
        QVERIFY(id.ensure(loopbackNames())->warning.contains(QLatin1String("expires on")));
        ws.clock().setNow(now);

        // export-ca gives devices the top of the imported chain.
        QTemporaryDir out;
        const QString exported = out.filePath(QStringLiteral("trust.pem"));
        QVERIFY(id.exportCaCertificate(exported).ok());
        QCOMPARE(readFile(exported), pki.ca.certificatePem());
        auto loaded = id.load();
        QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
        QCOMPARE(loaded->chain.size(), 1);

        // renew goes back to the local CA.
        auto renewed = id.renew({}, loopbackNames());
        QVERIFY(renewed.ok());
        QCOMPARE(renewed->info.source, ServerTlsIdentity::Source::LocalCa);
        QVERIFY(renewed->info.chain.isEmpty());
        QVERIFY(renewed->reason.contains(QLatin1String("imported")));
        QVERIFY(id.exportCaCertificate(exported).ok());
        QCOMPARE(readFile(exported), readFile(id.caCertificatePath()));
    }

    void exportWithoutCaSaysWhatToDo()
    {
        TestWorkspace ws;
        ServerTlsIdentity id(ws.db(), ws.session().audit(), ws.path());
        QTemporaryDir out;
        Status s = id.exportCaCertificate(out.filePath(QStringLiteral("ca.pem")));
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, Error::Kind::NotFound);
        QVERIFY(s.message().contains(QLatin1String("renew")));
    }

    void tlsHandshakeWithTheExportedCa_data()
    {
        QTest::addColumn<QString>("connectTo");
        QTest::addColumn<QString>("verifyName");
        QTest::addColumn<bool>("succeeds");
        QTest::newRow("127.0.0.1") << "127.0.0.1"
                                   << "" << true;
        QTest::newRow("localhost") << "127.0.0.1"
                                   << "localhost" << true;
        QTest::newRow("name not in the certificate") << "127.0.0.1"
                                                     << "other.example" << false;
    }
    void tlsHandshakeWithTheExportedCa()
    {
        if (!QSslSocket::supportsSsl())
            QSKIP("Qt has no TLS backend here");
        QFETCH(QString, connectTo);
        QFETCH(QString, verifyName);
        QFETCH(bool, succeeds);
        TestWorkspace ws;
        // A real handshake checks dates against the real clock.
        ws.clock().setNow(QDateTime::currentDateTimeUtc());
        ServerTlsIdentity id(ws.db(), ws.session().audit(), ws.path());
        QVERIFY(id.ensure(loopbackNames()).ok());
        auto loaded = id.load();
        QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
        QTemporaryDir out;
        const QString caPath = out.filePath(QStringLiteral("ca.pem"));
        QVERIFY(id.exportCaCertificate(caPath).ok());

        TlsServer server(*loaded);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QSslSocket client;
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setCaCertificates(QSslCertificate::fromPath(caPath));
        config.setPeerVerifyMode(QSslSocket::VerifyPeer);
        client.setSslConfiguration(config);
        QList<QSslError> errors;
        connect(&client, &QSslSocket::sslErrors, &client,
                [&errors](const QList<QSslError> &e) { errors += e; });
        QSignalSpy encrypted(&client, &QSslSocket::encrypted);
        client.connectToHostEncrypted(connectTo, server.serverPort(), verifyName);
        if (succeeds) {
            QTRY_COMPARE_WITH_TIMEOUT(encrypted.size(), 1, 10000);
            QVERIFY(errors.isEmpty());
            QCOMPARE(
                client.peerCertificate().digest(QCryptographicHash::Sha256).toHex(':').toUpper(),
                id.info()->server.sha256Fingerprint.toLatin1());
        } else {
            QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), 10000);
            QCOMPARE(errors.first().error(), QSslError::HostNameMismatch);
            QCOMPARE(encrypted.size(), 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestServerTlsIdentity)
#include "tst_servertlsidentity.moc"
