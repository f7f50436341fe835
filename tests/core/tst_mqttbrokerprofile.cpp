#include "mqtt/MqttBrokerProfile.h"
#include "mqtt/MqttReconnectBackoff.h"

#include <QTemporaryDir>
#include <QtTest>

using fleet::MqttBrokerProfile;
using fleet::MqttReconnectBackoff;

class TestMqttBrokerProfile : public QObject
{
    Q_OBJECT
private slots:
    void parsesUrls_data();
    void parsesUrls();
    void refusesUrls_data();
    void refusesUrls();
    void defaults();
    void validates_data();
    void validates();
    void urlRoundTrips();
    void backoffDoublesUpToOneMinute();
    void backoffJitterIsBoundedAndInjected();
};

void TestMqttBrokerProfile::parsesUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<bool>("tls");
    QTest::addColumn<QString>("username");

    QTest::newRow("plain default port") << "mqtt://broker.example.com"
                                        << "broker.example.com" << 1883 << false << "";
    QTest::newRow("tls default port") << "mqtts://broker.example.com"
                                      << "broker.example.com" << 8883 << true << "";
    QTest::newRow("plain explicit port") << "mqtt://10.0.0.5:11883"
                                         << "10.0.0.5" << 11883 << false << "";
    QTest::newRow("tls explicit port") << "mqtts://localhost:9883"
                                       << "localhost" << 9883 << true << "";
    QTest::newRow("scheme case") << "MQTTS://Broker.Example.com:8884"
                                 << "broker.example.com" << 8884 << true << "";
    QTest::newRow("trailing slash") << "mqtt://broker:1884/"
                                    << "broker" << 1884 << false << "";
    QTest::newRow("surrounding spaces") << "  mqtt://broker  "
                                        << "broker" << 1883 << false << "";
    QTest::newRow("ipv6") << "mqtts://[::1]:8883"
                          << "::1" << 8883 << true << "";
    QTest::newRow("user name") << "mqtts://gateway-7@broker:8883"
                               << "broker" << 8883 << true << "gateway-7";
}

void TestMqttBrokerProfile::parsesUrls()
{
    QFETCH(QString, url);
    const auto profile = MqttBrokerProfile::fromUrl(url);
    QVERIFY2(profile.ok(), qPrintable(profile.message()));
    QTEST(profile->host, "host");
    QTEST(int(profile->port), "port");
    QTEST(profile->tls, "tls");
    QTEST(profile->username, "username");
    QVERIFY(profile->password.isEmpty());
    QCOMPARE(profile->inflightWindow, MqttBrokerProfile::DefaultInflightWindow);
}

void TestMqttBrokerProfile::refusesUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("empty") << ""
                           << "Enter the broker address";
    QTest::newRow("http") << "http://broker:1883"
                          << "mqtt:// or mqtts://";
    QTest::newRow("no scheme") << "broker.example.com:1883"
                               << "mqtt:// or mqtts://";
    QTest::newRow("no host") << "mqtt://:1883"
                             << "no host name";
    QTest::newRow("port zero") << "mqtt://broker:0"
                               << "port 0";
    QTest::newRow("port too big") << "mqtt://broker:70000"
                                  << "not a valid broker address";
    QTest::newRow("password in url") << "mqtts://user:secret@broker"
                                     << "password field";
    QTest::newRow("path") << "mqtt://broker/devices"
                          << "has a path";
    QTest::newRow("query") << "mqtt://broker?x=1"
                           << "query or fragment";
}

void TestMqttBrokerProfile::refusesUrls()
{
    QFETCH(QString, url);
    QFETCH(QString, messagePart);
    const auto profile = MqttBrokerProfile::fromUrl(url);
    QVERIFY(!profile.ok());
    QVERIFY2(profile.message().contains(messagePart), qPrintable(profile.message()));
    // The password must never be echoed back in an error message.
    QVERIFY(!profile.message().contains(QLatin1String("secret")));
}

void TestMqttBrokerProfile::defaults()
{
    const MqttBrokerProfile profile;
    QVERIFY(profile.verifyHostname);
    QVERIFY(profile.cleanSession);
    QCOMPARE(profile.inflightWindow, 20);
    QCOMPARE(profile.protocol, MqttBrokerProfile::ProtocolVersion::V5WithFallback);
    QCOMPARE(profile.keepAliveSeconds, 60);
}

