#include "DeviceMqttConnection.h"
#include "MosquittoBroker.h"
#include "MqttFrameReader.h"
#include "mqtt/MqttClient.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>
#include <memory>

using namespace fleet;
using fleet::sim::DeviceMqttConnection;
using fleet::sim::MqttFrameReader;
using fleet::test::MosquittoBroker;

namespace {

constexpr int WaitMs = 10000;

// One packet a client sent, as the fake server cuts it from the stream.
struct ClientPacket
{
    quint8 firstByte = 0;
    QByteArray body;
};

// Cuts complete client packets off the front of a buffer (the test's own simple reader, so the
// client's reader is not checked against itself).
QList<ClientPacket> takePackets(QByteArray &buffer)
{
    QList<ClientPacket> packets;
    for (;;) {
        qsizetype length = 0;
        int used = 0;
        bool complete = false;
        while (1 + used < buffer.size() && used < 4) {
            const auto byte = static_cast<quint8>(buffer.at(1 + used));
            length |= static_cast<qsizetype>(byte & 0x7f) << (7 * used);
            ++used;
            if ((byte & 0x80) == 0) {
                complete = true;
                break;
            }
        }
        if (!complete || buffer.size() < 1 + used + length)
            return packets;
        packets.append({static_cast<quint8>(buffer.at(0)), buffer.mid(1 + used, length)});
        buffer.remove(0, 1 + used + length);
    }
}

// A stand-in for a broker that misbehaves on purpose: answers each CONNECT with `reply`
// (typically a CONNACK followed by broken bytes), optionally closes right after, never answers
// anything else, and records what each connection sent.
class FakeBroker : public QObject
{
public:
    QByteArray reply;
    bool closeAfterReply = false;
    QList<QList<ClientPacket>> received; // per connection, in order
    int connections = 0;
    int closedByClient = 0;

    bool listen()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                const int index = connections++;
                received.append(QList<ClientPacket>());
                auto buffer = std::make_shared<QByteArray>();
                auto closing = std::make_shared<bool>(false);
                connect(socket, &QTcpSocket::readyRead, this,
                        [this, socket, index, buffer, closing] {
                            buffer->append(socket->readAll());
                            for (const ClientPacket &packet : takePackets(*buffer)) {
                                received[index].append(packet);
                                if (packet.firstByte == 0x10) {
                                    socket->write(reply);
                                    socket->flush();
                                    if (closeAfterReply) {
                                        *closing = true;
                                        socket->disconnectFromHost();
                                    }
                                }
                            }
                        });
                connect(socket, &QTcpSocket::disconnected, this, [this, socket, closing] {
                    if (!*closing)
                        ++closedByClient;
                    socket->deleteLater();
                });
                m_sockets.append(socket);
            }
        });
        return m_server.listen(QHostAddress::LocalHost);
    }
    quint16 port() const { return m_server.serverPort(); }
    // Drops every connection, as a broker that vanishes would.
    void dropAll()
    {
        for (const QPointer<QTcpSocket> &socket : std::as_const(m_sockets))
            if (socket)
                socket->abort();
    }

private:
    QTcpServer m_server;
    QList<QPointer<QTcpSocket>> m_sockets;
};

const QByteArray ConnackAccepted("\x20\x02\x00\x00", 4);

MqttBrokerProfile profileFor(quint16 port, const QString &clientId)
{
    MqttBrokerProfile profile;
    profile.host = QStringLiteral("127.0.0.1");
    profile.port = port;
    profile.clientId = clientId;
    profile.cleanSession = false;
    return profile;
}

// Fleetdesk's side of the tests: core's libmosquitto client, an independent implementation.
struct Observer
{
    std::unique_ptr<MqttClient> client;
    QList<QPair<QString, QByteArray>> messages;

