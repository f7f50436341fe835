#include "mqtt/MqttError.h"

namespace fleet {

QString MqttError::stageName(Stage stage)
{
    switch (stage) {
    case Stage::Dns:
        return QStringLiteral("DNS");
    case Stage::Tcp:
        return QStringLiteral("TCP");
    case Stage::Tls:
        return QStringLiteral("TLS handshake");
    case Stage::Auth:
        return QStringLiteral("authentication");
    case Stage::Protocol:
        return QStringLiteral("MQTT protocol");
    case Stage::Permission:
        return QStringLiteral("permission");
    case Stage::Other:
        break;
    }
    return QStringLiteral("other");
}

} // namespace fleet
