#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

namespace fleet::sim {

// Cuts the byte stream from an MQTT 3.1.1 broker into packets (fixed header + body). Bytes are
// fed as they arrive; a packet is handed out only once it is complete. Anything a well-behaved
// broker never sends (a remaining length longer than four bytes, a packet type a client cannot
// receive, flags the type forbids, a packet above the size bound) is an error with a message,
// after which the reader takes no more bytes: the connection has to be closed.
class MqttFrameReader
{
public:
    enum class Type : quint8 {
        Connack = 2,
        Publish = 3,
        Puback = 4,
        Pubrec = 5,
        Pubrel = 6,
        Pubcomp = 7,
        Suback = 9,
        Unsuback = 11,
        Pingresp = 13,
    };

    struct Frame
    {
        Type type = Type::Connack;
        quint8 flags = 0; // low nibble of the first byte
        QByteArray body;  // variable header and payload
    };

    // A bound well above any job message, so a broken or hostile peer cannot make a device
    // buffer without limit.
    static constexpr int DefaultMaxPacketSize = 1024 * 1024;

    explicit MqttFrameReader(int maxPacketSize = DefaultMaxPacketSize);

    void append(const QByteArray &bytes);
    // The next complete packet, or nothing when more bytes are needed or the stream is broken
    // (check hasError()).
    std::optional<Frame> next();
    bool hasError() const { return !m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    // Bytes received that do not form a whole packet yet (a connection that ends with some is
    // cut off in the middle of a packet).
    qsizetype pendingBytes() const { return m_buffer.size() - m_offset; }
    void clear();

private:
    bool fail(QString message);

    int m_maxPacketSize;
    QByteArray m_buffer;
    qsizetype m_offset = 0; // start of the first unread packet in m_buffer
    QString m_error;
};

} // namespace fleet::sim
