#pragma once

#include "mqtt/MqttBrokerProfile.h"
#include "mqtt/MqttError.h"
#include "mqtt/MqttReconnectBackoff.h"
#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QHostInfo>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

class QSocketNotifier;
struct mosquitto;
struct mosquitto_message;
struct mqtt5__property;
struct x509_store_ctx_st;

namespace fleet {

// An MQTT client on libmosquitto, driven entirely by the Qt event loop: the host name is
// resolved with QHostInfo, the socket is watched with QSocketNotifier and a timer runs the
// keep-alive, so no call ever blocks the GUI. libmosquitto's callbacks become Qt signals.
//
// Subscriptions are remembered and sent again after every reconnect. After an unexpected drop
// the client reconnects with exponential backoff (MqttReconnectBackoff) until disconnected.
class MqttClient : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    // How long one connection attempt (DNS, TCP, TLS and CONNACK) may take.
    static constexpr int ConnectTimeoutMs = 15000;

    explicit MqttClient(MqttBrokerProfile profile, QObject *parent = nullptr);
    ~MqttClient() override;

    const MqttBrokerProfile &profile() const { return m_profile; }
    State state() const { return m_state; }
    // 5 or 4 (MQTT 3.1.1) while connected, 0 otherwise.
    int negotiatedProtocolVersion() const { return m_state == State::Connected ? m_version : 0; }
    // Jitter for the reconnect delays (see MqttReconnectBackoff); none by default.
    void setReconnectJitter(MqttReconnectBackoff::JitterSource source);

    // Starts connecting; progress arrives through stateChanged and errorOccurred. Fails at
    // once only when the profile is invalid or the library cannot be set up.
    Status connectToBroker();
    // Sends DISCONNECT when connected, stops any reconnecting and goes to Disconnected.
    void disconnectFromBroker();
    // Closes the connection without DISCONNECT, as a crash or power loss would: the broker
    // publishes the last will and keeps a persistent session. Goes to Disconnected.
    void abortConnection();

    // The will sent with the next CONNECT, including automatic reconnects. A device changes it
    // from a slot on aboutToConnect(), so each will carries the seq and time of its connection.
    void setLastWill(const MqttLastWill &will);
    // How often keep-alive and retries run without socket activity (default 200 ms). A process
    // with thousands of clients (the fleet simulator) raises it: keep-alive needs only a
    // fraction of the keep-alive interval.
    void setHousekeepingInterval(int milliseconds);

    // Queues a message; returns its message id (reported again by published()).
    Result<int> publish(const QString &topic, const QByteArray &payload, int qos = 0,
                        bool retain = false);
    // Subscribes now when connected, and again after every reconnect.
    Status subscribe(const QString &filter, int qos = 0);
    QStringList subscriptions() const { return m_subscriptions.keys(); }

signals:
    void stateChanged(fleet::MqttClient::State state);
    // Right before each CONNECT is sent (first connect and every reconnect); a slot may call
    // setLastWill() and the new will goes with this CONNECT.
    void aboutToConnect();
    void messageReceived(const QString &topic, const QByteArray &payload, int qos, bool retained);
    // The broker accepted the message (QoS 1/2) or it was sent (QoS 0).
    void published(int messageId);
    // The broker answered a subscribe; refused filters are also reported by errorOccurred.
    void subscribed(const QString &filter, int grantedQos);
    void errorOccurred(const fleet::MqttError &error);

private:
    // libmosquitto calls these (from inside mosquitto_loop) through static trampolines.
    static void onConnectCallback(mosquitto *, void *self, int rc, int flags,
                                  const mqtt5__property *);
    static void onDisconnectCallback(mosquitto *, void *self, int rc, const mqtt5__property *);
    static void onMessageCallback(mosquitto *, void *self, const mosquitto_message *message,
                                  const mqtt5__property *);
    static void onPublishCallback(mosquitto *, void *self, int mid, int reasonCode,
                                  const mqtt5__property *);
    static void onSubscribeCallback(mosquitto *, void *self, int mid, int count,
                                    const int *grantedQos, const mqtt5__property *);
    static void onLogCallback(mosquitto *, void *self, int level, const char *text);
    static int verifyCertificateCallback(x509_store_ctx_st *store, void *self);

    Status setUpLibraryObject();
    Status setUpTls();
    void destroyLibraryObject();
    void beginAttempt();
    void onHostResolved(const QHostInfo &info, quint64 attempt);
    void startMosquittoConnect();
    void watchSocket();
    void unwatchSocket();
    void drive();
    void runDeferred();
    bool hasDataToRead() const;
    void updateWriteInterest();
    int applyWillAndSessionOptions();
    void handleConnack(int reasonCode);
    void handleConnectionEnded(int mosquittoRc, int savedErrno);
    void failAttempt(MqttError error);
    void scheduleReconnect();
    void resubscribeAll();
    void setState(State state);
    bool looksLikeTlsFailure(int mosquittoRc, int savedErrno) const;
    MqttError describeDrop(int mosquittoRc, int savedErrno) const;
    QString tlsFailureText(int mosquittoRc) const;

    MqttBrokerProfile m_profile;
    mosquitto *m_mosq = nullptr;
    State m_state = State::Disconnected;
    int m_version = 0;          // protocol version of the current attempt (5 or 4)
    bool m_connackSeen = false; // in the current attempt
    bool m_wantDisconnect = false;
    quint64 m_attempt = 0; // ignores late DNS answers for attempts that were abandoned
    std::unique_ptr<QSocketNotifier> m_readNotifier;
    std::unique_ptr<QSocketNotifier> m_writeNotifier;
    QTimer m_miscTimer;
    QTimer m_connectTimeout;
    QTimer m_reconnectTimer;
    MqttReconnectBackoff m_backoff;
    QHash<QString, int> m_subscriptions;     // filter -> QoS
    QHash<int, QString> m_pendingSubscribes; // message id -> filter
    // Work found inside libmosquitto callbacks, run once mosquitto_loop has returned, so a slot
    // may safely disconnect or even delete this client.
    std::deque<std::function<void()>> m_deferred; // run in order, front first
    bool m_disconnectReported = false;
    // Details of the last TLS failure, captured while libmosquitto handshakes.
    QString m_certificateProblem;
    QString m_lastOpenSslError;
};

} // namespace fleet
