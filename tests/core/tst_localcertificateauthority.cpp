// LocalCertificateAuthority: the workspace CA is a P-256 CA certificate, and the server
// certificates it issues carry the asked-for names, serverAuth only, bounded validity, and
// verify against the CA alone (checked with OpenSSL's verifier and with the openssl tool,
// independently of core/tls), including the host name or address check a client makes.
#include "tls/CertificateDetails.h"
#include "tls/LocalCertificateAuthority.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

using namespace fleet;

namespace {

const QDateTime Now(QDate(2026, 11, 24), QTime(12, 0), Qt::UTC);

X509 *readX509(const QByteArray &pem)
{
    BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    X509 *x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return x;
}

// OpenSSL's own chain verification with only `caPem` trusted, at `at`, for `host` (a DNS
// name or an IP address). Returns "" on success, or OpenSSL's reason.
QString verifyWithOpenSsl(const QByteArray &caPem, const QByteArray &leafPem, const QDateTime &at,
                          const QString &host)
{
    X509 *ca = readX509(caPem);
    X509 *leaf = readX509(leafPem);
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, ca);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, leaf, nullptr);
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_time(param, time_t(at.toSecsSinceEpoch()));
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
    const QByteArray h = host.toLatin1();
    if (QHostAddress(host).isNull())
        X509_VERIFY_PARAM_set1_host(param, h.constData(), size_t(h.size()));
    else
        X509_VERIFY_PARAM_set1_ip_asc(param, h.constData());
    const int ok = X509_verify_cert(ctx);
    const QString reason =
        ok == 1 ? QString()
                : QString::fromLatin1(X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    X509_free(ca);
    X509_free(leaf);
    ERR_clear_error();
    return reason;
}

ServerNames names(const QStringList &dns, const QStringList &ips)
{
    auto n = ServerNames::fromStrings(dns, ips);
    return n ? *n : ServerNames();
}

} // namespace

