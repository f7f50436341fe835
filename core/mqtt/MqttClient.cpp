#include "mqtt/MqttClient.h"

#include <QFile>
#include <QHostAddress>
#include <QPointer>
#include <QSocketNotifier>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <mutex>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <poll.h>
#include <sys/select.h>

namespace fleet {

namespace {

// How often mosquitto_loop runs without socket activity: keep-alive pings and retries of
// unacknowledged messages need it, and 200 ms keeps the idle cost negligible.
constexpr int MiscIntervalMs = 200;

// Packets read in one go when the socket has more waiting (see drive()).
constexpr int MaxPacketsPerWakeup = 64;

// CONNACK codes of MQTT 3.1.1 (MQTT 5 uses the MQTT_RC_* reason codes instead).
constexpr int Connack311UnacceptableProtocol = 1;
constexpr int Connack311IdentifierRejected = 2;
constexpr int Connack311ServerUnavailable = 3;
constexpr int Connack311BadUsernameOrPassword = 4;
constexpr int Connack311NotAuthorized = 5;

void initialiseLibraryOnce()
{
    // mosquitto_lib_init is not thread safe and must run once per process; it is never undone
    // because other clients may still be alive at any later point.
    static std::once_flag once;
    std::call_once(once, [] { mosquitto_lib_init(); });
}

MqttClient *clientFrom(void *self)
{
    return static_cast<MqttClient *>(self);
}

// The reasons OpenSSL queued for the last failure, oldest first, emptying its queue.
QString openSslErrorText()
{
    QStringList reasons;
    while (const unsigned long code = ERR_get_error()) {
        const char *reason = ERR_reason_error_string(code);
        reasons << (reason ? QString::fromUtf8(reason) : QString::number(code, 16));
    }
    return reasons.join(QStringLiteral("; "));
}

// "error:0A000086:SSL routines::certificate verify failed" -> "certificate verify failed"
QString openSslReason(const QString &logLine)
{
    const int at = logLine.lastIndexOf(QLatin1Char(':'));
    return at >= 0 ? logLine.mid(at + 1).trimmed() : logLine.trimmed();
}

} // namespace

MqttClient::MqttClient(MqttBrokerProfile profile, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
{
    m_miscTimer.setInterval(MiscIntervalMs);
    connect(&m_miscTimer, &QTimer::timeout, this, &MqttClient::drive);
    m_connectTimeout.setSingleShot(true);
    m_connectTimeout.setInterval(ConnectTimeoutMs);
    connect(&m_connectTimeout, &QTimer::timeout, this, [this] {
        failAttempt({MqttError::Stage::Tcp,
                     QStringLiteral("The broker %1 did not answer within %2 seconds.")
                         .arg(m_profile.url())
                         .arg(ConnectTimeoutMs / 1000)});
    });
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &MqttClient::beginAttempt);
}

MqttClient::~MqttClient()
{
    if (m_state == State::Connected) {
        m_wantDisconnect = true;
        mosquitto_disconnect(m_mosq); // a clean goodbye, so the broker does not wait it out
    }
    destroyLibraryObject();
}

void MqttClient::destroyLibraryObject()
{
    unwatchSocket();
    if (m_mosq) {
        m_disconnectReported = true;
        // Also closes a socket that is still connecting, which mosquitto_disconnect cannot.
        mosquitto_destroy(m_mosq);
        m_mosq = nullptr;
    }
    m_deferred.clear();
    m_pendingSubscribes.clear();
}

void MqttClient::setReconnectJitter(MqttReconnectBackoff::JitterSource source)
{
    m_backoff.setJitterSource(std::move(source));
}

Status MqttClient::setUpLibraryObject()
{
    if (m_mosq)
        return Status::success();
    initialiseLibraryOnce();
    const QByteArray clientId = m_profile.clientId.toUtf8();
    m_mosq = mosquitto_new(clientId.isEmpty() ? nullptr : clientId.constData(),
                           m_profile.cleanSession, this);
    if (!m_mosq)
        return Error::failed(QStringLiteral("Could not create the MQTT client: %1")
                                 .arg(QString::fromLocal8Bit(std::strerror(errno))));
    mosquitto_connect_v5_callback_set(m_mosq, &MqttClient::onConnectCallback);
    mosquitto_disconnect_v5_callback_set(m_mosq, &MqttClient::onDisconnectCallback);
    mosquitto_message_v5_callback_set(m_mosq, &MqttClient::onMessageCallback);
    mosquitto_publish_v5_callback_set(m_mosq, &MqttClient::onPublishCallback);
    mosquitto_subscribe_v5_callback_set(m_mosq, &MqttClient::onSubscribeCallback);
    mosquitto_log_callback_set(m_mosq, &MqttClient::onLogCallback);

    const auto fail = [this](const QString &what, int rc) -> Status {
        mosquitto_destroy(m_mosq);
        m_mosq = nullptr;
        return Error::failed(
            QStringLiteral("%1: %2").arg(what, QString::fromUtf8(mosquitto_strerror(rc))));
    };
    int rc = mosquitto_max_inflight_messages_set(
        m_mosq, static_cast<unsigned int>(m_profile.inflightWindow));
    if (rc != MOSQ_ERR_SUCCESS)
        return fail(QStringLiteral("Could not set the in-flight window"), rc);
    if (!m_profile.username.isEmpty()) {
        const QByteArray user = m_profile.username.toUtf8();
        const QByteArray password = m_profile.password.toUtf8();
        rc = mosquitto_username_pw_set(m_mosq, user.constData(),
                                       password.isEmpty() ? nullptr : password.constData());
        if (rc != MOSQ_ERR_SUCCESS)
            return fail(QStringLiteral("Could not set the user name and password"), rc);
    }
    if (m_profile.tls) {
        if (Status tls = setUpTls(); !tls) {
            mosquitto_destroy(m_mosq);
            m_mosq = nullptr;
            return tls;
        }
    }
    return Status::success();
}

Status MqttClient::setUpTls()
{
    // The SSL_CTX is configured here rather than by libmosquitto's defaults so that a failed
    // verification can say why (expired, unknown issuer, wrong host): libmosquitto alone only
    // reports "certificate verify failed". Peer and host name verification are OpenSSL's own.
    SSL_CTX *context = SSL_CTX_new(TLS_client_method());
    if (!context)
        return Error::failed(QStringLiteral("Could not set up TLS: %1").arg(openSslErrorText()));
    const auto failed = [context](const QString &what) -> Status {
        const QString detail = openSslErrorText();
        SSL_CTX_free(context);
        return Error::failed(detail.isEmpty() ? what : QStringLiteral("%1: %2").arg(what, detail));
    };
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_cert_verify_callback(context, &MqttClient::verifyCertificateCallback, this);
    const QByteArray caFile = QFile::encodeName(m_profile.caFile);
    if (caFile.isEmpty() ? SSL_CTX_set_default_verify_paths(context) != 1
                         : SSL_CTX_load_verify_locations(context, caFile.constData(), nullptr) != 1)
        return failed(
            caFile.isEmpty()
                ? QStringLiteral("Could not load the system's CA certificates")
                : QStringLiteral("Could not load the CA file '%1'").arg(m_profile.caFile));
    if (!m_profile.clientCertFile.isEmpty()) {
        const QByteArray certFile = QFile::encodeName(m_profile.clientCertFile);
        const QByteArray keyFile = QFile::encodeName(m_profile.clientKeyFile);
        if (SSL_CTX_use_certificate_chain_file(context, certFile.constData()) != 1)
            return failed(QStringLiteral("Could not load the client certificate '%1'")
                              .arg(m_profile.clientCertFile));
        if (SSL_CTX_use_PrivateKey_file(context, keyFile.constData(), SSL_FILETYPE_PEM) != 1)
            return failed(
                QStringLiteral("Could not load the client key '%1'").arg(m_profile.clientKeyFile));
        if (SSL_CTX_check_private_key(context) != 1)
            return failed(
                QStringLiteral("The client key '%1' does not belong to the certificate '%2'")
                    .arg(m_profile.clientKeyFile, m_profile.clientCertFile));
    }
    if (m_profile.verifyHostname) {
        X509_VERIFY_PARAM *param = SSL_CTX_get0_param(context);
        const QByteArray host = m_profile.host.toUtf8();
        const bool isAddress = !QHostAddress(m_profile.host).isNull();
        const int ok = isAddress ? X509_VERIFY_PARAM_set1_ip_asc(param, host.constData())
                                 : X509_VERIFY_PARAM_set1_host(param, host.constData(),
                                                               static_cast<size_t>(host.size()));
        if (ok != 1)
            return failed(QStringLiteral("Could not check certificates against the host name '%1'")
                              .arg(m_profile.host));
    }
    int rc = mosquitto_void_option(m_mosq, MOSQ_OPT_SSL_CTX, context);
    SSL_CTX_free(context); // libmosquitto holds its own reference
    // Use the context exactly as configured above (no libmosquitto defaults on top).
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_int_option(m_mosq, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 0);
    // tls_set switches TLS on; with the context above its files are not loaded a second time.
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_tls_set(m_mosq, caFile.isEmpty() ? nullptr : caFile.constData(),
                               caFile.isEmpty() ? "/etc/ssl/certs" : nullptr, nullptr, nullptr,
                               nullptr);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_tls_opts_set(m_mosq, SSL_VERIFY_PEER, nullptr, nullptr);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_tls_insecure_set(m_mosq, !m_profile.verifyHostname);
    if (rc != MOSQ_ERR_SUCCESS)
        return Error::failed(QStringLiteral("Could not set up TLS: %1")
                                 .arg(QString::fromUtf8(mosquitto_strerror(rc))));
    return Status::success();
}

Status MqttClient::connectToBroker()
{
    if (Status valid = m_profile.validate(); !valid)
        return valid;
    if (m_state != State::Disconnected)
        return Status::success();
    if (Status ready = setUpLibraryObject(); !ready)
        return ready;
    m_wantDisconnect = false;
    m_backoff.reset();
    m_version = m_profile.protocol == MqttBrokerProfile::ProtocolVersion::V311Only
                    ? MQTT_PROTOCOL_V311
                    : MQTT_PROTOCOL_V5;
    setState(State::Connecting);
    beginAttempt();
    return Status::success();
}

void MqttClient::beginAttempt()
{
    ++m_attempt;
    m_connackSeen = false;
    m_disconnectReported = false;
    m_certificateProblem.clear();
    m_lastOpenSslError.clear();
    m_connectTimeout.start();
    const quint64 attempt = m_attempt;
    // Resolving first (asynchronously) keeps the GUI responsive and lets a typo in the host
    // name be reported as a DNS problem rather than a generic connection failure.
    QHostInfo::lookupHost(m_profile.host, this, [this, attempt](const QHostInfo &info) {
        onHostResolved(info, attempt);
    });
}

void MqttClient::onHostResolved(const QHostInfo &info, quint64 attempt)
{
    if (attempt != m_attempt || m_state == State::Disconnected || m_state == State::Connected)
        return;
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
        failAttempt({MqttError::Stage::Dns,
                     QStringLiteral("The broker's host name '%1' could not be resolved: %2")
                         .arg(m_profile.host, info.errorString())});
        return;
    }
    startMosquittoConnect();
}