void TestMqttBrokerProfile::validates_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("messagePart"); // empty: valid

    QTest::newRow("valid") << ""
                           << "";
    QTest::newRow("no host") << "host"
                             << "host name";
    QTest::newRow("port 0") << "port"
                            << "Port 0";
    QTest::newRow("inflight 0") << "inflight0"
                                << "0 would mean unlimited";
    QTest::newRow("inflight negative") << "inflightNegative"
                                       << "between 1 and 65535";
    QTest::newRow("inflight too big") << "inflightHuge"
                                      << "too large";
    QTest::newRow("inflight 1") << "inflight1"
                                << "";
    QTest::newRow("keepalive too short") << "keepalive"
                                         << "keep-alive";
    QTest::newRow("persistent without id") << "session"
                                           << "needs a client id";
    QTest::newRow("persistent with id") << "sessionWithId"
                                        << "";
    QTest::newRow("password without user") << "password"
                                           << "without a user name";
    QTest::newRow("cert without key") << "certOnly"
                                      << "both files or neither";
    QTest::newRow("ca without tls") << "caWithoutTls"
                                    << "only used with TLS";
    QTest::newRow("missing ca file") << "missingCa"
                                     << "does not exist";
}

void TestMqttBrokerProfile::validates()
{
    QFETCH(QString, field);
    QFETCH(QString, messagePart);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MqttBrokerProfile profile;
    profile.host = QStringLiteral("broker");
    if (field == QLatin1String("host"))
        profile.host = QStringLiteral("  ");
    else if (field == QLatin1String("port"))
        profile.port = 0;
    else if (field == QLatin1String("inflight0"))
        profile.inflightWindow = 0;
    else if (field == QLatin1String("inflightNegative"))
        profile.inflightWindow = -3;
    else if (field == QLatin1String("inflightHuge"))
        profile.inflightWindow = 65536;
    else if (field == QLatin1String("inflight1"))
        profile.inflightWindow = 1;
    else if (field == QLatin1String("keepalive"))
        profile.keepAliveSeconds = 2;
    else if (field == QLatin1String("session"))
        profile.cleanSession = false;
    else if (field == QLatin1String("sessionWithId")) {
        profile.cleanSession = false;
        profile.clientId = QStringLiteral("fleetdesk-1");
    } else if (field == QLatin1String("password"))
        profile.password = QStringLiteral("secret");
    else if (field == QLatin1String("certOnly")) {
        profile.tls = true;
        profile.clientCertFile = dir.filePath(QStringLiteral("client.crt"));
    } else if (field == QLatin1String("caWithoutTls"))
        profile.caFile = dir.filePath(QStringLiteral("ca.crt"));
    else if (field == QLatin1String("missingCa")) {
        profile.tls = true;
        profile.caFile = dir.filePath(QStringLiteral("missing.crt"));
    }
    const fleet::Status status = profile.validate();
    if (messagePart.isEmpty()) {
        QVERIFY2(status.ok(), qPrintable(status.message()));
    } else {
        QVERIFY(!status.ok());
        QVERIFY2(status.message().contains(messagePart), qPrintable(status.message()));
        QVERIFY(!status.message().contains(QLatin1String("secret")));
    }
}

void TestMqttBrokerProfile::urlRoundTrips()
{
    const auto profile =
        MqttBrokerProfile::fromUrl(QStringLiteral("mqtts://broker.example.com:8884"));
    QVERIFY(profile.ok());
    QCOMPARE(profile->url(), QStringLiteral("mqtts://broker.example.com:8884"));
    const auto again = MqttBrokerProfile::fromUrl(profile->url());
    QVERIFY(again.ok());
    QCOMPARE(again->port, profile->port);
}

void TestMqttBrokerProfile::backoffDoublesUpToOneMinute()
{
    MqttReconnectBackoff backoff;
    const QList<int> expected = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
    QList<int> delays;
    for (int i = 0; i < expected.size(); ++i)
        delays << backoff.nextDelayMs();
    QCOMPARE(delays, expected);
    backoff.reset();
    QCOMPARE(backoff.nextDelayMs(), 1000);
}

void TestMqttBrokerProfile::backoffJitterIsBoundedAndInjected()
{
    QList<int> bounds;
    MqttReconnectBackoff backoff;
    // A source that always asks for too much: the backoff must clamp it to its bound.
    backoff.setJitterSource([&bounds](int bound) {
        bounds << bound;
        return bound + 1000;
    });
    QCOMPARE(backoff.nextDelayMs(), 1000 + 250);
    QCOMPARE(backoff.nextDelayMs(), 2000 + 500);
    QCOMPARE(bounds, (QList<int>{250, 500}));

    // The same seed gives the same delays: reconnect timing is reproducible in tests.
    const auto delaysWithSeed = [](quint32 seed) {
        QRandomGenerator generator(seed);
        MqttReconnectBackoff seeded;
        seeded.setJitterSource([&generator](int bound) { return int(generator.bounded(bound)); });
        QList<int> delays;
        for (int i = 0; i < 6; ++i)
            delays << seeded.nextDelayMs();
        return delays;
    };
    QCOMPARE(delaysWithSeed(42), delaysWithSeed(42));
    for (const int delay : delaysWithSeed(7))
        QVERIFY(delay >= 1000 && delay < 75000);
}

QTEST_GUILESS_MAIN(TestMqttBrokerProfile)
#include "tst_mqttbrokerprofile.moc"
