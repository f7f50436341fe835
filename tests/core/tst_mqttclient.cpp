#include "MosquittoBroker.h"
#include "mqtt/MqttClient.h"
#include "mqtt/MqttConnectionTest.h"

#include <QFile>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>
#include <algorithm>

using fleet::MqttBrokerProfile;
using fleet::MqttClient;
using fleet::MqttConnectionTest;
using fleet::MqttError;
using fleet::MqttLastWill;
using fleet::test::MosquittoBroker;

namespace {

constexpr int ConnectWaitMs = 20000;
constexpr int MessageWaitMs = 10000;

MosquittoBroker::Options tlsBroker(
    MosquittoBroker::ServerCertificate certificate = MosquittoBroker::ServerCertificate::Valid)
{
    MosquittoBroker::Options options;
    options.tls = true;
    options.serverCertificate = certificate;
    return options;
}

MosquittoBroker::Options brokerWithUsers(QList<QPair<QString, QString>> users, QString acl = {})
{
    MosquittoBroker::Options options;
    options.users = std::move(users);
    options.acl = std::move(acl);
    return options;
}

MqttBrokerProfile plainProfile(const MosquittoBroker &broker, const QString &clientId = {})
{
    MqttBrokerProfile profile;
    profile.host = QStringLiteral("127.0.0.1");
    profile.port = broker.port();
    profile.clientId = clientId;
    return profile;
}

MqttBrokerProfile tlsProfile(const MosquittoBroker &broker,
                             const QString &host = QStringLiteral("127.0.0.1"))
{
    MqttBrokerProfile profile;
    profile.host = host;
    profile.port = broker.tlsPort();
    profile.tls = true;
    profile.caFile = broker.caFile();
    return profile;
}

// Every message a client received, in order.
struct Received
{
    QString topic;
    QByteArray payload;
    int qos;
    bool retained;
};

class MessageLog : public QObject
{
public:
    explicit MessageLog(MqttClient &client)
    {
        connect(&client, &MqttClient::messageReceived, this,
                [this](const QString &topic, const QByteArray &payload, int qos, bool retained) {
                    messages.append({topic, payload, qos, retained});
                });
        connect(&client, &MqttClient::errorOccurred, this,
                [this](const MqttError &error) { errors.append(error); });
        connect(&client, &MqttClient::subscribed, this,
                [this](const QString &filter, int) { subscriptions.append(filter); });
        connect(&client, &MqttClient::stateChanged, this,
                [this](MqttClient::State state) { states.append(state); });
    }
    QList<Received> messages;
    QList<MqttError> errors;
    QStringList subscriptions;
    QList<MqttClient::State> states;

    bool hasPayload(const QByteArray &payload) const
    {
        return std::any_of(messages.cbegin(), messages.cend(),
                           [&](const Received &m) { return m.payload == payload; });
    }
    QString errorText() const
    {
        QStringList lines;
        for (const MqttError &e : errors)
            lines << MqttError::stageName(e.stage) + QStringLiteral(": ") + e.message;
        return lines.join(QLatin1Char('\n'));
    }
};

#define START_BROKER(broker) QVERIFY2((broker).start(), qPrintable((broker).errorString()))

} // namespace

class TestMqttClient : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip_data();
    void roundTrip();
    void fallsBackFromV5To311();
    void tlsConnects_data();
    void tlsConnects();
    void tlsFailuresNameTheReason_data();
    void tlsFailuresNameTheReason();
    void wrongHostAcceptedWhenVerificationIsOff();
    void clientCertificate();
    void badCredentialsAreAnAuthError_data();
    void badCredentialsAreAnAuthError();
    void aclRefusalsAreReported_data();
    void aclRefusalsAreReported();
    void reconnectsAndResubscribesAfterBrokerRestart();
    void inflightWindowZeroIsRefused();
    void unknownHostIsADnsError();
    void closedPortIsATcpError();
    void silentBrokerTimesOut();
    void publishWhileDisconnectedFails();
    void disconnectIsClean();
    void connectionTestReportsStageOrVersion();
    void lastWillOnAbruptDrop_data();
    void lastWillOnAbruptDrop();
    void persistentSessionKeepsQos1WhileOffline_data();
    void persistentSessionKeepsQos1WhileOffline();
    void manyClientsBeyondSelectLimit();
};

void TestMqttClient::roundTrip_data()
{
    QTest::addColumn<int>("qos");
    QTest::addColumn<MqttBrokerProfile::ProtocolVersion>("protocol");
    QTest::addColumn<int>("expectedVersion");

    QTest::newRow("qos0 v5") << 0 << MqttBrokerProfile::ProtocolVersion::V5Only << 5;
    QTest::newRow("qos1 v5") << 1 << MqttBrokerProfile::ProtocolVersion::V5Only << 5;
    QTest::newRow("qos0 v3.1.1") << 0 << MqttBrokerProfile::ProtocolVersion::V311Only << 4;
    QTest::newRow("qos1 v3.1.1") << 1 << MqttBrokerProfile::ProtocolVersion::V311Only << 4;
    QTest::newRow("qos1 v5 with fallback")
        << 1 << MqttBrokerProfile::ProtocolVersion::V5WithFallback << 5;
}