void MqttClient::startMosquittoConnect()
{
    if (Status ready = setUpLibraryObject(); !ready) {
        failAttempt({MqttError::Stage::Other, ready.message()});
        return;
    }
    mosquitto_int_option(m_mosq, MOSQ_OPT_PROTOCOL_VERSION, m_version);
    {
        QPointer<MqttClient> self(this);
        emit aboutToConnect();
        if (!self || !m_mosq || m_state == State::Disconnected)
            return;
    }
    if (const int rc = applyWillAndSessionOptions(); rc != MOSQ_ERR_SUCCESS) {
        failAttempt({MqttError::Stage::Other,
                     QStringLiteral("Could not set the last will or session options: %1")
                         .arg(QString::fromUtf8(mosquitto_strerror(rc)))});
        return;
    }
    // The host name (not the resolved address) is passed on because TLS verifies the broker's
    // certificate against it. The name was just resolved, so libmosquitto's own lookup is
    // answered from the resolver's cache or /etc/hosts; the TCP connect itself does not block.
    const QByteArray host = m_profile.host.toUtf8();
    errno = 0;
    const int rc = mosquitto_connect_async(m_mosq, host.constData(), m_profile.port,
                                           m_profile.keepAliveSeconds);
    const int savedErrno = errno;
    if (rc != MOSQ_ERR_SUCCESS) {
        handleConnectionEnded(rc, savedErrno);
        return;
    }
    watchSocket();
    drive();
}

