// fleetctl server certificate: show, export-ca, import and renew the update server's TLS
// certificate from the command line, with --json, clear refusals, exit codes and audit entries.
#include "FleetctlRunner.h"
#include "storage/SqliteDatabase.h"
#include "tls/LocalCertificateAuthority.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace fleet;
using fleet::test::CliResult;
using fleet::test::FleetctlRunner;

namespace {

QStringList cert(const QStringList &rest)
{
    return QStringList{QStringLiteral("server"), QStringLiteral("certificate")} + rest;
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(f.fileName()));
    return f.fileName();
}

} // namespace

class TestFleetctlServer : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_cli.setWorkspace(m_dir->filePath(QStringLiteral("plant.fleetdesk")));
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("workspace"), QStringLiteral("init")}), 0);
    }

    void showBeforeThereIsACertificateSaysHowToMakeOne()
    {
        const CliResult r = m_cli.run(cert({QStringLiteral("show")}));
        FLEETCTL_EXPECT_EXIT(r, 3);
        QVERIFY2(r.errText().contains(QLatin1String("server certificate renew")),
                 r.describe().constData());
        const CliResult exported =
            m_cli.run(cert({QStringLiteral("export-ca"), m_dir->filePath(QStringLiteral("x"))}));
        FLEETCTL_EXPECT_EXIT(exported, 3);
    }

    void renewShowAndExport()
    {
        CliResult r =
            m_cli.run(cert({QStringLiteral("renew"), QStringLiteral("--name"),
                            QStringLiteral("Updates.Plant-A.example"), QStringLiteral("--ip"),
                            QStringLiteral("10.1.2.3"), QStringLiteral("--json")}));
        FLEETCTL_EXPECT_EXIT(r, 0);
        QJsonObject doc = r.json();
        QCOMPARE(doc.value(QStringLiteral("source")).toString(), QStringLiteral("local-ca"));
        QVERIFY(doc.value(QStringLiteral("createdCa")).toBool());
        const QJsonObject server = doc.value(QStringLiteral("server")).toObject();
        const QJsonArray names = server.value(QStringLiteral("names")).toArray();
        for (const char *n : {"DNS:updates.plant-a.example", "DNS:localhost", "IP:10.1.2.3",
                              "IP:127.0.0.1", "IP:::1"})
            QVERIFY2(names.contains(QLatin1String(n)), n);
        const QString fingerprint = server.value(QStringLiteral("sha256Fingerprint")).toString();
        const QString caFingerprint = doc.value(QStringLiteral("localCa"))
                                          .toObject()
                                          .value(QStringLiteral("sha256Fingerprint"))
                                          .toString();
        const QString tlsDir = m_cli.workspace() + QStringLiteral(".tls");
        QCOMPARE(QFileInfo(tlsDir + QStringLiteral("/server.key")).permissions() &
                     (QFile::ReadGroup | QFile::ReadOther),
                 QFile::Permissions());

        r = m_cli.run(cert({QStringLiteral("show")}));
        FLEETCTL_EXPECT_EXIT(r, 0);
        QVERIFY(r.outText().contains(QLatin1String("issued by the local CA")));
        QVERIFY(r.outText().contains(fingerprint));
        r = m_cli.run(cert({QStringLiteral("show"), QStringLiteral("--json")}));
        FLEETCTL_EXPECT_EXIT(r, 0);
        QCOMPARE(r.json()
                     .value(QStringLiteral("server"))
                     .toObject()
                     .value(QStringLiteral("sha256Fingerprint"))
                     .toString(),
                 fingerprint);

        const QString caFile = m_dir->filePath(QStringLiteral("ca.pem"));
        r = m_cli.run(cert({QStringLiteral("export-ca"), caFile, QStringLiteral("--json")}));
        FLEETCTL_EXPECT_EXIT(r, 0);
        QCOMPARE(r.json().value(QStringLiteral("sha256Fingerprint")).toString(), caFingerprint);
        QCOMPARE(r.json().value(QStringLiteral("ca")).toBool(), true);
        QFile exported(caFile);
        QVERIFY(exported.open(QIODevice::ReadOnly));
        QVERIFY(exported.readAll().startsWith("-----BEGIN CERTIFICATE-----"));

        // A second renew keeps the CA and the extra names, issues a new certificate.
        r = m_cli.run(cert({QStringLiteral("renew"), QStringLiteral("--json")}));
        FLEETCTL_EXPECT_EXIT(r, 0);
        QVERIFY(!r.json().value(QStringLiteral("createdCa")).toBool());
        QVERIFY(r.json()
                    .value(QStringLiteral("server"))
                    .toObject()
                    .value(QStringLiteral("names"))
                    .toArray()
                    .contains(QStringLiteral("IP:10.1.2.3")));
        QCOMPARE(r.json()
                     .value(QStringLiteral("localCa"))
                     .toObject()
                     .value(QStringLiteral("sha256Fingerprint"))
                     .toString(),
                 caFingerprint);

        auto db = SqliteDatabase::open(m_cli.workspace(), SqliteDatabase::Access::ReadOnly);
        QVERIFY(db.ok());
        auto count = (*db)->scalar(QStringLiteral("SELECT group_concat(action, ',') FROM "
                                                  "audit_log WHERE action LIKE "
                                                  "'server.certificate.%' ORDER BY seq"));
        QVERIFY(count.ok());
        QCOMPARE(count->toString(),
                 QStringLiteral("server.certificate.create-ca,server.certificate.renew,"
                                "server.certificate.renew"));
    }

    void importChecksAndUsesTheCertificate()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        auto pki = LocalCertificateAuthority::create(QStringLiteral("operator"), now);
        QVERIFY(pki.ok());
        ServerNames names;
        names.dnsNames << QStringLiteral("gw.example");
        auto good = pki->issueServerCertificate(names, now);
        auto other = pki->issueServerCertificate(names, now);
        QVERIFY(good.ok() && other.ok());
        const QString certFile = writeFile(*m_dir, QStringLiteral("s.pem"), good->certificatePem);
        const QString keyFile = writeFile(*m_dir, QStringLiteral("s.key"), good->privateKeyPem);
        const QString wrongKey = writeFile(*m_dir, QStringLiteral("o.key"), other->privateKeyPem);
        const QString chain = writeFile(*m_dir, QStringLiteral("chain.pem"), pki->certificatePem());

        CliResult r =
            m_cli.run(cert({QStringLiteral("import"), QStringLiteral("--cert"), certFile,
                            QStringLiteral("--key"), wrongKey, QStringLiteral("--json")}));
        FLEETCTL_EXPECT_EXIT(r, 6);
        QVERIFY2(r.errText().contains(QLatin1String("does not belong to")),
                 r.describe().constData());

        r = m_cli.run(cert({QStringLiteral("import"), QStringLiteral("--cert"), certFile,
                            QStringLiteral("--key"), keyFile, QStringLiteral("--chain"), chain,
                            QStringLiteral("--json")}));
        FLEETCTL_EXPECT_EXIT(r, 0);
        QCOMPARE(r.json().value(QStringLiteral("source")).toString(), QStringLiteral("imported"));
        QCOMPARE(r.json().value(QStringLiteral("chain")).toArray().size(), 1);

        r = m_cli.run(cert({QStringLiteral("show")}));
        FLEETCTL_EXPECT_EXIT(r, 0);
        QVERIFY(r.outText().contains(QLatin1String("Server certificate (imported)")));
        QVERIFY(r.outText().contains(QLatin1String("DNS:gw.example")));

        const QString trust = m_dir->filePath(QStringLiteral("trust.pem"));
        FLEETCTL_EXPECT_EXIT(m_cli.run(cert({QStringLiteral("export-ca"), trust})), 0);
        QFile f(trust);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), pki->certificatePem());

        auto db = SqliteDatabase::open(m_cli.workspace(), SqliteDatabase::Access::ReadOnly);
        QVERIFY(db.ok());
        auto imports = (*db)->scalar(QStringLiteral(
            "SELECT count(*) FROM audit_log WHERE action = 'server.certificate.import'"));
        QVERIFY(imports.ok());
        QCOMPARE(imports->toInt(), 1);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown action")
            << cert({QStringLiteral("frob")}) << 2 << QStringLiteral("Unknown action 'frob'");
        QTest::newRow("no action") << cert({}) << 2 << QStringLiteral("ACTION");
        QTest::newRow("import without key")
            << cert({QStringLiteral("import"), QStringLiteral("--cert"), QStringLiteral("a.pem")})
            << 2 << QStringLiteral("needs --cert FILE and --key FILE");
        QTest::newRow("import option on show")
            << cert({QStringLiteral("show"), QStringLiteral("--key"), QStringLiteral("k")}) << 2
            << QStringLiteral("belong to 'server certificate import'");
        QTest::newRow("export without file")
            << cert({QStringLiteral("export-ca")}) << 2 << QStringLiteral("needs a FILE");
        QTest::newRow("bad address")
            << cert({QStringLiteral("renew"), QStringLiteral("--ip"), QStringLiteral("1.2.3.999")})
            << 6 << QStringLiteral("'1.2.3.999' is not an IP address");
        QTest::newRow("bad name") << cert({QStringLiteral("renew"), QStringLiteral("--name"),
                                           QStringLiteral("a b")})
                                  << 6 << QStringLiteral("not a valid DNS name");
        QTest::newRow("missing files")
            << cert({QStringLiteral("import"), QStringLiteral("--cert"),
                     QStringLiteral("/nonexistent/c.pem"), QStringLiteral("--key"),
                     QStringLiteral("/nonexistent/k.pem")})
            << 3 << QStringLiteral("No certificate file '/nonexistent/c.pem'");
    }
    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const CliResult r = m_cli.run(arguments);
        FLEETCTL_EXPECT_EXIT(r, exitCode);
        QVERIFY2(r.errText().contains(message), r.describe().constData());
        QVERIFY(!QFileInfo::exists(m_cli.workspace() + QStringLiteral(".tls/server.pem")));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    FleetctlRunner m_cli;
};

QTEST_GUILESS_MAIN(TestFleetctlServer)
#include "tst_fleetctl_server.moc"
