#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace fleet {

// The message the broker publishes for a client whose connection ends without a DISCONNECT
// (crash, power loss, network gone): devices use it to say "offline" on their presence topic.
struct MqttLastWill
{
    QString topic; // empty: no will
    QByteArray payload;
    int qos = 1;
    bool retain = true;
    // MQTT 5 Will Delay Interval: the broker waits this long before publishing the will, and
    // not at all when the client is back by then (no offline/online flapping on a quick
    // reconnect). Ignored under MQTT 3.1.1, which publishes at once.
    quint32 delaySeconds = 0;

    bool isSet() const { return !topic.isEmpty(); }
};

// Everything needed to reach one MQTT broker. The password is held in memory only: it is
// never written to a file by this class (keeping it in the OS keychain is a separate step).
struct MqttBrokerProfile
{
    enum class ProtocolVersion {
        V5WithFallback, // try MQTT 5, retry with 3.1.1 when the broker refuses 5
        V5Only,
        V311Only,
    };

    static constexpr quint16 DefaultPlainPort = 1883;
    static constexpr quint16 DefaultTlsPort = 8883;
    static constexpr int DefaultKeepAliveSeconds = 60;
    static constexpr int DefaultInflightWindow = 20;
    // MQTT packet ids are 16 bits, so more than this many messages can never be in flight.
    static constexpr int MaxInflightWindow = 65535;

    QString host;
    quint16 port = DefaultPlainPort;
    bool tls = false;
    QString caFile;         // empty: trust the operating system's CA store
    QString clientCertFile; // client certificate and key: both or neither
    QString clientKeyFile;
    bool verifyHostname = true;
    QString username;
    QString password;
    QString clientId; // empty: the library picks a random one (needs clean session)
    int keepAliveSeconds = DefaultKeepAliveSeconds;
    bool cleanSession = true;
    int inflightWindow = DefaultInflightWindow;
    ProtocolVersion protocol = ProtocolVersion::V5WithFallback;
    MqttLastWill will; // registered with every CONNECT (see MqttClient::setLastWill)
    // With cleanSession off: how long the broker keeps the session (subscriptions and QoS 1/2
    // messages queued while the client is away) after a disconnect. MQTT 5 sends it as the
    // Session Expiry Interval; without it an MQTT 5 session ends with the connection. MQTT 3.1.1
    // has no such field: the broker keeps the session until its own expiry setting.
    quint32 sessionExpirySeconds = 0;

    // mqtt://host[:port] (plain) or mqtts://host[:port] (TLS), optionally with a user name
    // (mqtt://user@host). A password in the URL is refused: URLs end up in logs and settings.
    static Result<MqttBrokerProfile> fromUrl(const QString &url);
    // The URL form of host, port and TLS (no credentials).
    QString url() const;
    // Checks every field; the message names the field and what to change.
    Status validate() const;
};

} // namespace fleet
