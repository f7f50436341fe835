#include "DeviceMqttConnection.h"

#include "MqttPacketEncoder.h"

#include <QFile>
#include <QPointer>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>

namespace fleet::sim {

namespace {

// A DISCONNECT that the broker does not let go of is cut off after this long.
constexpr int GracefulCloseTimeoutMs = 5000;

quint16 readUint16(const QByteArray &bytes, qsizetype at)
{
    return static_cast<quint16>((static_cast<quint8>(bytes.at(at)) << 8) |
                                static_cast<quint8>(bytes.at(at + 1)));
}

// MQTT 3.1.1 section 3.2.2.3: what each refusal means, in words a user can act on.
MqttError connackRefusal(int code)
{
    switch (code) {
    case 1:
        return {MqttError::Stage::Protocol,
                QStringLiteral("the broker refused the connection: it does not accept MQTT "
                               "3.1.1 (CONNACK 1, unacceptable protocol version)")};
    case 2:
        return {MqttError::Stage::Auth,
                QStringLiteral("the broker refused the connection: client id not allowed "
                               "(CONNACK 2, identifier rejected)")};
    case 3:
        return {MqttError::Stage::Other,
                QStringLiteral("the broker refused the connection: MQTT service unavailable "
                               "(CONNACK 3, server unavailable)")};
    case 4:
        return {MqttError::Stage::Auth,
                QStringLiteral("the broker refused the connection: wrong user name or password "
                               "(CONNACK 4, bad user name or password)")};
    case 5:
        return {MqttError::Stage::Auth,
                QStringLiteral("the broker refused the connection: this client is not "
                               "authorised (CONNACK 5, not authorized)")};
    default:
        return {MqttError::Stage::Protocol,
                QStringLiteral("the broker refused the connection with the unknown CONNACK "
                               "return code %1")
                    .arg(code)};
    }
}

bool isValidPublishTopic(const QString &topic)
{
    return !topic.isEmpty() && !topic.contains(QLatin1Char('+')) &&
           !topic.contains(QLatin1Char('#')) && !topic.contains(QChar(0));
}

} // namespace

DeviceMqttConnection::DeviceMqttConnection(MqttBrokerProfile profile,
                                           QList<QSslCertificate> caCertificates, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_caCertificates(std::move(caCertificates))
{
    if (m_caCertificates.isEmpty() && m_profile.tls && !m_profile.caFile.isEmpty())
        m_caCertificates = QSslCertificate::fromPath(m_profile.caFile, QSsl::Pem);
    // Coarse: thousands of these run in one process, and keep-alive needs no precision.
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &DeviceMqttConnection::onTimer);
}

DeviceMqttConnection::~DeviceMqttConnection()
{
    m_reconnectWanted = false;
    releaseSocket(false);
}

void DeviceMqttConnection::setReconnectJitter(MqttReconnectBackoff::JitterSource source)
{
    m_backoff.setJitterSource(std::move(source));
}

void DeviceMqttConnection::setMaxIncomingPacketSize(int bytes)
{
    m_reader = MqttFrameReader(bytes);
}

Status DeviceMqttConnection::connectToBroker()
{
    if (Status valid = m_profile.validate(); !valid)
        return valid;
    if (m_profile.clientId.isEmpty())
        return Error::invalid(QStringLiteral("A device connection needs a client id."));
    if (!MqttPacketEncoder::fitsInString(m_profile.clientId.toUtf8()) ||
        !MqttPacketEncoder::fitsInString(m_profile.username.toUtf8()) ||
        !MqttPacketEncoder::fitsInString(m_profile.password.toUtf8()))
        return Error::invalid(
            QStringLiteral("Client id, user name and password must each be under 64 KiB."));
    if (m_profile.tls && !m_profile.caFile.isEmpty() && m_caCertificates.isEmpty())
        return Error::invalid(
            QStringLiteral("%1 holds no PEM certificate to trust.").arg(m_profile.caFile));
    if (m_state == State::Connecting || m_state == State::Connected)
        return Status::success();
    m_reconnectWanted = false;
    m_backoff.reset();
    beginAttempt();
    return Status::success();
}

void DeviceMqttConnection::beginAttempt()
{
    releaseSocket(false);
    m_connackSeen = false;
    m_tcpConnected = false;
    m_tlsProblem.clear();
    setState(m_reconnectWanted ? State::Reconnecting : State::Connecting);
    const quint64 attempt = m_attempt;
    if (m_profile.tls) {
        auto *ssl = new QSslSocket(this);
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        if (!m_caCertificates.isEmpty())
            configuration.setCaCertificates(m_caCertificates); // only these, not the system's
        configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
        if (!m_profile.clientCertFile.isEmpty()) {
            const auto certificates =
                QSslCertificate::fromPath(m_profile.clientCertFile, QSsl::Pem);
            QFile keyFile(m_profile.clientKeyFile);
            if (!certificates.isEmpty() && keyFile.open(QIODevice::ReadOnly)) {
                const QByteArray pem = keyFile.readAll();
                QSslKey key(pem, QSsl::Rsa);
                if (key.isNull())
                    key = QSslKey(pem, QSsl::Ec);
                configuration.setLocalCertificate(certificates.first());
                configuration.setPrivateKey(key);
            }
        }
        ssl->setSslConfiguration(configuration);
        connect(ssl, &QSslSocket::sslErrors, this, &DeviceMqttConnection::onSslErrors);
        connect(ssl, &QSslSocket::encrypted, this, [this, attempt] {
            if (attempt == m_attempt)
                onSocketConnected();
        });
        m_socket = ssl;
    } else {
        m_socket = new QTcpSocket(this);
    }
    connect(m_socket, &QAbstractSocket::connected, this, [this, attempt] {
        if (attempt != m_attempt)
            return;
        m_tcpConnected = true;
        if (!m_profile.tls)
            onSocketConnected();
    });
    connect(m_socket, &QAbstractSocket::readyRead, this, [this, attempt] {
        if (attempt == m_attempt)
            onReadyRead();
    });
    connect(m_socket, &QAbstractSocket::errorOccurred, this,
            [this, attempt](QAbstractSocket::SocketError error) {
                if (attempt == m_attempt)
                    onSocketError(error);
            });
    connect(m_socket, &QAbstractSocket::disconnected, this, [this, attempt] {
        if (attempt == m_attempt)
            onSocketError(QAbstractSocket::RemoteHostClosedError);
    });
    m_timer.setSingleShot(true);
    m_timer.start(ConnectTimeoutMs);
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket))
        ssl->connectToHostEncrypted(m_profile.host, m_profile.port); // verifies the host name
    else
        // Buffered on purpose: an unbuffered QTcpSocket does not notice the peer closing.
        m_socket->connectToHost(m_profile.host, m_profile.port);
}