int MqttClient::applyWillAndSessionOptions()
{
    const bool v5 = m_version == MQTT_PROTOCOL_V5;
    int rc = mosquitto_will_clear(m_mosq);
    const MqttLastWill &will = m_profile.will;
    if (rc == MOSQ_ERR_SUCCESS && will.isSet()) {
        const QByteArray topic = will.topic.toUtf8();
        mosquitto_property *properties = nullptr;
        if (v5 && will.delaySeconds > 0)
            mosquitto_property_add_int32(&properties, MQTT_PROP_WILL_DELAY_INTERVAL,
                                         will.delaySeconds);
        // will_set_v5 takes the properties over, also when it fails.
        rc = v5 ? mosquitto_will_set_v5(m_mosq, topic.constData(),
                                        static_cast<int>(will.payload.size()),
                                        will.payload.constData(), will.qos, will.retain, properties)
                : mosquitto_will_set(m_mosq, topic.constData(),
                                     static_cast<int>(will.payload.size()),
                                     will.payload.constData(), will.qos, will.retain);
        if (rc != MOSQ_ERR_SUCCESS && !v5)
            mosquitto_property_free_all(&properties);
    }
    if (rc != MOSQ_ERR_SUCCESS)
        return rc;
    // libmosquitto 2.0 has no asynchronous connect that takes CONNECT properties, but it keeps
    // the properties of mosquitto_connect_bind_v5 for every later (re)connect, and checks the
    // port only after storing them. Port -1 therefore stores (or, without properties, clears)
    // them without connecting; mosquitto_connect_async then sends them. Under MQTT 3.1.1 they
    // must be cleared, or the connect is refused as "not supported".
    mosquitto_property *connectProperties = nullptr;
    if (v5 && !m_profile.cleanSession && m_profile.sessionExpirySeconds > 0)
        mosquitto_property_add_int32(&connectProperties, MQTT_PROP_SESSION_EXPIRY_INTERVAL,
                                     m_profile.sessionExpirySeconds);
    const QByteArray host = m_profile.host.toUtf8();
    rc = mosquitto_connect_bind_v5(m_mosq, host.constData(), -1, m_profile.keepAliveSeconds,
                                   nullptr, connectProperties);
    mosquitto_property_free_all(&connectProperties);
    return rc == MOSQ_ERR_INVAL ? MOSQ_ERR_SUCCESS : rc;
}