class TestLocalCertificateAuthority : public QObject
{
    Q_OBJECT

private slots:
    void createsCaCertificate()
    {
        auto ca = LocalCertificateAuthority::create(QStringLiteral("1a2b3c4d"), Now);
        QVERIFY2(ca.ok(), qPrintable(ca.message()));
        auto d = CertificateDetails::fromPem(ca->certificatePem(), QStringLiteral("CA"));
        QVERIFY2(d.ok(), qPrintable(d.message()));
        QCOMPARE(d->subject, QStringLiteral("CN=Fleetdesk local CA 1a2b3c4d"));
        QCOMPARE(d->issuer, d->subject);
        QVERIFY(d->isCa);
        QVERIFY(d->selfSigned);
        QCOMPARE(d->notAfter, Now.addDays(3650));
        QVERIFY(d->notBefore <= Now);
        QCOMPARE(d->sha256Fingerprint.size(), 32 * 3 - 1);
        // A 128-bit random serial: two CAs never share one.
        auto other = LocalCertificateAuthority::create(QStringLiteral("1a2b3c4d"), Now);
        QVERIFY(other.ok());
        auto d2 = CertificateDetails::fromPem(other->certificatePem(), QStringLiteral("CA"));
        QVERIFY(d->serialNumber != d2->serialNumber);
        QVERIFY(d->serialNumber.size() >= 20 && d->serialNumber.size() <= 32);

        // P-256 key, keyCertSign + cRLSign, critical CA:TRUE (as a client's verifier sees it).
        X509 *x = readX509(ca->certificatePem());
        QVERIFY(x);
        EVP_PKEY *pub = X509_get0_pubkey(x);
        QCOMPARE(EVP_PKEY_get_base_id(pub), EVP_PKEY_EC);
        char group[32] = {};
        size_t len = 0;
        QVERIFY(EVP_PKEY_get_group_name(pub, group, sizeof group, &len) == 1);
        QCOMPARE(QByteArray(group), QByteArray("prime256v1"));
        QCOMPARE(X509_get_key_usage(x), uint32_t(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
        const int bcIndex = X509_get_ext_by_NID(x, NID_basic_constraints, -1);
        QVERIFY(bcIndex >= 0);
        QVERIFY(X509_EXTENSION_get_critical(X509_get_ext(x, bcIndex)));
        X509_free(x);
    }

    void issuedCertificateVerifiesAgainstTheCa_data()
    {
        QTest::addColumn<QStringList>("dns");
        QTest::addColumn<QStringList>("ips");
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("accepted");
        const QStringList both = {QStringLiteral("fleet.plant-a.example"),
                                  QStringLiteral("localhost")};
        const QStringList ips = {QStringLiteral("127.0.0.1"), QStringLiteral("::1"),
                                 QStringLiteral("192.168.10.20")};
        QTest::newRow("dns name") << both << ips << QStringLiteral("fleet.plant-a.example") << true;
        QTest::newRow("localhost") << both << ips << QStringLiteral("localhost") << true;
        QTest::newRow("ipv4") << both << ips << QStringLiteral("127.0.0.1") << true;
        QTest::newRow("ipv6") << both << ips << QStringLiteral("::1") << true;
        QTest::newRow("lan address") << both << ips << QStringLiteral("192.168.10.20") << true;
        QTest::newRow("other name") << both << ips << QStringLiteral("evil.example") << false;
        QTest::newRow("other address") << both << ips << QStringLiteral("10.9.9.9") << false;
        QTest::newRow("address only") << QStringList() << QStringList{QStringLiteral("10.0.0.7")}
                                      << QStringLiteral("10.0.0.7") << true;
        QTest::newRow("wildcard") << QStringList{QStringLiteral("*.devices.example")}
                                  << QStringList() << QStringLiteral("gw1.devices.example") << true;
    }
    void issuedCertificateVerifiesAgainstTheCa()
    {
        QFETCH(QStringList, dns);
        QFETCH(QStringList, ips);
        QFETCH(QString, host);
        QFETCH(bool, accepted);
        auto ca = LocalCertificateAuthority::create(QStringLiteral("test"), Now);
        QVERIFY(ca.ok());
        const ServerNames wanted = names(dns, ips);
        auto issued = ca->issueServerCertificate(wanted, Now);
        QVERIFY2(issued.ok(), qPrintable(issued.message()));
        QVERIFY(issued->privateKeyPem.startsWith("-----BEGIN PRIVATE KEY-----"));

        auto d = CertificateDetails::fromPem(issued->certificatePem, QStringLiteral("leaf"));
        QVERIFY(d.ok());
        QCOMPARE(d->names.toStrings(), wanted.toStrings());
        QVERIFY(!d->isCa);
        QVERIFY(d->hasExtendedKeyUsage);
        QVERIFY(d->allowsServerAuth);
        QCOMPARE(d->notAfter, Now.addDays(825));
        QCOMPARE(d->issuer, QStringLiteral("CN=Fleetdesk local CA test"));

        const QString reason =
            verifyWithOpenSsl(ca->certificatePem(), issued->certificatePem, Now.addDays(1), host);
        if (accepted)
            QVERIFY2(reason.isEmpty(), qPrintable(reason));
        else
            QVERIFY(reason.contains(QLatin1String("mismatch")));
    }

    void issuedCertificateIsRefusedByAnotherCaAndWhenExpired()
    {
        auto ca = LocalCertificateAuthority::create(QStringLiteral("a"), Now);
        auto other = LocalCertificateAuthority::create(QStringLiteral("a"), Now);
        QVERIFY(ca.ok() && other.ok());
        auto issued = ca->issueServerCertificate(names({QStringLiteral("localhost")}, {}), Now, 10);
        QVERIFY(issued.ok());
        QVERIFY(!verifyWithOpenSsl(other->certificatePem(), issued->certificatePem, Now,
                                   QStringLiteral("localhost"))
                     .isEmpty());
        QCOMPARE(verifyWithOpenSsl(ca->certificatePem(), issued->certificatePem, Now.addDays(11),
                                   QStringLiteral("localhost")),
                 QStringLiteral("certificate has expired"));
    }

    void opensslToolAcceptsTheChain()
    {
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        if (openssl.isEmpty())
            QSKIP("the openssl tool is not installed");
        auto ca = LocalCertificateAuthority::create(QStringLiteral("cli"),
                                                    QDateTime::currentDateTimeUtc());
        QVERIFY(ca.ok());
        auto issued = ca->issueServerCertificate(
            names({QStringLiteral("localhost")}, {QStringLiteral("127.0.0.1")}),
            QDateTime::currentDateTimeUtc());
        QVERIFY(issued.ok());
        QTemporaryDir dir;
        QFile caFile(dir.filePath(QStringLiteral("ca.pem")));
        QFile leafFile(dir.filePath(QStringLiteral("server.pem")));
        QVERIFY(caFile.open(QIODevice::WriteOnly) && caFile.write(ca->certificatePem()) > 0);
        QVERIFY(leafFile.open(QIODevice::WriteOnly) && leafFile.write(issued->certificatePem) > 0);
        caFile.close();
        leafFile.close();
        QProcess p;
        p.start(openssl,
                {QStringLiteral("verify"), QStringLiteral("-CAfile"), caFile.fileName(),
                 QStringLiteral("-purpose"), QStringLiteral("sslserver"),
                 QStringLiteral("-verify_ip"), QStringLiteral("127.0.0.1"), leafFile.fileName()});
        QVERIFY(p.waitForFinished(30000));
        const QByteArray output = p.readAllStandardOutput() + p.readAllStandardError();
        QVERIFY2(p.exitCode() == 0, output.constData());
        QVERIFY(output.contains(": OK"));
    }

    void refusesBadRequests_data()
    {
        QTest::addColumn<QStringList>("dns");
        QTest::addColumn<int>("days");
        QTest::addColumn<QString>("message");
        QTest::newRow("no names") << QStringList() << 30 << QStringLiteral("at least one");
        QTest::newRow("too long") << QStringList{QStringLiteral("a")} << 826
                                  << QStringLiteral("1 to 825 days");
        QTest::newRow("zero days")
            << QStringList{QStringLiteral("a")} << 0 << QStringLiteral("1 to 825 days");
    }
    void refusesBadRequests()
    {
        QFETCH(QStringList, dns);
        QFETCH(int, days);
        QFETCH(QString, message);
        auto ca = LocalCertificateAuthority::create(QStringLiteral("x"), Now);
        auto issued = ca->issueServerCertificate(names(dns, {}), Now, days);
        QVERIFY(!issued.ok());
        QVERIFY2(issued.message().contains(message), qPrintable(issued.message()));
    }

    void serverCertificateNeverOutlivesTheCa()
    {
        auto ca = LocalCertificateAuthority::create(QStringLiteral("x"), Now);
        const QDateTime late = Now.addDays(3650 - 100);
        auto issued = ca->issueServerCertificate(names({QStringLiteral("a")}, {}), late);
        QVERIFY(issued.ok());
        auto d = CertificateDetails::fromPem(issued->certificatePem, QStringLiteral("leaf"));
        QCOMPARE(d->notAfter, ca->notAfter());
        auto afterExpiry =
            ca->issueServerCertificate(names({QStringLiteral("a")}, {}), Now.addDays(3651));
        QVERIFY(!afterExpiry.ok());
        QVERIFY(afterExpiry.message().contains(QLatin1String("expired")));
    }

    void roundTripsThroughPem()
    {
        auto ca = LocalCertificateAuthority::create(QStringLiteral("x"), Now);
        auto keyPem = ca->privateKeyPem();
        QVERIFY(keyPem.ok());
        auto again = LocalCertificateAuthority::fromPem(ca->certificatePem(), *keyPem);
        QVERIFY2(again.ok(), qPrintable(again.message()));
        QCOMPARE(again->certificatePem(), ca->certificatePem());
        // What the reloaded CA issues verifies against the original certificate.
        auto issued = again->issueServerCertificate(names({QStringLiteral("a.example")}, {}), Now);
        QVERIFY(verifyWithOpenSsl(ca->certificatePem(), issued->certificatePem, Now,
                                  QStringLiteral("a.example"))
                    .isEmpty());

        auto other = LocalCertificateAuthority::create(QStringLiteral("y"), Now);
        auto mismatch =
            LocalCertificateAuthority::fromPem(ca->certificatePem(), *other->privateKeyPem());
        QVERIFY(!mismatch.ok());
        QVERIFY(mismatch.message().contains(QLatin1String("does not belong")));
        auto notCa =
            LocalCertificateAuthority::fromPem(issued->certificatePem, issued->privateKeyPem);
        QVERIFY(!notCa.ok());
        QVERIFY(notCa.message().contains(QLatin1String("not a CA")));
        auto garbage = LocalCertificateAuthority::fromPem("not a pem", *keyPem);
        QVERIFY(!garbage.ok());
        QVERIFY(garbage.message().contains(QLatin1String("cannot be read")));
    }

    void serverNamesAreCheckedAndMerged()
    {
        auto bad = ServerNames::fromStrings({QStringLiteral("bad name!")}, {});
        QVERIFY(!bad.ok());
        QVERIFY(bad.message().contains(QLatin1String("'bad name!'")));
        auto badIp = ServerNames::fromStrings({}, {QStringLiteral("300.1.1.1")});
        QVERIFY(!badIp.ok());
        auto a = names({QStringLiteral("A.example")}, {QStringLiteral("10.0.0.1")});
        auto b = names({QStringLiteral("a.example"), QStringLiteral("b.example")},
                       {QStringLiteral("10.0.0.1"), QStringLiteral("::1")});
        QCOMPARE(a.unitedWith(b).toStrings(),
                 QStringList({QStringLiteral("DNS:a.example"), QStringLiteral("DNS:b.example"),
                              QStringLiteral("IP:10.0.0.1"), QStringLiteral("IP:::1")}));
        QVERIFY(b.covers(a));
        QVERIFY(!a.covers(b));
        const ServerNames machine = ServerNames::forThisMachine();
        QVERIFY(machine.dnsNames.contains(QStringLiteral("localhost")));
        QVERIFY(machine.toStrings().contains(QStringLiteral("IP:127.0.0.1")));
        QVERIFY(machine.toStrings().contains(QStringLiteral("IP:::1")));
    }
};

QTEST_GUILESS_MAIN(TestLocalCertificateAuthority)
#include "tst_localcertificateauthority.moc"