void DeviceMqttConnection::onSocketConnected()
{
    const quint64 attempt = m_attempt;
    QPointer<DeviceMqttConnection> self(this);
    emit aboutToConnect(); // the will goes with this CONNECT
    if (!self || attempt != m_attempt)
        return;
    MqttPacketEncoder::ConnectFields fields;
    fields.clientId = m_profile.clientId;
    fields.username = m_profile.username;
    fields.password = m_profile.password;
    fields.cleanSession = m_profile.cleanSession;
    fields.keepAliveSeconds =
        static_cast<quint16>(std::clamp(m_profile.keepAliveSeconds, 0, 65535));
    if (m_profile.will.isSet()) {
        const QByteArray topic = m_profile.will.topic.toUtf8();
        if (!isValidPublishTopic(m_profile.will.topic) || !MqttPacketEncoder::fitsInString(topic) ||
            !MqttPacketEncoder::fitsInString(m_profile.will.payload)) {
            connectionLost({MqttError::Stage::Other,
                            QStringLiteral("the last will's topic '%1' or payload cannot be sent")
                                .arg(m_profile.will.topic)});
            return;
        }
        fields.willTopic = m_profile.will.topic;
        fields.willPayload = m_profile.will.payload;
        fields.willQos = std::clamp(m_profile.will.qos, 0, 1);
        fields.willRetain = m_profile.will.retain;
    }
    write(MqttPacketEncoder::connect(fields));
}