void MqttClient::setLastWill(const MqttLastWill &will)
{
    m_profile.will = will;
}

void MqttClient::setHousekeepingInterval(int milliseconds)
{
    m_miscTimer.setInterval(std::max(milliseconds, 10));
}

void MqttClient::abortConnection()
{
    m_wantDisconnect = true;
    m_reconnectTimer.stop();
    m_connectTimeout.stop();
    ++m_attempt;
    // mosquitto_destroy closes the socket without sending DISCONNECT.
    destroyLibraryObject();
    setState(State::Disconnected);
}

void MqttClient::watchSocket()
{
    unwatchSocket();
    const int fd = mosquitto_socket(m_mosq);
    if (fd < 0)
        return;
    m_readNotifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
    connect(m_readNotifier.get(), &QSocketNotifier::activated, this, &MqttClient::drive);
    m_writeNotifier = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Write);
    connect(m_writeNotifier.get(), &QSocketNotifier::activated, this, &MqttClient::drive);
    m_miscTimer.start();
    updateWriteInterest();
}

void MqttClient::unwatchSocket()
{
    // Often called from a slot of one of these notifiers, so they are deleted later rather
    // than now; disabled at once so a reused descriptor number cannot wake them.
    for (std::unique_ptr<QSocketNotifier> *notifier : {&m_readNotifier, &m_writeNotifier}) {
        if (*notifier) {
            (*notifier)->setEnabled(false);
            (*notifier)->disconnect(this);
            notifier->release()->deleteLater();
        }
    }
    m_miscTimer.stop();
}

void MqttClient::updateWriteInterest()
{
    if (m_writeNotifier && m_mosq)
        m_writeNotifier->setEnabled(mosquitto_want_write(m_mosq));
}

