#pragma once

#include <QByteArray>
#include <QString>

namespace fleet::sim {

// Builds the MQTT 3.1.1 packets a device sends. Callers check lengths first (see
// fitsInString): every function here assumes its strings fit in a 16-bit length prefix.
namespace MqttPacketEncoder {

struct ConnectFields
{
    QString clientId;
    QString username; // empty: none
    QString password; // empty: none
    bool cleanSession = false;
    quint16 keepAliveSeconds = 60;
    QString willTopic; // empty: no will
    QByteArray willPayload;
    int willQos = 1;
    bool willRetain = true;
};

bool fitsInString(const QByteArray &utf8);
QByteArray connect(const ConnectFields &fields);
QByteArray publish(const QString &topic, const QByteArray &payload, int qos, bool retain,
                   quint16 packetId, bool duplicate);
QByteArray puback(quint16 packetId);
QByteArray subscribe(quint16 packetId, const QString &filter, int qos);
QByteArray pingreq();
QByteArray disconnect();

} // namespace MqttPacketEncoder

} // namespace fleet::sim