void DeviceMqttConnection::onReadyRead()
{
    const quint64 attempt = m_attempt;
    QPointer<DeviceMqttConnection> self(this);
    m_reader.append(m_socket->readAll());
    m_receivedSinceTick = true;
    while (auto frame = m_reader.next()) {
        handleFrame(*frame);
        if (!self || attempt != m_attempt)
            return; // closed (or deleted) while handling the packet
    }
    if (m_reader.hasError())
        protocolViolation(m_reader.error());
}

void DeviceMqttConnection::handleFrame(const MqttFrameReader::Frame &frame)
{
    using Type = MqttFrameReader::Type;
    if (!m_connackSeen && frame.type != Type::Connack) {
        protocolViolation(QStringLiteral("the broker sent packet type %1 before CONNACK")
                              .arg(static_cast<int>(frame.type)));
        return;
    }
    switch (frame.type) {
    case Type::Connack:
        handleConnack(frame.body);
        return;
    case Type::Publish:
        handlePublish(frame);
        return;
    case Type::Puback:
        handlePuback(frame.body);
        return;
    case Type::Suback:
        handleSuback(frame.body);
        return;
    case Type::Pingresp:
        if (!frame.body.isEmpty()) {
            protocolViolation(QStringLiteral("PINGRESP with a body"));
            return;
        }
        m_pingOutstanding = false;
        return;
    case Type::Pubrec:
    case Type::Pubrel:
    case Type::Pubcomp:
    case Type::Unsuback:
        protocolViolation(QStringLiteral("unexpected packet type %1: this client never sends "
                                         "QoS 2 messages or UNSUBSCRIBE")
                              .arg(static_cast<int>(frame.type)));
        return;
    }
}

void DeviceMqttConnection::handleConnack(const QByteArray &body)
{
    if (m_connackSeen) {
        protocolViolation(QStringLiteral("a second CONNACK"));
        return;
    }
    if (body.size() != 2 || (static_cast<quint8>(body.at(0)) & 0xfe) != 0) {
        protocolViolation(QStringLiteral("malformed CONNACK"));
        return;
    }
    const int code = static_cast<quint8>(body.at(1));
    if (code != 0) {
        connectionLost(connackRefusal(code));
        return;
    }
    m_connackSeen = true;
    m_reconnectWanted = true;
    m_backoff.reset();
    m_pingOutstanding = false;
    m_sentSinceTick = m_receivedSinceTick = true;
    m_timer.setSingleShot(false);
    if (m_profile.keepAliveSeconds > 0)
        m_timer.start(std::max(1000, m_profile.keepAliveSeconds * 1000 / 2));
    else
        m_timer.stop();
    // Older messages first: what the broker never acknowledged goes out again before anything
    // published from the stateChanged slots.
    resendUnacknowledged();
    sendSubscriptions();
    setState(State::Connected);
}

