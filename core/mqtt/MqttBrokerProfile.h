#pragma once

#include "util/Result.h"

#include <QString>

namespace fleet {

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

    // mqtt://host[:port] (plain) or mqtts://host[:port] (TLS), optionally with a user name
    // (mqtt://user@host). A password in the URL is refused: URLs end up in logs and settings.
    static Result<MqttBrokerProfile> fromUrl(const QString &url);
    // The URL form of host, port and TLS (no credentials).
    QString url() const;
    // Checks every field; the message names the field and what to change.
    Status validate() const;
};

} // namespace fleet
