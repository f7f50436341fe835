#pragma once

#include "MqttFrameReader.h"
#include "mqtt/MqttBrokerProfile.h"
#include "mqtt/MqttError.h"
#include "mqtt/MqttReconnectBackoff.h"
#include "util/Result.h"

#include <QAbstractSocket>
#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslError>
#include <QString>
#include <QTimer>

class QTcpSocket;

namespace fleet::sim {

// A light MQTT 3.1.1 client for one simulated device, on a QTcpSocket (or QSslSocket for
// mqtts://): one file descriptor per device, where libmosquitto (core's MqttClient) needs three,
// so a single fleetsim process reaches 10,000 devices under a 20,000 descriptor limit.
//
// It does what a device needs and nothing more: CONNECT with a persistent session, the client id
// and a will; QoS 0 and 1 in both directions (QoS 1 messages not yet acknowledged are sent again
// with DUP after a reconnect); SUBSCRIBE, re-sent after every connect; keep-alive with a
// PINGRESP timeout on one coarse timer per connection; an abort without DISCONNECT (the broker
// publishes the will); a clean DISCONNECT; reconnects with backoff after losing a working
// connection. Whatever the broker sends is parsed defensively (MqttFrameReader): a malformed
// packet closes the connection with an error, never more.
//
// The interface mirrors MqttClient's, so a device could use either.
class DeviceMqttConnection : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    // How long one attempt (DNS, TCP, TLS and CONNACK) may take.
    static constexpr int ConnectTimeoutMs = 15000;

    // caCertificates: trusted for TLS; when empty, profile.caFile is read, and without that the
    // system's CAs are used.
    explicit DeviceMqttConnection(MqttBrokerProfile profile,
                                  QList<QSslCertificate> caCertificates = {},
                                  QObject *parent = nullptr);
    ~DeviceMqttConnection() override;

    const MqttBrokerProfile &profile() const { return m_profile; }
    State state() const { return m_state; }
    void setReconnectJitter(MqttReconnectBackoff::JitterSource source);
    // The bound on a packet from the broker (default MqttFrameReader::DefaultMaxPacketSize);
    // set it before connecting: it starts a fresh reader.
    void setMaxIncomingPacketSize(int bytes);
    // The will sent with the next CONNECT; a slot on aboutToConnect() may change it.
    void setLastWill(const MqttLastWill &will) { m_profile.will = will; }

    // Starts connecting; progress arrives through stateChanged and errorOccurred. Fails at once
    // only when the profile is invalid.
    Status connectToBroker();
    // Sends DISCONNECT when connected, stops any reconnecting and goes to Disconnected. QoS 1
    // messages still unacknowledged are dropped.
    void disconnectFromBroker();
    // Closes the socket without DISCONNECT, as a power cut would: the broker publishes the will
    // and keeps the session. Unacknowledged QoS 1 messages are sent again after the next connect.
    void abortConnection();

    // Sends a message while connected; returns its packet id, reported again by published() once
    // the broker acknowledged it. QoS 0 messages have no id (0) and no acknowledgement.
    Result<int> publish(const QString &topic, const QByteArray &payload, int qos = 0,
                        bool retain = false);
    // Subscribes now when connected, and again after every connect.
    Status subscribe(const QString &filter, int qos = 1);
    // QoS 1 messages sent but not acknowledged yet.
    int unacknowledgedCount() const { return static_cast<int>(m_unacknowledged.size()); }

signals:
    void stateChanged(fleet::sim::DeviceMqttConnection::State state);
    // Right before each CONNECT is sent; a slot may call setLastWill().
    void aboutToConnect();
    void messageReceived(const QString &topic, const QByteArray &payload, int qos, bool retained);
    // The broker acknowledged the QoS 1 message with this packet id (PUBACK).
    void published(int packetId);
    void subscribed(const QString &filter, int grantedQos);
    void errorOccurred(const fleet::MqttError &error);

private:
    struct PendingPublish
    {
        quint16 packetId = 0;
        QString topic;
        QByteArray payload;
        bool retain = false;
    };

    void beginAttempt();
    void onSocketConnected();
    void onReadyRead();
    void onSocketError(QAbstractSocket::SocketError error);
    void onSslErrors(const QList<QSslError> &errors);
    void onTimer();
    void handleFrame(const MqttFrameReader::Frame &frame);
    void handleConnack(const QByteArray &body);
    void handlePublish(const MqttFrameReader::Frame &frame);
    void handlePuback(const QByteArray &body);
    void handleSuback(const QByteArray &body);
    void sendSubscriptions();
    void resendUnacknowledged();
    void write(const QByteArray &packet);
    void protocolViolation(const QString &message);
    // The connection ended without the client asking for it: report, then reconnect when it
    // had been working, or give up.
    void connectionLost(MqttError error);
    // Lets go of the socket: DISCONNECT already written and flushed (graceful) or cut at once.
    void releaseSocket(bool graceful);
    void setState(State state);
    quint16 nextPacketId();
    MqttError::Stage currentStage() const;

    MqttBrokerProfile m_profile;
    QList<QSslCertificate> m_caCertificates;
    QTcpSocket *m_socket = nullptr; // owned; one per attempt
    MqttFrameReader m_reader;
    State m_state = State::Disconnected;
    bool m_reconnectWanted = false; // a working connection was lost: keep trying
    bool m_connackSeen = false;
    bool m_pingOutstanding = false;
    bool m_sentSinceTick = false;
    bool m_receivedSinceTick = false;
    bool m_tcpConnected = false; // in the current attempt
    QString m_tlsProblem;        // certificate errors seen in the current attempt
    quint64 m_attempt = 0;       // guards against work for a socket that has been replaced
    // One coarse timer per connection: the connect timeout while connecting, the keep-alive
    // tick while connected and the backoff delay while reconnecting.
    QTimer m_timer;
    MqttReconnectBackoff m_backoff;
    quint16 m_lastPacketId = 0;
    QList<PendingPublish> m_unacknowledged;      // QoS 1 messages, oldest first
    QHash<QString, int> m_subscriptions;         // filter -> QoS
    QHash<quint16, QString> m_pendingSubscribes; // packet id -> filter
};

} // namespace fleet::sim