void DeviceMqttConnection::handlePublish(const MqttFrameReader::Frame &frame)
{
    const int qos = (frame.flags >> 1) & 0x3;
    const bool retained = (frame.flags & 0x1) != 0;
    const QByteArray &body = frame.body;
    if (qos == 2) {
        protocolViolation(QStringLiteral("a QoS 2 PUBLISH, though every subscription asked for "
                                         "QoS 1 at most"));
        return;
    }
    if (body.size() < 2) {
        protocolViolation(QStringLiteral("PUBLISH too short for its topic length"));
        return;
    }
    const int topicLength = readUint16(body, 0);
    const qsizetype headerLength = 2 + topicLength + (qos > 0 ? 2 : 0);
    if (topicLength == 0 || body.size() < headerLength) {
        protocolViolation(QStringLiteral("PUBLISH whose topic length %1 does not fit the packet")
                              .arg(topicLength));
        return;
    }
    const QString topic = QString::fromUtf8(body.constData() + 2, topicLength);
    quint16 packetId = 0;
    if (qos > 0) {
        packetId = readUint16(body, 2 + topicLength);
        if (packetId == 0) {
            protocolViolation(QStringLiteral("QoS 1 PUBLISH with packet id 0"));
            return;
        }
    }
    const quint64 attempt = m_attempt;
    QPointer<DeviceMqttConnection> self(this);
    emit messageReceived(topic, body.mid(headerLength), qos, retained);
    // Acknowledged once handled: a device that vanishes in between gets it again.
    if (self && qos == 1 && attempt == m_attempt)
        write(MqttPacketEncoder::puback(packetId));
}

void DeviceMqttConnection::handlePuback(const QByteArray &body)
{
    if (body.size() != 2) {
        protocolViolation(QStringLiteral("malformed PUBACK"));
        return;
    }
    const quint16 packetId = readUint16(body, 0);
    for (qsizetype i = 0; i < m_unacknowledged.size(); ++i) {
        if (m_unacknowledged.at(i).packetId == packetId) {
            m_unacknowledged.removeAt(i);
            emit published(packetId);
            return;
        }
    }
    // An acknowledgement of a message already acknowledged (sent twice around a reconnect).
}

void DeviceMqttConnection::handleSuback(const QByteArray &body)
{
    if (body.size() < 3) {
        protocolViolation(QStringLiteral("malformed SUBACK"));
        return;
    }
    const quint16 packetId = readUint16(body, 0);
    const QString filter = m_pendingSubscribes.take(packetId);
    if (filter.isEmpty())
        return; // for a subscription of an earlier connection
    const int granted = static_cast<quint8>(body.at(2));
    if (granted == 0x80) {
        emit errorOccurred(
            {MqttError::Stage::Permission,
             QStringLiteral("the broker refused the subscription to '%1'").arg(filter)});
        return;
    }
    emit subscribed(filter, granted);
}

void DeviceMqttConnection::onSocketError(QAbstractSocket::SocketError error)
{
    QString message;
    const QString where = QStringLiteral("%1:%2").arg(m_profile.host).arg(m_profile.port);
    if (error == QAbstractSocket::RemoteHostClosedError) {
        message = m_reader.pendingBytes() > 0
                      ? QStringLiteral("the broker at %1 closed the connection in the middle of "
                                       "a packet (%2 bytes of it arrived)")
                            .arg(where)
                            .arg(m_reader.pendingBytes())
                      : QStringLiteral("the broker at %1 closed the connection").arg(where);
        if (!m_connackSeen && m_tcpConnected && m_profile.tls && m_tlsProblem.isEmpty())
            message += QStringLiteral(" during the TLS handshake or before CONNACK");
    } else if (error == QAbstractSocket::SslHandshakeFailedError || !m_tlsProblem.isEmpty()) {
        message = QStringLiteral("TLS handshake with %1 failed: %2")
                      .arg(where, m_tlsProblem.isEmpty() ? m_socket->errorString() : m_tlsProblem);
    } else {
        message = QStringLiteral("connection to %1: %2").arg(where, m_socket->errorString());
    }
    connectionLost({currentStage(), message});
}

void DeviceMqttConnection::onSslErrors(const QList<QSslError> &errors)
{
    QStringList problems;
    for (const QSslError &error : errors) {
        if (!m_profile.verifyHostname && error.error() == QSslError::HostNameMismatch)
            continue;
        problems << error.errorString();
    }
    if (problems.isEmpty()) {
        if (auto *ssl = qobject_cast<QSslSocket *>(m_socket))
            ssl->ignoreSslErrors(errors);
        return;
    }
    m_tlsProblem = problems.join(QStringLiteral("; "));
}