    bool start(const MqttBrokerProfile &profile, const QString &filter)
    {
        client = std::make_unique<MqttClient>(profile);
        QObject::connect(client.get(), &MqttClient::messageReceived, client.get(),
                         [this](const QString &topic, const QByteArray &payload, int, bool) {
                             messages.append({topic, payload});
                         });
        return client->subscribe(filter, 1) && client->connectToBroker();
    }
    bool sawPayload(const QString &topic, const QByteArray &payload) const
    {
        return messages.contains(qMakePair(topic, payload));
    }
};

} // namespace

class TestDeviceMqttConnection : public QObject
{
    Q_OBJECT
private slots:
    void readerAssemblesPacketsSplitAnywhere();
    void publishAndSubscribeRoundTrip();
    void abortLeavesTheWill();
    void queuedMessageArrivesAfterReconnect();
    void unacknowledgedMessageIsResentWithDup();
    void credentials_data();
    void credentials();
    void tls_data();
    void tls();
    void malformedPacketClosesTheConnection_data();
    void malformedPacketClosesTheConnection();
    void unansweredPingDropsTheConnection();
};

void TestDeviceMqttConnection::readerAssemblesPacketsSplitAnywhere()
{
    // A PUBLISH with a two-byte remaining length (200), then a PINGRESP, fed one byte at a time.
    QByteArray body = QByteArray("\x00\x03"
                                 "a/b",
                                 5) +
                      QByteArray(195, 'x');
    QByteArray stream = QByteArray("\x30\xc8\x01", 3) + body + QByteArray("\xd0\x00", 2);
    MqttFrameReader reader;
    QList<MqttFrameReader::Frame> frames;
    for (char byte : std::as_const(stream)) {
        reader.append(QByteArray(1, byte));
        while (auto frame = reader.next())
            frames.append(*frame);
    }
    QVERIFY(!reader.hasError());
    QCOMPARE(frames.size(), 2);
    QCOMPARE(frames[0].type, MqttFrameReader::Type::Publish);
    QCOMPARE(frames[0].body, body);
    QCOMPARE(frames[1].type, MqttFrameReader::Type::Pingresp);
    QCOMPARE(reader.pendingBytes(), 0);
}

