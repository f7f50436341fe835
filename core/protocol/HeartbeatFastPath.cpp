#include "HeartbeatFastPath.h"

#include "protocol/DevicePayloadParser.h"
#include "protocol/DeviceTopic.h"
#include "protocol/JsonFieldReader.h"

#include <QLatin1StringView>

namespace fleet {

namespace {

// A cursor over the payload. Every read returns false for what it does not handle; the caller
// then gives up (std::nullopt), so none of them has to be complete, only exact.
class Scanner
{
public:
    explicit Scanner(const QByteArray &bytes)
        : m_at(bytes.constData())
        , m_end(bytes.constData() + bytes.size())
    {}

    void skipSpace()
    {
        while (m_at < m_end && (*m_at == ' ' || *m_at == '\t' || *m_at == '\n' || *m_at == '\r'))
            ++m_at;
    }
    bool take(char c)
    {
        skipSpace();
        if (m_at == m_end || *m_at != c)
            return false;
        ++m_at;
        return true;
    }
    bool atEnd()
    {
        skipSpace();
        return m_at == m_end;
    }
    // A string of printable ASCII without escapes.
    bool string(QLatin1StringView *out)
    {
        if (!take('"'))
            return false;
        const char *start = m_at;
        for (; m_at < m_end; ++m_at) {
            const auto c = static_cast<unsigned char>(*m_at);
            if (c == '"') {
                *out = QLatin1StringView(start, m_at - start);
                ++m_at;
                return true;
            }
            if (c == '\\' || c < 0x20 || c >= 0x7f)
                return false;
        }
        return false;
    }
    // An integer in [min, max] written as JSON's plainest form: optional minus, digits, no
    // leading zero, no fraction or exponent (those are left to the general parser; a fraction
    // or exponent is not followed by ',' '}' or ']', so the caller's next take() fails).
    bool integer(qint64 min, qint64 max, qint64 *out)
    {
        skipSpace();
        const bool negative = m_at < m_end && *m_at == '-';
        if (negative)
            ++m_at;
        const char *start = m_at;
        qint64 value = 0;
        while (m_at < m_end && *m_at >= '0' && *m_at <= '9') {
            if (m_at - start == 16) // beyond 2^53 - 1 anyway
                return false;
            value = value * 10 + (*m_at - '0');
            ++m_at;
        }
        const auto digits = m_at - start;
        if (digits == 0 || (digits > 1 && *start == '0') || (negative && value == 0))
            return false;
        if (negative)
            value = -value;
        if (value < min || value > max)
            return false;
        *out = value;
        return true;
    }

private:
    const char *m_at;
    const char *m_end;
};

// One entry of "checks": name and status required, detail optional, nothing else.
bool readCheck(Scanner &in, HealthCheck *check)
{
    static const QString ok = QStringLiteral("ok");
    static const QString warn = QStringLiteral("warn");
    static const QString fail = QStringLiteral("fail");
    if (!in.take('{'))
        return false;
    bool hasName = false, hasStatus = false, hasDetail = false;
    do {
        QLatin1StringView key, value;
        if (!in.string(&key) || !in.take(':') || !in.string(&value))
            return false;
        if (key == QLatin1StringView("name") && !hasName) {
            hasName = true;
            check->name = QString(value);
            if (check->name.size() > 64 || check->name.trimmed().isEmpty())
                return false;
        } else if (key == QLatin1StringView("status") && !hasStatus) {
            hasStatus = true;
            if (value == ok)
                check->status = ok;
            else if (value == warn)
                check->status = warn;
            else if (value == fail)
                check->status = fail;
            else
                return false;
        } else if (key == QLatin1StringView("detail") && !hasDetail) {
            hasDetail = true;
            if (value.size() > 1024)
                return false;
            check->detail = QString(value);
        } else {
            return false;
        }
    } while (in.take(','));
    return in.take('}') && hasName && hasStatus;
}

bool readChecks(Scanner &in, QList<HealthCheck> *checks)
{
    if (!in.take('['))
        return false;
    if (in.take(']'))
        return true;
    // Devices send a few: one allocation instead of growing one by one.
    checks->reserve(4);
    do {
        if (checks->size() == DevicePayloadParser::maxHealthChecks)
            return false;
        HealthCheck check;
        if (!readCheck(in, &check))
            return false;
        checks->append(std::move(check));
    } while (in.take(','));
    return in.take(']');
}

} // namespace

std::optional<HeartbeatReport> HeartbeatFastPath::parse(const QString &topicDeviceId,
                                                        const QByteArray &payload)
{
    if (payload.isEmpty() || payload.size() > DevicePayloadParser::maxPayloadBytes)
        return std::nullopt;
    enum Field : unsigned {
        V = 1,
        Seq = 2,
        Ts = 4,
        DeviceId = 8,
        Uptime = 16,
        FreeMemory = 32,
        Signal = 64,
        Checks = 128
    };
    constexpr qint64 maxSafe = JsonFieldReader::maxSafeInteger;
    Scanner in(payload);
    HeartbeatReport report;
    unsigned seen = 0;
    // Each field once: a repeated key is left to the general parser.
    const auto first = [&seen](Field f) {
        if (seen & f)
            return false;
        seen |= f;
        return true;
    };
    if (!in.take('{'))
        return std::nullopt;
    do {
        QLatin1StringView key;
        if (!in.string(&key) || !in.take(':'))
            return std::nullopt;
        qint64 number = 0;
        bool read = false;
        if (key == QLatin1StringView("v")) {
            read = first(V) && in.integer(0, maxSafe, &number) &&
                   number == DeviceTopic::protocolVersion;
        } else if (key == QLatin1StringView("seq")) {
            read = first(Seq) && in.integer(0, maxSafe, &report.header.seq);
        } else if (key == QLatin1StringView("ts")) {
            QLatin1StringView text;
            read = first(Ts) && in.string(&text);
            if (read) {
                const QDateTime time = JsonFieldReader::parseTimestamp(QString(text));
                read = time.isValid();
                report.header.timestamp = time.toUTC();
            }
        } else if (key == QLatin1StringView("device_id")) {
            QLatin1StringView id;
            read = first(DeviceId) && in.string(&id) && id == topicDeviceId;
        } else if (key == QLatin1StringView("uptime_s")) {
            read = first(Uptime) && in.integer(0, maxSafe, &report.uptimeSeconds);
        } else if (key == QLatin1StringView("free_memory_bytes")) {
            read = first(FreeMemory) && in.integer(0, maxSafe, &number);
            report.freeMemoryBytes = number;
        } else if (key == QLatin1StringView("signal_dbm")) {
            read = first(Signal) && in.integer(-150, 0, &number);
            report.signalDbm = int(number);
        } else if (key == QLatin1StringView("checks")) {
            read = first(Checks) && readChecks(in, &report.checks);
        }
        if (!read)
            return std::nullopt;
    } while (in.take(','));
    const unsigned required = V | Seq | Ts | Uptime;
    if (!in.take('}') || !in.atEnd() || (seen & required) != required)
        return std::nullopt;
    report.header.deviceId = topicDeviceId;
    return report;
}

} // namespace fleet
