#include "SimulatorOptions.h"

#include <QTemporaryDir>
#include <QTest>

using fleet::Error;
using fleet::sim::SimulatorOptions;

class TestSimulatorOptions : public QObject
{
    Q_OBJECT

private slots:
    void parsesFlags();
    void refusesBadFlags_data();
    void refusesBadFlags();
    void helpIsNotAnError();
    void deviceIds();
};

namespace {

QStringList args(const QStringList &rest)
{
    return QStringList{QStringLiteral("fleetsim"), QStringLiteral("--broker"),
                       QStringLiteral("mqtt://127.0.0.1:1884")} +
           rest;
}

} // namespace

void TestSimulatorOptions::parsesFlags()
{
    QTemporaryDir dir;
    const QString passwordFile = dir.filePath(QStringLiteral("pw"));
    QFile file(passwordFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("s3cret\nignored\n");
    file.close();
    const auto parsed = SimulatorOptions::parse(args({QStringLiteral("--count"),
                                                      QStringLiteral("250"),
                                                      QStringLiteral("--prefix"),
                                                      QStringLiteral("lab"),
                                                      QStringLiteral("--heartbeat-interval"),
                                                      QStringLiteral("0.5"),
                                                      QStringLiteral("--seed"),
                                                      QStringLiteral("99"),
                                                      QStringLiteral("--fail-download"),
                                                      QStringLiteral("10"),
                                                      QStringLiteral("--bad-boot"),
                                                      QStringLiteral("20"),
                                                      QStringLiteral("--offline"),
                                                      QStringLiteral("30"),
                                                      QStringLiteral("--slow-link"),
                                                      QStringLiteral("512"),
                                                      QStringLiteral("--reject"),
                                                      QStringLiteral("40"),
                                                      QStringLiteral("--duration"),
                                                      QStringLiteral("60"),
                                                      QStringLiteral("--username"),
                                                      QStringLiteral("%1"),
                                                      QStringLiteral("--password-file"),
                                                      passwordFile,
                                                      QStringLiteral("--firmware"),
                                                      QStringLiteral("4.4.2"),
                                                      QStringLiteral("--state-dir"),
                                                      dir.path()}));
    QVERIFY2(parsed.ok(), qPrintable(parsed.message()));
    const SimulatorOptions &o = parsed.value();
    QCOMPARE(o.broker.host, QStringLiteral("127.0.0.1"));
    QCOMPARE(o.broker.port, quint16(1884));
    QCOMPARE(o.count, 250);
    QCOMPARE(o.heartbeatIntervalMs, 500);
    QCOMPARE(o.seed, quint64(99));
    QCOMPARE(o.failDownloadPercent, 10);
    QCOMPARE(o.badBootPercent, 20);
    QCOMPARE(o.offlinePercent, 30);
    QCOMPARE(o.slowLinkKbps, 512);
    QCOMPARE(o.rejectPercent, 40);
    QCOMPARE(o.durationSeconds, 60);
    QCOMPARE(o.broker.username, QStringLiteral("%1"));
    QCOMPARE(o.broker.password, QStringLiteral("s3cret"));
    QCOMPARE(o.firmware, QStringLiteral("4.4.2"));
    QCOMPARE(o.stateDir, dir.path());
}

void TestSimulatorOptions::refusesBadFlags_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no broker") << QStringList{QStringLiteral("fleetsim")}
                               << QStringLiteral("--broker is required");
    QTest::newRow("bad broker") << QStringList{QStringLiteral("fleetsim"),
                                               QStringLiteral("--broker"),
                                               QStringLiteral("http://x")}
                                << QStringLiteral("--broker");
    QTest::newRow("count 0") << args({QStringLiteral("--count"), QStringLiteral("0")})
                             << QStringLiteral("--count must be");
    QTest::newRow("percent over 100")
        << args({QStringLiteral("--bad-boot"), QStringLiteral("101")})
        << QStringLiteral("--bad-boot must be a whole number from 0 to 100");
    QTest::newRow("percent not a number")
        << args({QStringLiteral("--reject"), QStringLiteral("ten")})
        << QStringLiteral("--reject must be");
    QTest::newRow("heartbeat too short")
        << args({QStringLiteral("--heartbeat-interval"), QStringLiteral("0")})
        << QStringLiteral("--heartbeat-interval must be");
    QTest::newRow("prefix with slash")
        << args({QStringLiteral("--prefix"), QStringLiteral("a/b")}) << QStringLiteral("--prefix");
    QTest::newRow("missing trust key")
        << args({QStringLiteral("--trust-key"), QStringLiteral("/nonexistent.pem")})
        << QStringLiteral("/nonexistent.pem");
    QTest::newRow("unknown flag") << args({QStringLiteral("--frobnicate")})
                                  << QStringLiteral("frobnicate");
    QTest::newRow("positional") << args({QStringLiteral("extra")})
                                << QStringLiteral("Unexpected argument");
    QTest::newRow("bad seed") << args({QStringLiteral("--seed"), QStringLiteral("-1")})
                              << QStringLiteral("--seed");
}

void TestSimulatorOptions::refusesBadFlags()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    const auto parsed = SimulatorOptions::parse(arguments);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().kind, Error::Kind::Invalid);
    QVERIFY2(parsed.message().contains(expected), qPrintable(parsed.message()));
}

void TestSimulatorOptions::helpIsNotAnError()
{
    const auto parsed =
        SimulatorOptions::parse({QStringLiteral("fleetsim"), QStringLiteral("--help")});
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().kind, Error::Kind::NotFound);
    for (const char *flag :
         {"--broker", "--count", "--fail-download", "--bad-boot", "--offline", "--slow-link",
          "--reject", "--state-dir", "--trust-key", "--seed", "--duration"})
        QVERIFY2(parsed.message().contains(QLatin1String(flag)), flag);
}

void TestSimulatorOptions::deviceIds()
{
    SimulatorOptions o;
    o.prefix = QStringLiteral("kar");
    o.firstIndex = 41;
    QCOMPARE(o.deviceId(0), QStringLiteral("kar-000041"));
    QCOMPARE(o.deviceId(1), QStringLiteral("kar-000042"));
}

QTEST_GUILESS_MAIN(TestSimulatorOptions)
#include "tst_simulatoroptions.moc"