void TestDeviceMqttConnection::publishAndSubscribeRoundTrip()
{
    MosquittoBroker broker;
    QVERIFY2(broker.start(), qPrintable(broker.errorString()));
    Observer observer;
    QVERIFY(observer.start(profileFor(broker.port(), QStringLiteral("observer")),
                           QStringLiteral("dmc/out/#")));
    QTRY_COMPARE_WITH_TIMEOUT(observer.client->state(), MqttClient::State::Connected, WaitMs);

    DeviceMqttConnection device(profileFor(broker.port(), QStringLiteral("dev-1")));
    QSignalSpy subscribed(&device, &DeviceMqttConnection::subscribed);
    QSignalSpy received(&device, &DeviceMqttConnection::messageReceived);
    QSignalSpy published(&device, &DeviceMqttConnection::published);
    QVERIFY(device.subscribe(QStringLiteral("dmc/in"), 1));
    QVERIFY(device.connectToBroker());
    QTRY_COMPARE_WITH_TIMEOUT(device.state(), DeviceMqttConnection::State::Connected, WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, WaitMs);
    QCOMPARE(subscribed[0][0].toString(), QStringLiteral("dmc/in"));
    QCOMPARE(subscribed[0][1].toInt(), 1);

    // Device to broker, QoS 0 and 1; only QoS 1 is acknowledged.
    const auto qos0 = device.publish(QStringLiteral("dmc/out/0"), "zero", 0, false);
    QVERIFY(qos0);
    const auto qos1 = device.publish(QStringLiteral("dmc/out/1"), "one", 1, false);
    QVERIFY(qos1);
    QVERIFY(qos1.value() > 0);
    QTRY_COMPARE_WITH_TIMEOUT(published.size(), 1, WaitMs);
    QCOMPARE(published[0][0].toInt(), qos1.value());
    QCOMPARE(device.unacknowledgedCount(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(observer.sawPayload(QStringLiteral("dmc/out/0"), "zero"), WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(observer.sawPayload(QStringLiteral("dmc/out/1"), "one"), WaitMs);

    // Broker to device, QoS 1 (acknowledged by the device, as the broker's log shows) and 0.
    QVERIFY(observer.client->publish(QStringLiteral("dmc/in"), "job", 1, false));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, WaitMs);
    QCOMPARE(received[0][0].toString(), QStringLiteral("dmc/in"));
    QCOMPARE(received[0][1].toByteArray(), QByteArray("job"));
    QCOMPARE(received[0][2].toInt(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(broker.log().contains(QStringLiteral("Received PUBACK from dev-1")),
                             WaitMs);
    QVERIFY(observer.client->publish(QStringLiteral("dmc/in"), QByteArray(70000, 'p'), 0, false));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, WaitMs);
    QCOMPARE(received[1][1].toByteArray(), QByteArray(70000, 'p'));
    QCOMPARE(received[1][2].toInt(), 0);

    // Invalid requests are refused with a message, not sent.
    QVERIFY(!device.publish(QStringLiteral("dmc/+/x"), "bad", 1, false));
    QVERIFY(!device.publish(QStringLiteral("dmc/out/2"), "two", 2, false));

    device.disconnectFromBroker();
    QCOMPARE(device.state(), DeviceMqttConnection::State::Disconnected);
    QTRY_VERIFY_WITH_TIMEOUT(
        broker.log().contains(QStringLiteral("Received DISCONNECT from dev-1")), WaitMs);
    QVERIFY(!device.publish(QStringLiteral("dmc/out/3"), "three", 1, false));
}

void TestDeviceMqttConnection::abortLeavesTheWill()
{
    MosquittoBroker broker;
    QVERIFY2(broker.start(), qPrintable(broker.errorString()));
    Observer observer;
    QVERIFY(observer.start(profileFor(broker.port(), QStringLiteral("observer")),
                           QStringLiteral("dmc/will/#")));
    QTRY_COMPARE_WITH_TIMEOUT(observer.client->state(), MqttClient::State::Connected, WaitMs);

    DeviceMqttConnection device(profileFor(broker.port(), QStringLiteral("dev-will")));
    int connects = 0;
    // The will is set from aboutToConnect, as a device does: each CONNECT carries a new one.
    connect(&device, &DeviceMqttConnection::aboutToConnect, this, [&] {
        MqttLastWill will;
        will.topic = QStringLiteral("dmc/will/dev-will");
        will.payload = QByteArray("gone ") + QByteArray::number(++connects);
        will.qos = 1;
        will.retain = true;
        device.setLastWill(will);
    });
    QVERIFY(device.connectToBroker());
    QTRY_COMPARE_WITH_TIMEOUT(device.state(), DeviceMqttConnection::State::Connected, WaitMs);
    device.abortConnection();
    QCOMPARE(device.state(), DeviceMqttConnection::State::Disconnected);
    QTRY_VERIFY_WITH_TIMEOUT(observer.sawPayload(QStringLiteral("dmc/will/dev-will"), "gone 1"),
                             WaitMs);
    QVERIFY(!broker.log().contains(QStringLiteral("Received DISCONNECT from dev-will")));

    // Retained: a newcomer sees it too.
    Observer late;
    QVERIFY(late.start(profileFor(broker.port(), QStringLiteral("late")),
                       QStringLiteral("dmc/will/#")));
    QTRY_VERIFY_WITH_TIMEOUT(late.sawPayload(QStringLiteral("dmc/will/dev-will"), "gone 1"),
                             WaitMs);
}

void TestDeviceMqttConnection::queuedMessageArrivesAfterReconnect()
{
    MosquittoBroker broker;
    QVERIFY2(broker.start(), qPrintable(broker.errorString()));
    DeviceMqttConnection device(profileFor(broker.port(), QStringLiteral("dev-away")));
    QSignalSpy subscribed(&device, &DeviceMqttConnection::subscribed);
    QSignalSpy received(&device, &DeviceMqttConnection::messageReceived);
    QVERIFY(device.subscribe(QStringLiteral("dmc/jobs/dev-away"), 1));
    QVERIFY(device.connectToBroker());
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, WaitMs);
    device.disconnectFromBroker();
    QTRY_VERIFY_WITH_TIMEOUT(
        broker.log().contains(QStringLiteral("Received DISCONNECT from dev-away")), WaitMs);

    // Sent while the device is away: the persistent session holds it.
    Observer sender;
    QVERIFY(sender.start(profileFor(broker.port(), QStringLiteral("sender")),
                         QStringLiteral("dmc/unused")));
    QTRY_COMPARE_WITH_TIMEOUT(sender.client->state(), MqttClient::State::Connected, WaitMs);
    QSignalSpy senderAcked(sender.client.get(), &MqttClient::published);
    QVERIFY(sender.client->publish(QStringLiteral("dmc/jobs/dev-away"), "while away", 1, false));
    QTRY_COMPARE_WITH_TIMEOUT(senderAcked.size(), 1, WaitMs);
    QCOMPARE(received.size(), 0);

    QVERIFY(device.connectToBroker());
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, WaitMs);
    QCOMPARE(received[0][0].toString(), QStringLiteral("dmc/jobs/dev-away"));
    QCOMPARE(received[0][1].toByteArray(), QByteArray("while away"));
    QCOMPARE(received[0][2].toInt(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(broker.log().contains(QStringLiteral("Received PUBACK from dev-away")),
                             WaitMs);
}

void TestDeviceMqttConnection::unacknowledgedMessageIsResentWithDup()
{
    FakeBroker fake; // accepts, but never acknowledges a PUBLISH
    fake.reply = ConnackAccepted;
    QVERIFY(fake.listen());
    DeviceMqttConnection device(profileFor(fake.port(), QStringLiteral("dev-dup")));
    QVERIFY(device.connectToBroker());
    QTRY_COMPARE_WITH_TIMEOUT(device.state(), DeviceMqttConnection::State::Connected, WaitMs);
    const auto id = device.publish(QStringLiteral("dmc/report"), "report 1", 1, false);
    QVERIFY(id);
    QTRY_COMPARE_WITH_TIMEOUT(fake.received.value(0).size(), 2, WaitMs); // CONNECT, PUBLISH
    QCOMPARE(fake.received[0][1].firstByte, quint8(0x32));               // QoS 1, no DUP
    QCOMPARE(device.unacknowledgedCount(), 1);

    fake.dropAll(); // lost before the PUBACK: the device reconnects and sends it again
    QTRY_COMPARE_WITH_TIMEOUT(device.state(), DeviceMqttConnection::State::Reconnecting, WaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(fake.received.value(1).size(), 2, WaitMs);
    const ClientPacket resent = fake.received[1][1];
    QCOMPARE(resent.firstByte, quint8(0x3a));        // QoS 1 with DUP
    QCOMPARE(resent.body, fake.received[0][1].body); // same packet id, topic and payload
    const int packetId =
        (static_cast<quint8>(resent.body.at(12)) << 8) | static_cast<quint8>(resent.body.at(13));
    QCOMPARE(packetId, id.value());
}

void TestDeviceMqttConnection::credentials_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("right password") << QStringLiteral("s3cret") << true;
    QTest::newRow("wrong password") << QStringLiteral("guess") << false;
    QTest::newRow("no password") << QString() << false;
}

void TestDeviceMqttConnection::credentials()
{
    QFETCH(QString, password);
    QFETCH(bool, accepted);
    MosquittoBroker::Options options;
    options.users = {{QStringLiteral("dev-auth"), QStringLiteral("s3cret")}};
    MosquittoBroker broker(options);
    QVERIFY2(broker.start(), qPrintable(broker.errorString()));
    MqttBrokerProfile profile = profileFor(broker.port(), QStringLiteral("dev-auth"));
    profile.username = QStringLiteral("dev-auth");
    profile.password = password;
    DeviceMqttConnection device(profile);
    QSignalSpy errors(&device, &DeviceMqttConnection::errorOccurred);
    QSignalSpy states(&device, &DeviceMqttConnection::stateChanged);
    QVERIFY(device.connectToBroker());
    if (accepted) {
        QTRY_COMPARE_WITH_TIMEOUT(device.state(), DeviceMqttConnection::State::Connected, WaitMs);
        QCOMPARE(errors.size(), 0);
        return;
    }
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, WaitMs);
    const auto error = errors[0][0].value<MqttError>();
    QCOMPARE(error.stage, MqttError::Stage::Auth);
    QVERIFY2(error.message.contains(QStringLiteral("wrong user name or password")) ||
                 error.message.contains(QStringLiteral("not authorised")),
             qPrintable(error.message));
    // Refused at the first attempt: no automatic retries (the caller decides).
    QCOMPARE(device.state(), DeviceMqttConnection::State::Disconnected);
}

void TestDeviceMqttConnection::tls_data()
{
    QTest::addColumn<bool>("unrelatedCa");
    QTest::addColumn<int>("certificate");
    QTest::addColumn<QString>("expectedProblem"); // empty: connects
    QTest::newRow("test CA") << false << int(MosquittoBroker::ServerCertificate::Valid)
                             << QString();
    QTest::newRow("wrong CA") << true << int(MosquittoBroker::ServerCertificate::Valid)
                              << QStringLiteral("certificate");
    QTest::newRow("wrong host name") << false << int(MosquittoBroker::ServerCertificate::WrongHost)
                                     << QStringLiteral("host name");
}

void TestDeviceMqttConnection::tls()
{
    QFETCH(bool, unrelatedCa);
    QFETCH(int, certificate);
    QFETCH(QString, expectedProblem);
    MosquittoBroker::Options options;
    options.tls = true;
    options.serverCertificate = static_cast<MosquittoBroker::ServerCertificate>(certificate);
    MosquittoBroker broker(options);
    QVERIFY2(broker.start(), qPrintable(broker.errorString()));
    MqttBrokerProfile profile = profileFor(broker.tlsPort(), QStringLiteral("dev-tls"));
    profile.tls = true;
    profile.caFile = unrelatedCa ? broker.unrelatedCaFile() : broker.caFile();
    DeviceMqttConnection device(profile);
    QSignalSpy errors(&device, &DeviceMqttConnection::errorOccurred);
    QSignalSpy received(&device, &DeviceMqttConnection::messageReceived);
    QVERIFY(device.connectToBroker());
    if (expectedProblem.isEmpty()) {
        QVERIFY(device.subscribe(QStringLiteral("dmc/tls"), 1));
        QTRY_COMPARE_WITH_TIMEOUT(device.state(), DeviceMqttConnection::State::Connected, WaitMs);
        // A message to itself over the encrypted link.
        QTRY_VERIFY_WITH_TIMEOUT(
            broker.log().contains(QStringLiteral("Received SUBSCRIBE from dev-tls")), WaitMs);
        QVERIFY(device.publish(QStringLiteral("dmc/tls"), "secret", 1, false));
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, WaitMs);
        QCOMPARE(errors.size(), 0);
        return;
    }
    QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), WaitMs);
    const auto error = errors[0][0].value<MqttError>();
    QCOMPARE(error.stage, MqttError::Stage::Tls);
    QVERIFY2(error.message.contains(expectedProblem, Qt::CaseInsensitive),
             qPrintable(error.message));
    QCOMPARE(device.state(), DeviceMqttConnection::State::Disconnected);
}