void TestMqttClient::roundTrip()
{
    QFETCH(int, qos);
    QFETCH(MqttBrokerProfile::ProtocolVersion, protocol);
    QFETCH(int, expectedVersion);
    MosquittoBroker broker;
    START_BROKER(broker);

    MqttBrokerProfile profile = plainProfile(broker);
    profile.protocol = protocol;
    MqttClient subscriber(profile);
    MqttClient publisher(profile);
    MessageLog received(subscriber);
    QSignalSpy published(&publisher, &MqttClient::published);

    QVERIFY(subscriber.subscribe(QStringLiteral("fleet/+/status"), qos).ok());
    QVERIFY(subscriber.connectToBroker().ok());
    QVERIFY(publisher.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(subscriber.state(), MqttClient::State::Connected, ConnectWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(publisher.state(), MqttClient::State::Connected, ConnectWaitMs);
    QCOMPARE(subscriber.negotiatedProtocolVersion(), expectedVersion);
    QTRY_COMPARE_WITH_TIMEOUT(received.subscriptions, QStringList{QStringLiteral("fleet/+/status")},
                              MessageWaitMs);

    const auto mid = publisher.publish(QStringLiteral("fleet/dev-0001/status"),
                                       QByteArray("online \x00\xff", 9), qos);
    QVERIFY2(mid.ok(), qPrintable(mid.message()));
    QTRY_COMPARE_WITH_TIMEOUT(received.messages.size(), 1, MessageWaitMs);
    QCOMPARE(received.messages[0].topic, QStringLiteral("fleet/dev-0001/status"));
    QCOMPARE(received.messages[0].payload, QByteArray("online \x00\xff", 9));
    QCOMPARE(received.messages[0].qos, qos);
    QCOMPARE(received.messages[0].retained, false);
    QTRY_VERIFY_WITH_TIMEOUT(!published.isEmpty(), MessageWaitMs);
    QCOMPARE(published.first().at(0).toInt(), *mid);
    QVERIFY2(received.errors.isEmpty(), qPrintable(received.errorText()));
}

// mosquitto always speaks MQTT 5, so a broker that only knows 3.1.1 is imitated: it answers a
// version-5 CONNECT with "unacceptable protocol version" and accepts a version-4 one.
void TestMqttClient::fallsBackFromV5To311()
{
    QTcpServer oldBroker;
    QVERIFY(oldBroker.listen(QHostAddress(QHostAddress::LocalHost), 0));
    QList<int> levelsSeen;
    bool accept311 = true;
    QList<QTcpSocket *> sockets;
    connect(&oldBroker, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *socket = oldBroker.nextPendingConnection();
        sockets << socket;
        connect(socket, &QTcpSocket::readyRead, socket, [&levelsSeen, &accept311, socket] {
            const QByteArray connect = socket->readAll();
            // Fixed header (type + 1-byte length for a short CONNECT), then "\0\4MQTT", level.
            if (connect.size() < 9 || connect.at(0) != 0x10)
                return;
            const int level = connect.at(8);
            levelsSeen << level;
            const bool accept = level == 4 && accept311;
            socket->write(QByteArray::fromHex(accept ? "20020000" : "20020001"));
            if (!accept)
                socket->disconnectFromHost();
        });
    });

    MqttBrokerProfile profile;
    profile.host = QStringLiteral("127.0.0.1");
    profile.port = oldBroker.serverPort();
    MqttClient client(profile);
    MessageLog log(client);
    QVERIFY(client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), MqttClient::State::Connected, ConnectWaitMs);
    QCOMPARE(client.negotiatedProtocolVersion(), 4);
    QCOMPARE(levelsSeen, (QList<int>{5, 4}));
    QVERIFY2(log.errors.isEmpty(), qPrintable(log.errorText()));
    client.disconnectFromBroker();

    // Without fallback the same broker is a protocol error.
    profile.protocol = MqttBrokerProfile::ProtocolVersion::V5Only;
    MqttClient strict(profile);
    MessageLog strictLog(strict);
    QVERIFY(strict.connectToBroker().ok());
    QTRY_VERIFY_WITH_TIMEOUT(!strictLog.errors.isEmpty(), ConnectWaitMs);
    QCOMPARE(strictLog.errors.first().stage, MqttError::Stage::Protocol);
    QVERIFY2(strictLog.errors.first().message.contains(QLatin1String("MQTT 5")),
             qPrintable(strictLog.errorText()));
    QTRY_COMPARE_WITH_TIMEOUT(strict.state(), MqttClient::State::Disconnected, ConnectWaitMs);

    // A broker that takes neither: the fallback is tried once, then reported.
    accept311 = false;
    levelsSeen.clear();
    profile.protocol = MqttBrokerProfile::ProtocolVersion::V5WithFallback;
    MqttClient refused(profile);
    MessageLog refusedLog(refused);
    QVERIFY(refused.connectToBroker().ok());
    QTRY_VERIFY_WITH_TIMEOUT(!refusedLog.errors.isEmpty(), ConnectWaitMs);
    QCOMPARE(refusedLog.errors.first().stage, MqttError::Stage::Protocol);
    QCOMPARE(refusedLog.errors.first().message,
             QStringLiteral("The broker does not support MQTT 3.1.1."));
    QCOMPARE(levelsSeen, (QList<int>{5, 4}));
    QTRY_COMPARE_WITH_TIMEOUT(refused.state(), MqttClient::State::Disconnected, ConnectWaitMs);
    qDeleteAll(sockets);
}