MqttError::Stage DeviceMqttConnection::currentStage() const
{
    if (!m_tcpConnected)
        return m_socket && m_socket->error() == QAbstractSocket::HostNotFoundError
                   ? MqttError::Stage::Dns
                   : MqttError::Stage::Tcp;
    if (m_profile.tls && !m_tlsProblem.isEmpty())
        return MqttError::Stage::Tls;
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket); ssl && !ssl->isEncrypted())
        return MqttError::Stage::Tls;
    return MqttError::Stage::Tcp;
}

void DeviceMqttConnection::onTimer()
{
    if (!m_socket) {
        if (m_state == State::Reconnecting)
            beginAttempt(); // the backoff delay is over
        return;
    }
    if (!m_connackSeen) {
        connectionLost({currentStage(), QStringLiteral("no CONNACK from %1:%2 within %3 s")
                                            .arg(m_profile.host)
                                            .arg(m_profile.port)
                                            .arg(ConnectTimeoutMs / 1000)});
        return;
    }
    // Keep-alive, ticking at half the interval: a PINGREQ unanswered for a whole tick means the
    // connection is dead. One is sent when the client has been quiet (the broker needs to hear
    // from it) or the broker has (the client needs to know it is still there).
    if (m_pingOutstanding) {
        connectionLost({MqttError::Stage::Tcp,
                        QStringLiteral("no PINGRESP from %1:%2 within %3 ms: connection lost")
                            .arg(m_profile.host)
                            .arg(m_profile.port)
                            .arg(m_timer.interval())});
        return;
    }
    if (!m_sentSinceTick || !m_receivedSinceTick) {
        write(MqttPacketEncoder::pingreq());
        m_pingOutstanding = true;
    }
    m_sentSinceTick = false;
    m_receivedSinceTick = false;
}

void DeviceMqttConnection::protocolViolation(const QString &message)
{
    connectionLost({MqttError::Stage::Protocol, QStringLiteral("closed the connection to %1:%2: %3")
                                                    .arg(m_profile.host)
                                                    .arg(m_profile.port)
                                                    .arg(message)});
}

void DeviceMqttConnection::connectionLost(MqttError error)
{
    releaseSocket(false);
    const quint64 attempt = m_attempt;
    QPointer<DeviceMqttConnection> self(this);
    emit errorOccurred(error);
    if (!self || attempt != m_attempt || m_state == State::Disconnected)
        return; // a slot already decided what happens next
    if (m_reconnectWanted) {
        setState(State::Reconnecting);
        m_timer.setSingleShot(true);
        m_timer.start(m_backoff.nextDelayMs());
    } else {
        m_timer.stop();
        setState(State::Disconnected);
    }
}

void DeviceMqttConnection::disconnectFromBroker()
{
    m_reconnectWanted = false;
    m_timer.stop();
    const bool connected = m_state == State::Connected && m_socket;
    if (connected)
        write(MqttPacketEncoder::disconnect());
    releaseSocket(connected);
    m_unacknowledged.clear();
    setState(State::Disconnected);
}

void DeviceMqttConnection::abortConnection()
{
    m_reconnectWanted = false;
    m_timer.stop();
    releaseSocket(false);
    setState(State::Disconnected);
}