void TestDeviceMqttConnection::malformedPacketClosesTheConnection_data()
{
    QTest::addColumn<QByteArray>("reply");
    QTest::addColumn<bool>("serverCloses");
    QTest::addColumn<QString>("expectedProblem");
    const QByteArray ok = ConnackAccepted;
    QTest::newRow("truncated remaining length")
        << ok + QByteArray("\x30\xff\xff", 3) << true << QStringLiteral("middle of a packet");
    QTest::newRow("five-byte remaining length")
        << ok + QByteArray("\x30\xff\xff\xff\xff\x01", 6) << false
        << QStringLiteral("longer than four bytes");
    QTest::newRow("unknown packet type")
        << ok + QByteArray("\xf0\x00", 2) << false << QStringLiteral("packet type 15");
    QTest::newRow("packet type 0")
        << ok + QByteArray("\x00\x00", 2) << false << QStringLiteral("packet type 0");
    QTest::newRow("oversize packet")
        << ok + QByteArray("\x30\xff\xff\xff\x7f", 5) << false << QStringLiteral("too large");
    QTest::newRow("topic longer than the packet") << ok + QByteArray("\x30\x04\x00\x10"
                                                                     "ab",
                                                                     6)
                                                  << false << QStringLiteral("does not fit");
    QTest::newRow("reserved flags")
        << ok + QByteArray("\xd1\x00", 2) << false << QStringLiteral("reserved flags");
    QTest::newRow("publish with QoS 3")
        << ok + QByteArray("\x36\x00", 2) << false << QStringLiteral("QoS 3");
    QTest::newRow("second connack") << ok + ok << false << QStringLiteral("second CONNACK");
    QTest::newRow("publish before connack") << QByteArray("\x30\x05\x00\x01"
                                                          "a"
                                                          "xy",
                                                          7)
                                            << false << QStringLiteral("before CONNACK");
    QTest::newRow("malformed connack")
        << QByteArray("\x20\x03\x00\x00\x00", 5) << false << QStringLiteral("malformed CONNACK");
}

