#include "MqttFrameReader.h"

namespace fleet::sim {

namespace {

// The flags MQTT 3.1.1 (section 2.2.2) requires in the first byte of each packet type a client
// receives; PUBLISH carries its own flags and is checked separately.
int requiredFlags(MqttFrameReader::Type type)
{
    return type == MqttFrameReader::Type::Pubrel ? 0x2 : 0x0;
}

bool isReceivableType(int type)
{
    switch (type) {
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 9:
    case 11:
    case 13:
        return true;
    default:
        return false;
    }
}

} // namespace

MqttFrameReader::MqttFrameReader(int maxPacketSize)
    : m_maxPacketSize(maxPacketSize)
{}

void MqttFrameReader::append(const QByteArray &bytes)
{
    if (hasError())
        return;
    // Drop what was consumed before growing the buffer, so it holds at most one packet plus
    // one read.
    if (m_offset > 0) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(bytes);
}

void MqttFrameReader::clear()
{
    m_buffer.clear();
    m_offset = 0;
    m_error.clear();
}

bool MqttFrameReader::fail(QString message)
{
    m_error = std::move(message);
    m_buffer.clear();
    m_offset = 0;
    return false;
}

std::optional<MqttFrameReader::Frame> MqttFrameReader::next()
{
    if (hasError())
        return std::nullopt;
    const qsizetype available = m_buffer.size() - m_offset;
    if (available < 2)
        return std::nullopt;
    const auto *data = reinterpret_cast<const quint8 *>(m_buffer.constData() + m_offset);
    const int type = data[0] >> 4;
    const quint8 flags = data[0] & 0x0f;
    if (!isReceivableType(type)) {
        fail(QStringLiteral("malformed packet from the broker: packet type %1 is not one a "
                            "client receives")
                 .arg(type));
        return std::nullopt;
    }
    const auto frameType = static_cast<Type>(type);
    if (frameType == Type::Publish) {
        if (((flags >> 1) & 0x3) == 3) {
            fail(QStringLiteral("malformed packet from the broker: PUBLISH with QoS 3"));
            return std::nullopt;
        }
    } else if (flags != requiredFlags(frameType)) {
        fail(QStringLiteral("malformed packet from the broker: type %1 with reserved flags %2")
                 .arg(type)
                 .arg(flags));
        return std::nullopt;
    }
    // Remaining length: seven bits per byte, low group first, at most four bytes (2.2.3).
    qint64 length = 0;
    int used = 0;
    for (;;) {
        if (used == 4) {
            fail(QStringLiteral("malformed packet from the broker: the remaining length is "
                                "longer than four bytes"));
            return std::nullopt;
        }
        if (1 + used >= available)
            return std::nullopt; // the length itself is not complete yet
        const quint8 byte = data[1 + used];
        length |= static_cast<qint64>(byte & 0x7f) << (7 * used);
        ++used;
        if ((byte & 0x80) == 0)
            break;
    }
    if (length > m_maxPacketSize) {
        fail(QStringLiteral("packet from the broker too large: %1 bytes, the limit is %2")
                 .arg(length)
                 .arg(m_maxPacketSize));
        return std::nullopt;
    }
    const qsizetype headerSize = 1 + used;
    if (available < headerSize + length)
        return std::nullopt;
    Frame frame;
    frame.type = frameType;
    frame.flags = flags;
    frame.body = m_buffer.mid(m_offset + headerSize, static_cast<qsizetype>(length));
    m_offset += headerSize + length;
    if (m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    }
    return frame;
}

} // namespace fleet::sim