void TestMqttClient::tlsConnects_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("by address") << QStringLiteral("127.0.0.1");
    QTest::newRow("by name") << QStringLiteral("localhost");
}

void TestMqttClient::tlsConnects()
{
    QFETCH(QString, host);
    MosquittoBroker broker(tlsBroker());
    START_BROKER(broker);
    MqttClient client(tlsProfile(broker, host));
    MessageLog log(client);
    QVERIFY(client.subscribe(QStringLiteral("secure/#"), 1).ok());
    QVERIFY(client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), MqttClient::State::Connected, ConnectWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(log.subscriptions.size(), 1, MessageWaitMs);
    QVERIFY(client.publish(QStringLiteral("secure/echo"), "over TLS", 1).ok());
    QTRY_VERIFY_WITH_TIMEOUT(log.hasPayload("over TLS"), MessageWaitMs);
    QVERIFY2(log.errors.isEmpty(), qPrintable(log.errorText()));
}

void TestMqttClient::tlsFailuresNameTheReason_data()
{
    QTest::addColumn<MosquittoBroker::ServerCertificate>("certificate");
    QTest::addColumn<bool>("trustUnrelatedCa");
    QTest::addColumn<QString>("reason");

    QTest::newRow("wrong CA")
        << MosquittoBroker::ServerCertificate::Valid << true
        << "certificate verify failed (self-signed certificate in certificate chain)";
    QTest::newRow("expired") << MosquittoBroker::ServerCertificate::Expired << false
                             << "certificate verify failed (certificate has expired)";
    QTest::newRow("wrong host name") << MosquittoBroker::ServerCertificate::WrongHost << false
                                     << "not valid for host name '127.0.0.1'";
}

void TestMqttClient::tlsFailuresNameTheReason()
{
    QFETCH(MosquittoBroker::ServerCertificate, certificate);
    QFETCH(bool, trustUnrelatedCa);
    QFETCH(QString, reason);
    MosquittoBroker broker(tlsBroker(certificate));
    START_BROKER(broker);
    MqttBrokerProfile profile = tlsProfile(broker);
    if (trustUnrelatedCa)
        profile.caFile = broker.unrelatedCaFile();
    MqttClient client(profile);
    MessageLog log(client);
    QVERIFY(client.connectToBroker().ok());
    QTRY_VERIFY_WITH_TIMEOUT(!log.errors.isEmpty(), ConnectWaitMs);
    const MqttError error = log.errors.first();
    QCOMPARE(error.stage, MqttError::Stage::Tls);
    QVERIFY2(error.message.startsWith(QLatin1String("TLS handshake failed: ")),
             qPrintable(error.message));
    QVERIFY2(error.message.contains(reason), qPrintable(error.message));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), MqttClient::State::Disconnected, ConnectWaitMs);
    QCOMPARE(log.states.count(MqttClient::State::Connected), 0);
}

void TestMqttClient::wrongHostAcceptedWhenVerificationIsOff()
{
    MosquittoBroker broker(tlsBroker(MosquittoBroker::ServerCertificate::WrongHost));
    START_BROKER(broker);
    MqttBrokerProfile profile = tlsProfile(broker);
    profile.verifyHostname = false;
    MqttClient client(profile);
    MessageLog log(client);
    QVERIFY(client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), MqttClient::State::Connected, ConnectWaitMs);
    QVERIFY2(log.errors.isEmpty(), qPrintable(log.errorText()));
}