void TestDeviceMqttConnection::malformedPacketClosesTheConnection()
{
    QFETCH(QByteArray, reply);
    QFETCH(bool, serverCloses);
    QFETCH(QString, expectedProblem);
    FakeBroker fake;
    fake.reply = reply;
    fake.closeAfterReply = serverCloses;
    QVERIFY(fake.listen());
    auto device =
        std::make_unique<DeviceMqttConnection>(profileFor(fake.port(), QStringLiteral("dev-bad")));
    QSignalSpy errors(device.get(), &DeviceMqttConnection::errorOccurred);
    QVERIFY(device->connectToBroker());
    QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), WaitMs);
    const auto error = errors[0][0].value<MqttError>();
    QVERIFY2(error.message.contains(expectedProblem), qPrintable(error.message));
    QVERIFY(device->state() != DeviceMqttConnection::State::Connected);
    if (!serverCloses) // the client itself hung up on the broken stream
        QTRY_VERIFY_WITH_TIMEOUT(fake.closedByClient >= 1, WaitMs);
    device.reset(); // and goes away cleanly, whatever state it is in
}

void TestDeviceMqttConnection::unansweredPingDropsTheConnection()
{
    FakeBroker fake; // accepts, then stays silent: a dead link that TCP has not noticed
    fake.reply = ConnackAccepted;
    QVERIFY(fake.listen());
    MqttBrokerProfile profile = profileFor(fake.port(), QStringLiteral("dev-ping"));
    profile.keepAliveSeconds = 5; // the shortest allowed: ticks every 2.5 s
    DeviceMqttConnection device(profile);
    QSignalSpy errors(&device, &DeviceMqttConnection::errorOccurred);
    QVERIFY(device.connectToBroker());
    QTRY_COMPARE_WITH_TIMEOUT(device.state(), DeviceMqttConnection::State::Connected, WaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), WaitMs);
    QVERIFY2(errors[0][0].value<MqttError>().message.contains(QStringLiteral("no PINGRESP")),
             qPrintable(errors[0][0].value<MqttError>().message));
    bool pinged = false;
    for (const ClientPacket &packet : fake.received.value(0))
        pinged = pinged || packet.firstByte == 0xc0;
    QVERIFY(pinged);
    // It had been working, so it keeps trying.
    QCOMPARE(device.state(), DeviceMqttConnection::State::Reconnecting);
    device.abortConnection();
    QCOMPARE(device.state(), DeviceMqttConnection::State::Disconnected);
}

QTEST_GUILESS_MAIN(TestDeviceMqttConnection)
#include "tst_devicemqttconnection.moc"