void MqttClient::drive()
{
    if (!m_mosq || mosquitto_socket(m_mosq) < 0) {
        runDeferred();
        return;
    }
    // mosquitto_loop with a zero timeout only polls: it reads, writes, finishes a pending TLS
    // handshake and runs the keep-alive, whichever the socket is ready for, and returns at
    // once. Unlike loop_read/loop_write alone it also completes an asynchronous TLS connect.
    errno = 0;
    int rc = MOSQ_ERR_SUCCESS;
    if (mosquitto_socket(m_mosq) < FD_SETSIZE) {
        rc = mosquitto_loop(m_mosq, 0, 1);
    } else {
        // mosquitto_loop uses select(), which cannot watch descriptors at or above FD_SETSIZE
        // (1024): a process with hundreds of clients gets there. The socket notifiers already
        // know the socket is ready, so read, write and keep-alive are run directly.
        rc = mosquitto_loop_read(m_mosq, 1);
        if (rc == MOSQ_ERR_SUCCESS && mosquitto_socket(m_mosq) >= 0 && mosquitto_want_write(m_mosq))
            rc = mosquitto_loop_write(m_mosq, 1);
        if (rc == MOSQ_ERR_SUCCESS && mosquitto_socket(m_mosq) >= 0)
            rc = mosquitto_loop_misc(m_mosq);
    }
    // libmosquitto reads one packet per call. What has already arrived is read now (up to a
    // bound, so timers still run), making a burst cost one wake-up of the event loop instead of
    // one per message: at thousands of heartbeats a second that is most of the receive cost.
    for (int more = 0; rc == MOSQ_ERR_SUCCESS && more < MaxPacketsPerWakeup && hasDataToRead();
         ++more)
        rc = mosquitto_loop_read(m_mosq, 1);
    const int savedErrno = errno;
    if (rc != MOSQ_ERR_SUCCESS && !m_disconnectReported &&
        (rc != MOSQ_ERR_NO_CONN || m_state != State::Disconnected)) {
        m_disconnectReported = true;
        m_deferred.push_back([this, rc, savedErrno] { handleConnectionEnded(rc, savedErrno); });
    }
    updateWriteInterest();
    runDeferred();
}