void TestMqttClient::clientCertificate()
{
    MosquittoBroker::Options options = tlsBroker();
    options.requireClientCertificate = true;
    MosquittoBroker broker(options);
    START_BROKER(broker);

    MqttBrokerProfile withCertificate = tlsProfile(broker);
    withCertificate.clientCertFile = broker.clientCertificateFile();
    withCertificate.clientKeyFile = broker.clientKeyFile();
    MqttClient accepted(withCertificate);
    MessageLog acceptedLog(accepted);
    QVERIFY(accepted.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(accepted.state(), MqttClient::State::Connected, ConnectWaitMs);
    QVERIFY2(acceptedLog.errors.isEmpty(), qPrintable(acceptedLog.errorText()));

    MqttClient refused(tlsProfile(broker));
    MessageLog refusedLog(refused);
    QVERIFY(refused.connectToBroker().ok());
    QTRY_VERIFY_WITH_TIMEOUT(!refusedLog.errors.isEmpty(), ConnectWaitMs);
    QVERIFY2(refusedLog.errors.first().stage == MqttError::Stage::Tls,
             qPrintable(refusedLog.errorText()));
    // "tlsv13 alert certificate required", or the hang-up when the alert could not be read.
    QVERIFY2(refusedLog.errors.first().message.contains(QLatin1String("certificate required")) ||
                 refusedLog.errors.first().message.contains(
                     QLatin1String("it may require a client certificate")),
             qPrintable(refusedLog.errorText()));
    QTRY_COMPARE_WITH_TIMEOUT(refused.state(), MqttClient::State::Disconnected, ConnectWaitMs);

    // A key that does not match the certificate is caught before any connection is made.
    MqttBrokerProfile mismatched = withCertificate;
    mismatched.clientCertFile = broker.caFile();
    MqttClient broken(mismatched);
    const fleet::Status status = broken.connectToBroker();
    QVERIFY(!status.ok());
    QVERIFY2(status.message().contains(QLatin1String("client key")) &&
                 status.message().contains(QLatin1String("mismatch")),
             qPrintable(status.message()));
}

void TestMqttClient::badCredentialsAreAnAuthError_data()
{
    QTest::addColumn<MqttBrokerProfile::ProtocolVersion>("protocol");
    QTest::addColumn<QString>("username");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("wrong password v5") << MqttBrokerProfile::ProtocolVersion::V5Only << "alice"
                                       << "wrong"
                                       << "refused the user name or password";
    QTest::newRow("wrong password v3.1.1")
        << MqttBrokerProfile::ProtocolVersion::V311Only << "alice"
        << "wrong"
        << "refused the user name or password";
    QTest::newRow("unknown user") << MqttBrokerProfile::ProtocolVersion::V5WithFallback << "eve"
                                  << "guess"
                                  << "refused the user name or password";
    QTest::newRow("anonymous") << MqttBrokerProfile::ProtocolVersion::V5WithFallback << ""
                               << ""
                               << "requires a user name and password";
}

void TestMqttClient::badCredentialsAreAnAuthError()
{
    QFETCH(MqttBrokerProfile::ProtocolVersion, protocol);
    QFETCH(QString, username);
    QFETCH(QString, password);
    QFETCH(QString, messagePart);
    MosquittoBroker broker(brokerWithUsers({{QStringLiteral("alice"), QStringLiteral("s3cret")}}));
    START_BROKER(broker);

    MqttBrokerProfile good = plainProfile(broker);
    good.username = QStringLiteral("alice");
    good.password = QStringLiteral("s3cret");
    MqttClient accepted(good);
    QVERIFY(accepted.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(accepted.state(), MqttClient::State::Connected, ConnectWaitMs);

    MqttBrokerProfile profile = plainProfile(broker);
    profile.protocol = protocol;
    profile.username = username;
    profile.password = password;
    MqttClient client(profile);
    MessageLog log(client);
    QVERIFY(client.connectToBroker().ok());
    QTRY_VERIFY_WITH_TIMEOUT(!log.errors.isEmpty(), ConnectWaitMs);
    QCOMPARE(log.errors.first().stage, MqttError::Stage::Auth);
    QVERIFY2(log.errors.first().message.contains(messagePart), qPrintable(log.errorText()));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), MqttClient::State::Disconnected, ConnectWaitMs);
    // A refused login is final: no reconnect loop hammering the broker.
    QCOMPARE(log.states.count(MqttClient::State::Reconnecting), 0);
}

void TestMqttClient::aclRefusalsAreReported_data()
{
    QTest::addColumn<MqttBrokerProfile::ProtocolVersion>("protocol");
    // Only MQTT 5 acknowledgements carry a reason code; a 3.1.1 PUBACK cannot say "denied".
    QTest::addColumn<bool>("publishRefusalReported");
    QTest::newRow("v5") << MqttBrokerProfile::ProtocolVersion::V5Only << true;
    QTest::newRow("v3.1.1") << MqttBrokerProfile::ProtocolVersion::V311Only << false;
}

