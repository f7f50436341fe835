#include "MqttPacketEncoder.h"

namespace fleet::sim::MqttPacketEncoder {

namespace {

void appendUint16(QByteArray &out, quint16 value)
{
    out.append(static_cast<char>(value >> 8));
    out.append(static_cast<char>(value & 0xff));
}

void appendString(QByteArray &out, const QByteArray &utf8)
{
    appendUint16(out, static_cast<quint16>(utf8.size()));
    out.append(utf8);
}

// Fixed header: type and flags, then the remaining length as a varint of up to four bytes.
QByteArray frame(quint8 firstByte, const QByteArray &body)
{
    QByteArray out;
    out.reserve(body.size() + 5);
    out.append(static_cast<char>(firstByte));
    qsizetype length = body.size();
    do {
        quint8 byte = length & 0x7f;
        length >>= 7;
        if (length > 0)
            byte |= 0x80;
        out.append(static_cast<char>(byte));
    } while (length > 0);
    out.append(body);
    return out;
}

} // namespace

bool fitsInString(const QByteArray &utf8)
{
    return utf8.size() <= 0xffff;
}

QByteArray connect(const ConnectFields &fields)
{
    QByteArray body;
    appendString(body, QByteArrayLiteral("MQTT"));
    body.append(static_cast<char>(4)); // protocol level 4: MQTT 3.1.1
    quint8 flags = 0;
    if (fields.cleanSession)
        flags |= 0x02;
    if (!fields.willTopic.isEmpty()) {
        flags |= 0x04;
        flags |= static_cast<quint8>((fields.willQos & 0x3) << 3);
        if (fields.willRetain)
            flags |= 0x20;
    }
    if (!fields.password.isEmpty())
        flags |= 0x40;
    if (!fields.username.isEmpty())
        flags |= 0x80;
    body.append(static_cast<char>(flags));
    appendUint16(body, fields.keepAliveSeconds);
    appendString(body, fields.clientId.toUtf8());
    if (!fields.willTopic.isEmpty()) {
        appendString(body, fields.willTopic.toUtf8());
        appendString(body, fields.willPayload);
    }
    if (!fields.username.isEmpty())
        appendString(body, fields.username.toUtf8());
    if (!fields.password.isEmpty())
        appendString(body, fields.password.toUtf8());
    return frame(0x10, body);
}

QByteArray publish(const QString &topic, const QByteArray &payload, int qos, bool retain,
                   quint16 packetId, bool duplicate)
{
    QByteArray body;
    body.reserve(topic.size() + payload.size() + 4);
    appendString(body, topic.toUtf8());
    if (qos > 0)
        appendUint16(body, packetId);
    body.append(payload);
    quint8 first = 0x30 | static_cast<quint8>((qos & 0x3) << 1);
    if (retain)
        first |= 0x01;
    if (duplicate)
        first |= 0x08;
    return frame(first, body);
}

QByteArray puback(quint16 packetId)
{
    QByteArray body;
    appendUint16(body, packetId);
    return frame(0x40, body);
}

QByteArray subscribe(quint16 packetId, const QString &filter, int qos)
{
    QByteArray body;
    appendUint16(body, packetId);
    appendString(body, filter.toUtf8());
    body.append(static_cast<char>(qos));
    return frame(0x82, body); // SUBSCRIBE has the reserved flags 0010
}

QByteArray pingreq()
{
    return QByteArray("\xc0\x00", 2);
}

QByteArray disconnect()
{
    return QByteArray("\xe0\x00", 2);
}

} // namespace fleet::sim::MqttPacketEncoder