bool MqttClient::hasDataToRead() const
{
    const int fd = mosquitto_socket(m_mosq);
    if (fd < 0)
        return false;
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

void MqttClient::runDeferred()
{
    QPointer<MqttClient> self(this);
    while (!m_deferred.empty()) {
        auto work = std::move(m_deferred.front());
        m_deferred.pop_front();
        work();
        if (!self)
            return;
    }
    updateWriteInterest();
}

void MqttClient::onConnectCallback(mosquitto *, void *self, int rc, int, const mqtt5__property *)
{
    MqttClient *client = clientFrom(self);
    client->m_deferred.push_back([client, rc] { client->handleConnack(rc); });
}

void MqttClient::onDisconnectCallback(mosquitto *, void *self, int rc, const mqtt5__property *)
{
    MqttClient *client = clientFrom(self);
    if (client->m_disconnectReported)
        return;
    client->m_disconnectReported = true;
    const int savedErrno = errno;
    client->m_deferred.push_back(
        [client, rc, savedErrno] { client->handleConnectionEnded(rc, savedErrno); });
}

void MqttClient::onMessageCallback(mosquitto *, void *self, const mosquitto_message *message,
                                   const mqtt5__property *)
{
    MqttClient *client = clientFrom(self);
    const QString topic = QString::fromUtf8(message->topic);
    const QByteArray payload(static_cast<const char *>(message->payload), message->payloadlen);
    const int qos = message->qos;
    const bool retained = message->retain;
    client->m_deferred.push_back([client, topic, payload, qos, retained] {
        emit client->messageReceived(topic, payload, qos, retained);
    });
}

void MqttClient::onPublishCallback(mosquitto *, void *self, int mid, int reasonCode,
                                   const mqtt5__property *)
{
    MqttClient *client = clientFrom(self);
    client->m_deferred.push_back([client, mid, reasonCode] {
        if (reasonCode >= 0x80) {
            emit client->errorOccurred(
                {MqttError::Stage::Permission,
                 QStringLiteral("The broker refused message %1: %2")
                     .arg(mid)
                     .arg(QString::fromUtf8(mosquitto_reason_string(reasonCode)))});
            return;
        }
        emit client->published(mid);
    });
}

void MqttClient::onSubscribeCallback(mosquitto *, void *self, int mid, int count,
                                     const int *grantedQos, const mqtt5__property *)
{
    MqttClient *client = clientFrom(self);
    const QList<int> granted(grantedQos, grantedQos + count);
    client->m_deferred.push_back([client, mid, granted] {
        const QString filter = client->m_pendingSubscribes.take(mid);
        for (const int code : granted) {
            if (code >= 0x80) {
                // MQTT 3.1.1 has a single failure code (0x80); MQTT 5 says why.
                const QString reason = code == 0x80 && client->m_version == MQTT_PROTOCOL_V311
                                           ? QStringLiteral("refused")
                                           : QString::fromUtf8(mosquitto_reason_string(code));
                emit client->errorOccurred(
                    {MqttError::Stage::Permission,
                     QStringLiteral("The broker refused the subscription to '%1': %2")
                         .arg(filter, reason)});
            } else {
                emit client->subscribed(filter, code);
            }
        }
    });
}

void MqttClient::onLogCallback(mosquitto *, void *self, int level, const char *text)
{
    // libmosquitto drains OpenSSL's error queue into its log; this is the only place the
    // handshake's failure reason can be read.
    if (level == MOSQ_LOG_ERR && std::strncmp(text, "OpenSSL Error", 13) == 0) {
        MqttClient *client = clientFrom(self);
        if (client->m_lastOpenSslError.isEmpty())
            client->m_lastOpenSslError = openSslReason(QString::fromUtf8(text));
    }
}

int MqttClient::verifyCertificateCallback(x509_store_ctx_st *store, void *self)
{
    const int ok = X509_verify_cert(store);
    if (ok <= 0) {
        MqttClient *client = clientFrom(self);
        const int error = X509_STORE_CTX_get_error(store);
        client->m_certificateProblem =
            error == X509_V_ERR_HOSTNAME_MISMATCH || error == X509_V_ERR_IP_ADDRESS_MISMATCH
                ? QStringLiteral("the certificate is not valid for host name '%1'")
                      .arg(client->m_profile.host)
                : QString::fromUtf8(X509_verify_cert_error_string(error));
    }
    return ok;
}

void MqttClient::handleConnack(int reasonCode)
{
    m_connackSeen = true;
    if (reasonCode == 0) {
        m_connectTimeout.stop();
        m_backoff.reset();
        setState(State::Connected);
        resubscribeAll();
        return;
    }
    // A 3.1.1 broker answers an MQTT 5 CONNECT with its own code 1 in a 3.1.1 CONNACK.
    const bool protocolRefused =
        reasonCode == Connack311UnacceptableProtocol ||
        (m_version == MQTT_PROTOCOL_V5 && reasonCode == MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION);
    if (protocolRefused && m_version == MQTT_PROTOCOL_V5 &&
        m_profile.protocol == MqttBrokerProfile::ProtocolVersion::V5WithFallback) {
        // An MQTT 3.1.1 broker: start over at once with 3.1.1; this is not an error.
        m_version = MQTT_PROTOCOL_V311;
        destroyLibraryObject();
        beginAttempt();
        return;
    }
    MqttError error{MqttError::Stage::Auth, {}};
    const bool v311 = m_version == MQTT_PROTOCOL_V311;
    if ((v311 && reasonCode == Connack311BadUsernameOrPassword) ||
        (!v311 && reasonCode == MQTT_RC_BAD_USERNAME_OR_PASSWORD)) {
        error.message = m_profile.username.isEmpty()
                            ? QStringLiteral("The broker requires a user name and password.")
                            : QStringLiteral("The broker refused the user name or password.");
    } else if ((v311 && reasonCode == Connack311NotAuthorized) ||
               (!v311 && reasonCode == MQTT_RC_NOT_AUTHORIZED)) {
        // mosquitto answers a wrong password with "not authorized" rather than "bad user name
        // or password", so with credentials given this is what the user needs to check.
        if (m_profile.username.isEmpty())
            error.message = QStringLiteral("The broker requires a user name and password; it "
                                           "refused an anonymous connection.");
        else
            error.message = QStringLiteral("The broker refused the user name or password.");
    } else if ((v311 && reasonCode == Connack311IdentifierRejected) ||
               (!v311 && reasonCode == MQTT_RC_CLIENTID_NOT_VALID)) {
        error.message =
            QStringLiteral("The broker refused the client id '%1'.").arg(m_profile.clientId);
    } else if (protocolRefused) {
        error.stage = MqttError::Stage::Protocol;
        error.message = QStringLiteral("The broker does not support MQTT %1.")
                            .arg(v311 ? QStringLiteral("3.1.1") : QStringLiteral("5"));
    } else if (v311 && reasonCode == Connack311ServerUnavailable) {
        error.stage = MqttError::Stage::Other;
        error.message = QStringLiteral("The broker is unavailable.");
    } else {
        error.message = QStringLiteral("The broker refused the connection: %1")
                            .arg(QString::fromUtf8(mosquitto_reason_string(reasonCode)));
    }
    failAttempt(error);
}

void MqttClient::handleConnectionEnded(int mosquittoRc, int savedErrno)
{
    unwatchSocket();
    if (m_wantDisconnect || m_state == State::Disconnected)
        return;
    if (m_state == State::Connected) {
        // An unexpected drop of a working connection: say so and come back.
        emit errorOccurred(describeDrop(mosquittoRc, savedErrno));
        setState(State::Reconnecting);
        scheduleReconnect();
        return;
    }
    if (m_connackSeen)
        return; // the refusal in the CONNACK was already reported
    const bool tlsFailure = looksLikeTlsFailure(mosquittoRc, savedErrno);
    if (!tlsFailure && m_version == MQTT_PROTOCOL_V5 &&
        m_profile.protocol == MqttBrokerProfile::ProtocolVersion::V5WithFallback &&
        (mosquittoRc == MOSQ_ERR_PROTOCOL || mosquittoRc == MOSQ_ERR_MALFORMED_PACKET)) {
        // Some 3.1.1 brokers answer an MQTT 5 CONNECT with garbage or hang up.
        m_version = MQTT_PROTOCOL_V311;
        beginAttempt();
        return;
    }
    failAttempt(describeDrop(mosquittoRc, savedErrno));
}

bool MqttClient::looksLikeTlsFailure(int mosquittoRc, int savedErrno) const
{
    if (mosquittoRc == MOSQ_ERR_TLS || !m_certificateProblem.isEmpty() ||
        !m_lastOpenSslError.isEmpty())
        return true;
    if (!m_profile.tls || m_state == State::Connected || mosquittoRc == MOSQ_ERR_CONN_REFUSED)
        return false;
    // With TLS 1.3 a server that rejects the client (no or an unknown client certificate) may
    // close before its alert is read: libmosquitto then reports a hang-up, or EPROTO for an
    // OpenSSL failure it did not log.
    return mosquittoRc == MOSQ_ERR_CONN_LOST ||
           (mosquittoRc == MOSQ_ERR_ERRNO &&
            (savedErrno == ECONNRESET || savedErrno == EPIPE || savedErrno == EPROTO));
}

MqttError MqttClient::describeDrop(int mosquittoRc, int savedErrno) const
{
    const QString where = m_profile.url();
    if (looksLikeTlsFailure(mosquittoRc, savedErrno)) {
        if (!m_certificateProblem.isEmpty() || !m_lastOpenSslError.isEmpty() ||
            mosquittoRc == MOSQ_ERR_TLS)
            return {MqttError::Stage::Tls, tlsFailureText(mosquittoRc)};
        return {MqttError::Stage::Tls,
                QStringLiteral("TLS handshake failed: the broker %1 ended the connection during "
                               "the handshake (it may require a client certificate this profile "
                               "does not have).")
                    .arg(where)};
    }
    switch (mosquittoRc) {
    case MOSQ_ERR_ERRNO:
        return {MqttError::Stage::Tcp,
                QStringLiteral("Could not connect to %1: %2")
                    .arg(where, QString::fromLocal8Bit(std::strerror(savedErrno)))};
    case MOSQ_ERR_EAI:
        return {MqttError::Stage::Dns,
                QStringLiteral("The broker's host name '%1' could not be resolved.")
                    .arg(m_profile.host)};
    case MOSQ_ERR_CONN_LOST:
    case MOSQ_ERR_NO_CONN:
        return {MqttError::Stage::Tcp, QStringLiteral("The connection to %1 was lost.").arg(where)};
    case MOSQ_ERR_KEEPALIVE:
        return {
            MqttError::Stage::Tcp,
            QStringLiteral("The broker %1 stopped answering (keep-alive timed out).").arg(where)};
    case MOSQ_ERR_PROTOCOL:
    case MOSQ_ERR_MALFORMED_PACKET:
        return {MqttError::Stage::Protocol,
                QStringLiteral("The broker %1 sent something that is not valid MQTT: %2")
                    .arg(where, QString::fromUtf8(mosquitto_strerror(mosquittoRc)))};
    default:
        // MQTT 5 DISCONNECT reason codes from the broker (e.g. "Session taken over").
        if (mosquittoRc >= 0x80)
            return {MqttError::Stage::Other,
                    QStringLiteral("The broker %1 closed the connection: %2")
                        .arg(where, QString::fromUtf8(mosquitto_reason_string(mosquittoRc)))};
        return {MqttError::Stage::Other,
                QStringLiteral("The connection to %1 failed: %2")
                    .arg(where, QString::fromUtf8(mosquitto_strerror(mosquittoRc)))};
    }
}

QString MqttClient::tlsFailureText(int mosquittoRc) const
{
    if (!m_certificateProblem.isEmpty())
        return QStringLiteral("TLS handshake failed: certificate verify failed (%1)")
            .arg(m_certificateProblem);
    if (!m_lastOpenSslError.isEmpty())
        return QStringLiteral("TLS handshake failed: %1").arg(m_lastOpenSslError);
    return QStringLiteral("TLS handshake failed: %1")
        .arg(QString::fromUtf8(mosquitto_strerror(mosquittoRc)));
}

void MqttClient::failAttempt(MqttError error)
{
    m_connectTimeout.stop();
    ++m_attempt; // a DNS answer still on its way is now stale
    if (m_state == State::Reconnecting && !m_wantDisconnect) {
        // Keep the library object: it holds QoS 1/2 messages still to be delivered, and the
        // next mosquitto_connect_async closes whatever socket is left.
        unwatchSocket();
        emit errorOccurred(error);
        scheduleReconnect();
        return;
    }
    destroyLibraryObject();
    emit errorOccurred(error);
    setState(State::Disconnected);
}

void MqttClient::scheduleReconnect()
{
    m_reconnectTimer.start(m_backoff.nextDelayMs());
}

void MqttClient::resubscribeAll()
{
    m_pendingSubscribes.clear();
    for (auto it = m_subscriptions.cbegin(); it != m_subscriptions.cend(); ++it) {
        const QByteArray filter = it.key().toUtf8();
        int mid = 0;
        const int rc = mosquitto_subscribe(m_mosq, &mid, filter.constData(), it.value());
        if (rc == MOSQ_ERR_SUCCESS) {
            m_pendingSubscribes.insert(mid, it.key());
        } else {
            emit errorOccurred({MqttError::Stage::Other,
                                QStringLiteral("Could not subscribe to '%1': %2")
                                    .arg(it.key(), QString::fromUtf8(mosquitto_strerror(rc)))});
        }
    }
    updateWriteInterest();
}

void MqttClient::disconnectFromBroker()
{
    m_wantDisconnect = true;
    m_reconnectTimer.stop();
    m_connectTimeout.stop();
    ++m_attempt;
    if (m_mosq && m_state == State::Connected) {
        // Sends DISCONNECT right away (libmosquitto writes it synchronously when no loop
        // thread is running), so the broker does not publish a will or wait for a timeout.
        mosquitto_disconnect(m_mosq);
    }
    destroyLibraryObject();
    setState(State::Disconnected);
}

Result<int> MqttClient::publish(const QString &topic, const QByteArray &payload, int qos,
                                bool retain)
{
    if (qos < 0 || qos > 2)
        return Error::invalid(QStringLiteral("QoS must be 0, 1 or 2 (it is %1).").arg(qos));
    if (!m_mosq || m_state != State::Connected)
        return Error::failed(
            QStringLiteral("Not connected to the broker; the message to '%1' was not sent.")
                .arg(topic));
    const QByteArray topicBytes = topic.toUtf8();
    int mid = 0;
    const int rc =
        mosquitto_publish(m_mosq, &mid, topicBytes.constData(), static_cast<int>(payload.size()),
                          payload.constData(), qos, retain);
    updateWriteInterest();
    if (rc != MOSQ_ERR_SUCCESS)
        return Error::failed(QStringLiteral("Could not publish to '%1': %2")
                                 .arg(topic, QString::fromUtf8(mosquitto_strerror(rc))));
    return mid;
}

Status MqttClient::subscribe(const QString &filter, int qos)
{
    if (qos < 0 || qos > 2)
        return Error::invalid(QStringLiteral("QoS must be 0, 1 or 2 (it is %1).").arg(qos));
    const QByteArray filterBytes = filter.toUtf8();
    if (filter.isEmpty() || mosquitto_sub_topic_check(filterBytes.constData()) != MOSQ_ERR_SUCCESS)
        return Error::invalid(QStringLiteral("'%1' is not a valid topic filter.").arg(filter));
    m_subscriptions.insert(filter, qos);
    if (!m_mosq || m_state != State::Connected)
        return Status::success(); // sent once connected
    int mid = 0;
    const int rc = mosquitto_subscribe(m_mosq, &mid, filterBytes.constData(), qos);
    updateWriteInterest();
    if (rc != MOSQ_ERR_SUCCESS)
        return Error::failed(QStringLiteral("Could not subscribe to '%1': %2")
                                 .arg(filter, QString::fromUtf8(mosquitto_strerror(rc))));
    m_pendingSubscribes.insert(mid, filter);
    return Status::success();
}

void MqttClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace fleet