void TestMqttClient::aclRefusalsAreReported()
{
    QFETCH(MqttBrokerProfile::ProtocolVersion, protocol);
    QFETCH(bool, publishRefusalReported);
    MosquittoBroker broker(brokerWithUsers(
        {{QStringLiteral("ops"), QStringLiteral("ops-pw")},
         {QStringLiteral("sensor"), QStringLiteral("sensor-pw")}},
        QStringLiteral("user ops\ntopic readwrite fleet/#\ntopic write public/#\n\n"
                       "user sensor\ntopic write telemetry/#\ntopic read public/#\n")));
    START_BROKER(broker);

    MqttBrokerProfile opsProfile = plainProfile(broker, QStringLiteral("ops-console"));
    opsProfile.username = QStringLiteral("ops");
    opsProfile.password = QStringLiteral("ops-pw");
    MqttBrokerProfile sensorProfile = plainProfile(broker, QStringLiteral("sensor-17"));
    sensorProfile.username = QStringLiteral("sensor");
    sensorProfile.password = QStringLiteral("sensor-pw");
    sensorProfile.protocol = protocol;

    MqttClient ops(opsProfile);
    MqttClient sensor(sensorProfile);
    MessageLog opsLog(ops);
    MessageLog sensorLog(sensor);
    QVERIFY(ops.subscribe(QStringLiteral("fleet/#"), 1).ok());
    QVERIFY(sensor.subscribe(QStringLiteral("fleet/commands"), 1).ok());
    QVERIFY(sensor.subscribe(QStringLiteral("public/#"), 1).ok());
    QVERIFY(ops.connectToBroker().ok());
    QVERIFY(sensor.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(ops.state(), MqttClient::State::Connected, ConnectWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(sensor.state(), MqttClient::State::Connected, ConnectWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(opsLog.subscriptions.size(), 1, MessageWaitMs);
    // mosquitto's ACL file grants every SUBACK and filters at delivery instead, so the
    // forbidden subscription looks accepted; what matters is that nothing arrives on it.
    QTRY_COMPARE_WITH_TIMEOUT(sensorLog.subscriptions.size(), 2, MessageWaitMs);

    QVERIFY(ops.publish(QStringLiteral("fleet/commands"), "reboot all", 1).ok());
    QVERIFY(ops.publish(QStringLiteral("public/notice"), "maintenance at 02:00", 1).ok());
    // Messages from one publisher reach a subscriber in order: once the notice is there, the
    // command would have been there too.
    QTRY_VERIFY_WITH_TIMEOUT(sensorLog.hasPayload("maintenance at 02:00"), MessageWaitMs);
    QVERIFY(opsLog.hasPayload("reboot all"));
    QVERIFY(!sensorLog.hasPayload("reboot all"));

    // A forbidden publish is dropped by the broker and never reaches a subscriber.
    const auto forged = sensor.publish(QStringLiteral("fleet/commands"), "forged", 1);
    QVERIFY(forged.ok());
    QTRY_VERIFY_WITH_TIMEOUT(broker.log().contains(QLatin1String("Denied PUBLISH from sensor-17")),
                             MessageWaitMs);
    QVERIFY(ops.publish(QStringLiteral("fleet/marker"), "marker", 1).ok());
    QTRY_VERIFY_WITH_TIMEOUT(opsLog.hasPayload("marker"), MessageWaitMs);
    QVERIFY(!opsLog.hasPayload("forged"));
    if (publishRefusalReported) {
        QTRY_VERIFY_WITH_TIMEOUT(!sensorLog.errors.isEmpty(), MessageWaitMs);
        QCOMPARE(sensorLog.errors.first().stage, MqttError::Stage::Permission);
        QCOMPARE(sensorLog.errors.first().message,
                 QStringLiteral("The broker refused message %1: Not authorized").arg(*forged));
    } else {
        QVERIFY2(sensorLog.errors.isEmpty(), qPrintable(sensorLog.errorText()));
    }
    QCOMPARE(sensor.state(), MqttClient::State::Connected);
}

void TestMqttClient::reconnectsAndResubscribesAfterBrokerRestart()
{
    MosquittoBroker broker;
    START_BROKER(broker);
    MqttClient subscriber(plainProfile(broker));
    MqttClient publisher(plainProfile(broker));
    // A fixed, seeded jitter source keeps the retry times reproducible.
    QRandomGenerator jitter(1234);
    subscriber.setReconnectJitter([&jitter](int bound) { return int(jitter.bounded(bound)); });
    MessageLog received(subscriber);
    QVERIFY(subscriber.subscribe(QStringLiteral("fleet/+/events"), 1).ok());
    QVERIFY(subscriber.connectToBroker().ok());
    QVERIFY(publisher.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(subscriber.state(), MqttClient::State::Connected, ConnectWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(publisher.state(), MqttClient::State::Connected, ConnectWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(received.subscriptions.size(), 1, MessageWaitMs);
    QVERIFY(publisher.publish(QStringLiteral("fleet/a/events"), "before", 1).ok());
    QTRY_VERIFY_WITH_TIMEOUT(received.hasPayload("before"), MessageWaitMs);

    broker.kill();
    QTRY_COMPARE_WITH_TIMEOUT(subscriber.state(), MqttClient::State::Reconnecting, ConnectWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(publisher.state(), MqttClient::State::Reconnecting, ConnectWaitMs);
    QVERIFY(!received.errors.isEmpty());
    QCOMPARE(received.errors.first().stage, MqttError::Stage::Tcp);
    QVERIFY(!publisher.publish(QStringLiteral("fleet/a/events"), "while down", 1).ok());

    QVERIFY2(broker.restart(), qPrintable(broker.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(subscriber.state(), MqttClient::State::Connected, 3 * ConnectWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(publisher.state(), MqttClient::State::Connected, 3 * ConnectWaitMs);
    // The broker forgot everything; the client subscribed again by itself.
    QTRY_COMPARE_WITH_TIMEOUT(received.subscriptions.size(), 2, MessageWaitMs);
    QCOMPARE(received.states, (QList<MqttClient::State>{
                                  MqttClient::State::Connecting, MqttClient::State::Connected,
                                  MqttClient::State::Reconnecting, MqttClient::State::Connected}));

    QList<QByteArray> sent;
    for (int i = 0; i < 20; ++i) {
        sent << QByteArray("after-") + QByteArray::number(i);
        QVERIFY(publisher.publish(QStringLiteral("fleet/b/events"), sent.last(), 1).ok());
    }
    QTRY_COMPARE_WITH_TIMEOUT(received.messages.size(), 1 + sent.size(), MessageWaitMs);
    for (int i = 0; i < sent.size(); ++i) {
        QCOMPARE(received.messages[1 + i].payload, sent[i]);
        QCOMPARE(received.messages[1 + i].qos, 1);
    }
}

void TestMqttClient::inflightWindowZeroIsRefused()
{
    MqttBrokerProfile profile;
    profile.host = QStringLiteral("127.0.0.1");
    profile.inflightWindow = 0;
    MqttClient client(profile);
    QSignalSpy states(&client, &MqttClient::stateChanged);
    const fleet::Status status = client.connectToBroker();
    QVERIFY(!status.ok());
    QVERIFY2(status.message().contains(QLatin1String("0 would mean unlimited")),
             qPrintable(status.message()));
    QCOMPARE(client.state(), MqttClient::State::Disconnected);
    QCOMPARE(states.count(), 0);
}

void TestMqttClient::unknownHostIsADnsError()
{
    MqttBrokerProfile profile;
    profile.host = QStringLiteral("no-such-broker.invalid");
    MqttClient client(profile);
    MessageLog log(client);
    QVERIFY(client.connectToBroker().ok());
    QCOMPARE(client.state(), MqttClient::State::Connecting);
    QTRY_VERIFY_WITH_TIMEOUT(!log.errors.isEmpty(), ConnectWaitMs);
    QCOMPARE(log.errors.first().stage, MqttError::Stage::Dns);
    QVERIFY2(log.errors.first().message.contains(QLatin1String("'no-such-broker.invalid'")),
             qPrintable(log.errorText()));
    QCOMPARE(client.state(), MqttClient::State::Disconnected);
}

void TestMqttClient::closedPortIsATcpError()
{
    MqttBrokerProfile profile;
    profile.host = QStringLiteral("127.0.0.1");
    profile.port = fleet::test::freeLoopbackPort();
    MqttClient client(profile);
    MessageLog log(client);
    QVERIFY(client.connectToBroker().ok());
    QTRY_VERIFY_WITH_TIMEOUT(!log.errors.isEmpty(), ConnectWaitMs);
    QCOMPARE(log.errors.first().stage, MqttError::Stage::Tcp);
    QVERIFY2(log.errors.first().message.contains(QLatin1String("refused")),
             qPrintable(log.errorText()));
    QCOMPARE(client.state(), MqttClient::State::Disconnected);
}

// A peer that accepts TCP but never answers the CONNECT (a wrong port, a stuck broker).
void TestMqttClient::silentBrokerTimesOut()
{
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress(QHostAddress::LocalHost), 0));
    MqttBrokerProfile profile;
    profile.host = QStringLiteral("127.0.0.1");
    profile.port = silent.serverPort();
    MqttClient client(profile);
    MessageLog log(client);
    QVERIFY(client.connectToBroker().ok());
    QTRY_VERIFY_WITH_TIMEOUT(!log.errors.isEmpty(), MqttClient::ConnectTimeoutMs + ConnectWaitMs);
    QCOMPARE(log.errors.first().stage, MqttError::Stage::Tcp);
    QVERIFY2(log.errors.first().message.contains(QLatin1String("did not answer within 15 seconds")),
             qPrintable(log.errorText()));
    QCOMPARE(client.state(), MqttClient::State::Disconnected);
}

void TestMqttClient::publishWhileDisconnectedFails()
{
    MqttBrokerProfile profile;
    profile.host = QStringLiteral("127.0.0.1");
    MqttClient client(profile);
    const auto mid = client.publish(QStringLiteral("fleet/x"), "lost?", 1);
    QVERIFY(!mid.ok());
    QVERIFY2(mid.message().contains(QLatin1String("Not connected")), qPrintable(mid.message()));
    QVERIFY(!client.publish(QStringLiteral("fleet/x"), "bad qos", 3).ok());
    QVERIFY(!client.subscribe(QStringLiteral("fleet/#/bad"), 0).ok());
}

void TestMqttClient::disconnectIsClean()
{
    MosquittoBroker broker;
    START_BROKER(broker);
    MqttClient client(plainProfile(broker, QStringLiteral("clean-leaver")));
    MessageLog log(client);
    QVERIFY(client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), MqttClient::State::Connected, ConnectWaitMs);
    client.disconnectFromBroker();
    QCOMPARE(client.state(), MqttClient::State::Disconnected);
    // mosquitto logs a DISCONNECT packet as "disconnected", a dropped socket as "closed its
    // connection".
    QTRY_VERIFY_WITH_TIMEOUT(
        broker.log().contains(QLatin1String("Client clean-leaver disconnected")), MessageWaitMs);
    QVERIFY2(log.errors.isEmpty(), qPrintable(log.errorText()));
    QCOMPARE(log.states.count(MqttClient::State::Reconnecting), 0);
}

void TestMqttClient::connectionTestReportsStageOrVersion()
{
    MosquittoBroker broker(brokerWithUsers({{QStringLiteral("alice"), QStringLiteral("s3cret")}}));
    START_BROKER(broker);
    MqttConnectionTest test;
    QSignalSpy finished(&test, &MqttConnectionTest::finished);

    MqttBrokerProfile profile = plainProfile(broker);
    profile.username = QStringLiteral("alice");
    profile.password = QStringLiteral("s3cret");
    test.start(profile);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, ConnectWaitMs);
    auto outcome = finished.takeFirst().at(0).value<MqttConnectionTest::Outcome>();
    QVERIFY2(outcome.ok, qPrintable(outcome.summary()));
    QCOMPARE(outcome.protocolVersion, 5);
    QCOMPARE(outcome.summary(), QStringLiteral("Connected with MQTT 5."));

    profile.password = QStringLiteral("wrong");
    test.start(profile);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, ConnectWaitMs);
    outcome = finished.takeFirst().at(0).value<MqttConnectionTest::Outcome>();
    QVERIFY(!outcome.ok);
    QCOMPARE(outcome.error.stage, MqttError::Stage::Auth);
    QCOMPARE(
        outcome.summary(),
        QStringLiteral("authentication failed: The broker refused the user name or password."));

    profile.inflightWindow = 0;
    test.start(profile);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, ConnectWaitMs);
    outcome = finished.takeFirst().at(0).value<MqttConnectionTest::Outcome>();
    QVERIFY(!outcome.ok);
    QVERIFY2(outcome.error.message.contains(QLatin1String("in-flight window")),
             qPrintable(outcome.summary()));
    QVERIFY(!test.isRunning());
}

void TestMqttClient::lastWillOnAbruptDrop_data()
{
    QTest::addColumn<MqttBrokerProfile::ProtocolVersion>("protocol");
    QTest::addColumn<quint32>("delaySeconds");
    QTest::addColumn<bool>("abrupt");
    QTest::addColumn<bool>("willExpected");
    QTest::newRow("v5 abrupt") << MqttBrokerProfile::ProtocolVersion::V5Only << 0u << true << true;
    QTest::newRow("v5 abrupt, will delay 1 s")
        << MqttBrokerProfile::ProtocolVersion::V5Only << 1u << true << true;
    QTest::newRow("v3.1.1 abrupt")
        << MqttBrokerProfile::ProtocolVersion::V311Only << 0u << true << true;
    QTest::newRow("v5 clean disconnect")
        << MqttBrokerProfile::ProtocolVersion::V5Only << 0u << false << false;
    QTest::newRow("v3.1.1 clean disconnect")
        << MqttBrokerProfile::ProtocolVersion::V311Only << 0u << false << false;
}

// The broker publishes the will when the connection ends without DISCONNECT; the will is the
// one set from aboutToConnect, so each connection can carry its own sequence number.
void TestMqttClient::lastWillOnAbruptDrop()
{
    QFETCH(MqttBrokerProfile::ProtocolVersion, protocol);
    QFETCH(quint32, delaySeconds);
    QFETCH(bool, abrupt);
    QFETCH(bool, willExpected);
    MosquittoBroker broker;
    START_BROKER(broker);
    const QString topic = QStringLiteral("fleet/v1/devices/dev-1/presence");

    MqttClient watcher(plainProfile(broker));
    MessageLog seen(watcher);
    QVERIFY(watcher.subscribe(topic, 1).ok());
    QVERIFY(watcher.subscribe(QStringLiteral("marker"), 1).ok());
    QVERIFY(watcher.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(seen.subscriptions.size(), 2, ConnectWaitMs);

    MqttBrokerProfile profile = plainProfile(broker, QStringLiteral("dev-1"));
    profile.protocol = protocol;
    MqttClient device(profile);
    int connects = 0;
    connect(&device, &MqttClient::aboutToConnect, this, [&] {
        ++connects;
        MqttLastWill will;
        will.topic = topic;
        will.payload = QByteArray("offline seq ") + QByteArray::number(connects * 2);
        will.delaySeconds = delaySeconds;
        device.setLastWill(will);
    });
    QVERIFY(device.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(device.state(), MqttClient::State::Connected, ConnectWaitMs);
    QCOMPARE(connects, 1);
    if (abrupt)
        device.abortConnection();
    else
        device.disconnectFromBroker();
    QCOMPARE(device.state(), MqttClient::State::Disconnected);

    if (willExpected) {
        QTRY_VERIFY_WITH_TIMEOUT(seen.hasPayload("offline seq 2"), MessageWaitMs);
        const Received &will = seen.messages.constLast();
        QCOMPARE(will.topic, topic);
        QCOMPARE(will.qos, 1);
    } else {
        // The marker is published after the device has gone; a will would have come first.
        MqttClient marker(plainProfile(broker));
        QVERIFY(marker.connectToBroker().ok());
        QTRY_COMPARE_WITH_TIMEOUT(marker.state(), MqttClient::State::Connected, ConnectWaitMs);
        QVERIFY(marker.publish(QStringLiteral("marker"), "after", 1).ok());
        QTRY_VERIFY_WITH_TIMEOUT(seen.hasPayload("after"), MessageWaitMs);
        QVERIFY(!seen.hasPayload("offline seq 2"));
    }
    // The will was retained: a newcomer sees the device's last state.
    if (willExpected) {
        MqttClient newcomer(plainProfile(broker));
        MessageLog late(newcomer);
        QVERIFY(newcomer.subscribe(topic, 1).ok());
        QVERIFY(newcomer.connectToBroker().ok());
        QTRY_VERIFY_WITH_TIMEOUT(late.hasPayload("offline seq 2"), MessageWaitMs);
        QVERIFY(late.messages.constFirst().retained);
    }
}

void TestMqttClient::persistentSessionKeepsQos1WhileOffline_data()
{
    QTest::addColumn<MqttBrokerProfile::ProtocolVersion>("protocol");
    QTest::addColumn<bool>("cleanSession");
    QTest::addColumn<quint32>("sessionExpirySeconds");
    QTest::addColumn<bool>("keptWhileOffline");
    QTest::newRow("v5 persistent")
        << MqttBrokerProfile::ProtocolVersion::V5Only << false << 300u << true;
    QTest::newRow("v3.1.1 persistent")
        << MqttBrokerProfile::ProtocolVersion::V311Only << false << 0u << true;
    QTest::newRow("v5 clean") << MqttBrokerProfile::ProtocolVersion::V5Only << true << 300u
                              << false;
    // MQTT 5 without a Session Expiry Interval ends the session with the connection, whatever
    // Clean Start says: the interval is what makes the session outlive it.
    QTest::newRow("v5 persistent without expiry")
        << MqttBrokerProfile::ProtocolVersion::V5Only << false << 0u << false;
}

// A job sent while the device was away is delivered when it comes back, by the broker alone:
// the returning client does not subscribe again.
void TestMqttClient::persistentSessionKeepsQos1WhileOffline()
{
    QFETCH(MqttBrokerProfile::ProtocolVersion, protocol);
    QFETCH(bool, cleanSession);
    QFETCH(quint32, sessionExpirySeconds);
    QFETCH(bool, keptWhileOffline);
    MosquittoBroker broker;
    START_BROKER(broker);
    const QString jobs = QStringLiteral("fleet/v1/devices/dev-1/jobs");

    MqttBrokerProfile profile = plainProfile(broker, QStringLiteral("dev-1"));
    profile.protocol = protocol;
    profile.cleanSession = cleanSession;
    profile.sessionExpirySeconds = sessionExpirySeconds;
    {
        MqttClient device(profile);
        MessageLog log(device);
        QVERIFY(device.subscribe(jobs, 1).ok());
        QVERIFY(device.connectToBroker().ok());
        QTRY_COMPARE_WITH_TIMEOUT(log.subscriptions.size(), 1, ConnectWaitMs);
        device.disconnectFromBroker();
    }

    MqttClient fleetdesk(plainProfile(broker));
    QSignalSpy accepted(&fleetdesk, &MqttClient::published);
    QVERIFY(fleetdesk.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(fleetdesk.state(), MqttClient::State::Connected, ConnectWaitMs);
    QVERIFY(fleetdesk.publish(jobs, "job while offline", 1).ok());
    QTRY_COMPARE_WITH_TIMEOUT(accepted.size(), 1, MessageWaitMs);

    MqttClient back(profile);
    MessageLog log(back);
    if (!keptWhileOffline)
        QVERIFY(back.subscribe(jobs, 1).ok()); // a clean session has to subscribe anew
    QVERIFY(back.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(back.state(), MqttClient::State::Connected, ConnectWaitMs);
    if (keptWhileOffline) {
        QTRY_VERIFY_WITH_TIMEOUT(log.hasPayload("job while offline"), MessageWaitMs);
        QCOMPARE(log.messages.constFirst().topic, jobs);
        QCOMPARE(log.messages.constFirst().qos, 1);
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(log.subscriptions.size(), 1, ConnectWaitMs);
        QVERIFY(fleetdesk.publish(jobs, "job while online", 1).ok());
        QTRY_VERIFY_WITH_TIMEOUT(log.hasPayload("job while online"), MessageWaitMs);
        QVERIFY(!log.hasPayload("job while offline"));
    }
    QVERIFY2(log.errors.isEmpty(), qPrintable(log.errorText()));
}

// A process with many clients (the fleet simulator) gets socket descriptors above select()'s
// limit of 1024; libmosquitto's mosquitto_loop refuses those, so the client must not use it.
void TestMqttClient::manyClientsBeyondSelectLimit()
{
    MosquittoBroker broker;
    START_BROKER(broker);
    // Occupy the low descriptors so the clients' sockets land above FD_SETSIZE.
    QList<QFile *> fillers;
    auto closeFillers = qScopeGuard([&] { qDeleteAll(fillers); });
    for (int i = 0; i < 1100; ++i) {
        auto *file = new QFile(QStringLiteral("/dev/null"));
        if (!file->open(QIODevice::ReadOnly)) {
            delete file;
            QSKIP("cannot open enough file descriptors for this test (ulimit -n)");
        }
        fillers << file;
    }
    QVERIFY(fillers.constLast()->handle() >= 1024);
    MqttClient subscriber(plainProfile(broker));
    MessageLog received(subscriber);
    QVERIFY(subscriber.subscribe(QStringLiteral("high/fd"), 1).ok());
    QVERIFY(subscriber.connectToBroker().ok());
    MqttClient publisher(plainProfile(broker));
    QVERIFY(publisher.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(received.subscriptions.size(), 1, ConnectWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(publisher.state(), MqttClient::State::Connected, ConnectWaitMs);
    QVERIFY(publisher.publish(QStringLiteral("high/fd"), "from above 1024", 1).ok());
    QTRY_VERIFY_WITH_TIMEOUT(received.hasPayload("from above 1024"), MessageWaitMs);
    QVERIFY2(received.errors.isEmpty(), qPrintable(received.errorText()));
}

QTEST_GUILESS_MAIN(TestMqttClient)
#include "tst_mqttclient.moc"