void DeviceMqttConnection::releaseSocket(bool graceful)
{
    ++m_attempt;
    m_reader.clear();
    m_pendingSubscribes.clear();
    m_pingOutstanding = false;
    m_connackSeen = false;
    QTcpSocket *socket = std::exchange(m_socket, nullptr);
    if (!socket)
        return;
    socket->disconnect(this);
    if (!graceful) {
        socket->abort(); // no DISCONNECT, no TLS close: the broker sees the connection drop
        socket->deleteLater();
        return;
    }
    // The DISCONNECT goes out now, so it arrives even when the process exits right after.
    socket->flush();
    socket->disconnectFromHost();
    if (socket->state() == QAbstractSocket::UnconnectedState) {
        socket->deleteLater();
        return;
    }
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(GracefulCloseTimeoutMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
}

Result<int> DeviceMqttConnection::publish(const QString &topic, const QByteArray &payload, int qos,
                                          bool retain)
{
    if (qos < 0 || qos > 1)
        return Error::invalid(
            QStringLiteral("QoS must be 0 or 1 for a device connection (it is %1).").arg(qos));
    if (!isValidPublishTopic(topic) || !MqttPacketEncoder::fitsInString(topic.toUtf8()))
        return Error::invalid(QStringLiteral("'%1' is not a topic to publish to.").arg(topic));
    if (m_state != State::Connected || !m_socket)
        return Error::failed(
            QStringLiteral("Not connected to the broker; the message to '%1' was not sent.")
                .arg(topic));
    if (qos == 0) {
        write(MqttPacketEncoder::publish(topic, payload, 0, retain, 0, false));
        return 0;
    }
    const quint16 packetId = nextPacketId();
    if (packetId == 0)
        return Error::failed(QStringLiteral("65,535 messages await the broker's "
                                            "acknowledgement; the message to '%1' was not sent.")
                                 .arg(topic));
    m_unacknowledged.append({packetId, topic, payload, retain});
    write(MqttPacketEncoder::publish(topic, payload, 1, retain, packetId, false));
    return packetId;
}

Status DeviceMqttConnection::subscribe(const QString &filter, int qos)
{
    if (qos < 0 || qos > 1)
        return Error::invalid(
            QStringLiteral("QoS must be 0 or 1 for a device connection (it is %1).").arg(qos));
    if (filter.isEmpty() || filter.contains(QChar(0)) ||
        !MqttPacketEncoder::fitsInString(filter.toUtf8()))
        return Error::invalid(QStringLiteral("'%1' is not a valid topic filter.").arg(filter));
    m_subscriptions.insert(filter, qos);
    if (m_state != State::Connected || !m_socket)
        return Status::success(); // sent once connected
    const quint16 packetId = nextPacketId();
    if (packetId == 0)
        return Error::failed(QStringLiteral("no packet id free to subscribe to '%1'").arg(filter));
    m_pendingSubscribes.insert(packetId, filter);
    write(MqttPacketEncoder::subscribe(packetId, filter, qos));
    return Status::success();
}

void DeviceMqttConnection::sendSubscriptions()
{
    for (auto it = m_subscriptions.cbegin(); it != m_subscriptions.cend(); ++it) {
        const quint16 packetId = nextPacketId();
        if (packetId == 0)
            return;
        m_pendingSubscribes.insert(packetId, it.key());
        write(MqttPacketEncoder::subscribe(packetId, it.key(), it.value()));
    }
}

void DeviceMqttConnection::resendUnacknowledged()
{
    for (const PendingPublish &message : std::as_const(m_unacknowledged))
        write(MqttPacketEncoder::publish(message.topic, message.payload, 1, message.retain,
                                         message.packetId, true));
}

quint16 DeviceMqttConnection::nextPacketId()
{
    const auto inUse = [this](quint16 id) {
        if (m_pendingSubscribes.contains(id))
            return true;
        for (const PendingPublish &message : std::as_const(m_unacknowledged))
            if (message.packetId == id)
                return true;
        return false;
    };
    for (int tries = 0; tries < 65535; ++tries) {
        m_lastPacketId = m_lastPacketId == 65535 ? 1 : m_lastPacketId + 1;
        if (!inUse(m_lastPacketId))
            return m_lastPacketId;
    }
    return 0;
}

void DeviceMqttConnection::write(const QByteArray &packet)
{
    if (!m_socket)
        return;
    m_socket->write(packet);
    m_sentSinceTick = true;
}

void DeviceMqttConnection::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace fleet::sim
