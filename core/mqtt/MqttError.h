#pragma once

#include <QMetaType>
#include <QString>

namespace fleet {

// Why an MQTT connection or request failed, with the stage it failed at so the GUI can tell a
// typo in the host name (Dns) from a firewall (Tcp), a certificate problem (Tls) or a wrong
// password (Auth). The message is shown to the user unchanged.
struct MqttError
{
    enum class Stage {
        Dns,        // the broker's host name could not be resolved
        Tcp,        // no TCP connection (refused, unreachable, timed out, dropped)
        Tls,        // the TLS handshake failed (certificate, host name, protocol)
        Auth,       // the broker refused the credentials or the client
        Protocol,   // the broker and the client do not speak a common MQTT version
        Permission, // connected, but the broker's ACL refused a subscribe or publish
        Other,
    };
    Stage stage = Stage::Other;
    QString message;

    // "DNS", "TCP", "TLS handshake", ...: how the stage is named to the user.
    static QString stageName(Stage stage);
};

} // namespace fleet

Q_DECLARE_METATYPE(fleet::MqttError)
