#include "PollClient.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QSslSocket>
#include <QTimer>
#include <memory>
#include <vector>

namespace fleet::bench {

namespace {

// One keep-alive connection: request, read the whole answer (headers + Content-Length body),
// request again.
class Connection
{
public:
    Connection(quint16 port, const QList<PollClient::Request> &requests, int first, int stride,
               PollClient::Result &result, const bool &counting)
        : m_requests(requests)
        , m_next(first)
        , m_stride(stride)
        , m_result(result)
        , m_counting(counting)
    {
        m_socket.setPeerVerifyMode(QSslSocket::VerifyNone);
        QObject::connect(&m_socket, &QSslSocket::encrypted, [this] {
            m_connected = true;
            send();
        });
        QObject::connect(&m_socket, &QSslSocket::readyRead, [this] { read(); });
        QObject::connect(&m_socket, &QSslSocket::disconnected, [this] {
            if (m_counting)
                ++m_result.failed;
            m_connected = false;
        });
        m_socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_port = port);
    }
    bool connected() const { return m_connected; }

private:
    void send()
    {
        const PollClient::Request &r = m_requests.at(m_next % m_requests.size());
        m_next += m_stride;
        QByteArray head =
            "GET " + r.path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port) + "\r\n";
        if (!r.authorization.isEmpty())
            head += "Authorization: " + r.authorization + "\r\n";
        head += "\r\n";
        m_socket.write(head);
        m_buffer.clear();
        m_bodyStart = -1;
    }
    void read()
    {
        m_buffer += m_socket.readAll();
        if (m_bodyStart < 0) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            m_bodyStart = end + 4;
            const QByteArray head = m_buffer.left(end).toLower();
            m_status = head.mid(9, 3).toInt();
            const qsizetype cl = head.indexOf("content-length:");
            m_length =
                cl < 0 ? 0
                       : head.mid(cl + 15, head.indexOf('\r', cl) - cl - 15).trimmed().toLongLong();
        }
        if (m_buffer.size() - m_bodyStart < m_length)
            return;
        if (m_counting) {
            if (m_status >= 200 && m_status < 300)
                ++m_result.ok;
            else
                ++m_result.failed;
        }
        send();
    }

    QSslSocket m_socket;
    const QList<PollClient::Request> &m_requests;
    qint64 m_next;
    int m_stride;
    PollClient::Result &m_result;
    const bool &m_counting;
    quint16 m_port = 0;
    bool m_connected = false;
    QByteArray m_buffer;
    qsizetype m_bodyStart = -1;
    qint64 m_length = 0;
    int m_status = 0;
};

} // namespace

PollClient::Result PollClient::run(quint16 port, const QList<Request> &requests, int connections,
                                   double seconds)
{
    Result result;
    bool counting = false;
    std::vector<std::unique_ptr<Connection>> sockets;
    for (int i = 0; i < connections; ++i)
        sockets.push_back(
            std::make_unique<Connection>(port, requests, i, connections, result, counting));
    // Warm-up: every connection has shaken hands (or 10 s passed).
    QEventLoop loop;
    QTimer check;
    QElapsedTimer warm;
    warm.start();
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        int up = 0;
        for (const auto &s : sockets)
            up += s->connected() ? 1 : 0;
        if (up == connections || warm.elapsed() > 10000)
            loop.quit();
    });
    check.start(10);
    loop.exec();
    check.stop();
    counting = true;
    QElapsedTimer measured;
    measured.start();
    QTimer::singleShot(int(seconds * 1000), &loop, &QEventLoop::quit);
    loop.exec();
    counting = false;
    result.seconds = measured.elapsed() / 1000.0;
    sockets.clear();
    return result;
}

} // namespace fleet::bench
