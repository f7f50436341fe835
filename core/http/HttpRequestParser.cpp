#include "HttpRequestParser.h"

namespace fleet {

namespace {

// A chunk-size line ("1a;name=value") longer than this is not a real client.
constexpr qsizetype MaxChunkLineBytes = 4096;

bool isTokenChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text)
        if (!isTokenChar(c))
            return false;
    return true;
}

// Field values: visible ASCII, space, tab and obs-text; no other control characters.
bool isValidFieldValue(QByteArrayView value)
{
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

QByteArrayView trimmedOws(QByteArrayView text)
{
    qsizetype begin = 0;
    qsizetype end = text.size();
    while (begin < end && (text[begin] == ' ' || text[begin] == '\t'))
        ++begin;
    while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        --end;
    return text.sliced(begin, end - begin);
}

// Splits a comma-separated header list into trimmed, non-empty elements.
QList<QByteArrayView> listElements(QByteArrayView value)
{
    QList<QByteArrayView> elements;
    qsizetype start = 0;
    while (start <= value.size()) {
        qsizetype comma = value.indexOf(',', start);
        if (comma < 0)
            comma = value.size();
        const QByteArrayView element = trimmedOws(value.sliced(start, comma - start));
        if (!element.isEmpty())
            elements.append(element);
        start = comma + 1;
    }
    return elements;
}

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

} // namespace

HttpRequestParser::HttpRequestParser()
    : HttpRequestParser(Limits{})
{}

HttpRequestParser::HttpRequestParser(Limits limits)
    : m_limits(limits)
{}

void HttpRequestParser::append(QByteArrayView data)
{
    if (m_state == State::Failed)
        return; // nothing after a refusal is read
    compact();
    m_buffer.append(data);
}

bool HttpRequestParser::hasPartialRequest() const
{
    return m_state != State::Head || m_pos < m_buffer.size();
}

void HttpRequestParser::compact()
{
    if (m_pos == 0)
        return;
    if (m_pos >= m_buffer.size()) {
        m_buffer.clear();
        m_scanFrom = 0;
    } else {
        m_buffer.remove(0, m_pos);
        m_scanFrom = qMax<qsizetype>(0, m_scanFrom - m_pos);
    }
    m_pos = 0;
}

qsizetype HttpRequestParser::findLineEnd(qsizetype from) const
{
    return m_buffer.indexOf('\n', from);
}

HttpRequestParser::Step HttpRequestParser::fail(int status, const QString &message)
{
    m_state = State::Failed;
    m_errorStatus = status;
    m_error = message;
    m_buffer.clear();
    m_pos = 0;
    return Step::Error;
}

HttpRequestParser::Step HttpRequestParser::next()
{
    switch (m_state) {
    case State::Failed:
        return Step::Error;
    case State::Ready:
        return Step::Request;
    case State::Head:
        return parseHeadIfComplete();
    case State::Body:
        return readBody();
    case State::ChunkSize:
    case State::ChunkData:
    case State::ChunkDataEnd:
    case State::Trailers:
        return readChunked();
    }
    return Step::NeedMore;
}

HttpRequest HttpRequestParser::takeRequest()
{
    if (m_state != State::Ready)
        return {};
    HttpRequest request = std::move(m_request);
    m_request = HttpRequest();
    m_state = State::Head;
    m_chunked = false;
    m_expectContinue = false;
    m_continueAnswered = false;
    m_bodyRemaining = 0;
    m_trailerBytes = 0;
    m_scanFrom = m_pos;
    return request;
}

HttpRequestParser::Step HttpRequestParser::parseHeadIfComplete()
{
    // Empty lines before a request line are ignored (RFC 9112 2.2), e.g. a stray CRLF after a
    // body; they still count against the header limit so they cannot be sent forever.
    for (;;) {
        const qsizetype end = findLineEnd(m_scanFrom);
        if (end < 0)
            break;
        const bool lineIsEmpty =
            end == m_scanFrom || (end == m_scanFrom + 1 && m_buffer.at(m_scanFrom) == '\r');
        if (lineIsEmpty && m_scanFrom == m_pos) {
            m_pos = end + 1;
            m_scanFrom = m_pos;
            continue;
        }
        if (end + 1 - m_pos > m_limits.maxHeaderBytes)
            break;
        m_scanFrom = end + 1;
        if (lineIsEmpty) {
            const QByteArray head = m_buffer.sliced(m_pos, end + 1 - m_pos);
            m_pos = end + 1;
            return parseHead(head);
        }
    }
    // A method is a token: anything else at the start (a TLS hello on the plain port, binary
    // noise) is refused now, not after the header timeout.
    for (qsizetype i = m_pos; i < m_buffer.size(); ++i) {
        const char c = m_buffer.at(i);
        if (c == ' ' || (i == m_pos && (c == '\r' || c == '\n')))
            break;
        if (!isTokenChar(c))
            return fail(400, QStringLiteral("The request does not start with a method."));
    }
    const qint64 pending = m_buffer.size() - m_pos;
    if (pending > m_limits.maxHeaderBytes) {
        if (findLineEnd(m_pos) < 0 || findLineEnd(m_pos) - m_pos > m_limits.maxHeaderBytes)
            return fail(414, QStringLiteral("The request line is longer than %1 bytes.")
                                 .arg(m_limits.maxHeaderBytes));
        return fail(431, QStringLiteral("The request head is longer than %1 bytes.")
                             .arg(m_limits.maxHeaderBytes));
    }
    return Step::NeedMore;
}

HttpRequestParser::Step HttpRequestParser::parseHead(QByteArrayView head)
{
    bool first = true;
    qsizetype start = 0;
    while (start < head.size()) {
        const qsizetype end = head.indexOf('\n', start);
        QByteArrayView line = head.sliced(start, end - start);
        start = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.contains('\r'))
            return fail(400, QStringLiteral("A line of the request head has a bare CR."));
        if (line.isEmpty())
            break; // the end of the head
        if (first) {
            first = false;
            if (const Step step = parseRequestLine(line); step == Step::Error)
                return step;
            continue;
        }
        if (line.front() == ' ' || line.front() == '\t')
            return fail(400, QStringLiteral("Header lines folded over several lines are not "
                                            "accepted."));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon)))
            return fail(400, QStringLiteral("A header line is not \"name: value\"."));
        const QByteArrayView value = trimmedOws(line.sliced(colon + 1));
        if (!isValidFieldValue(value))
            return fail(400, QStringLiteral("A header value has control characters."));
        if (m_request.headers.size() >= m_limits.maxHeaderCount)
            return fail(431, QStringLiteral("The request has more than %1 headers.")
                                 .arg(m_limits.maxHeaderCount));
        m_request.headers.append({line.first(colon).toByteArray().toLower(), value.toByteArray()});
    }
    return applyFramingHeaders();
}

HttpRequestParser::Step HttpRequestParser::parseRequestLine(QByteArrayView line)
{
    const qsizetype firstSpace = line.indexOf(' ');
    const qsizetype secondSpace = firstSpace < 0 ? -1 : line.indexOf(' ', firstSpace + 1);
    if (firstSpace <= 0 || secondSpace < 0 || line.indexOf(' ', secondSpace + 1) >= 0)
        return fail(400, QStringLiteral("The request line is not \"METHOD target HTTP/1.x\"."));
    const QByteArrayView method = line.first(firstSpace);
    const QByteArrayView target = line.sliced(firstSpace + 1, secondSpace - firstSpace - 1);
    const QByteArrayView version = line.sliced(secondSpace + 1);
    if (!isToken(method))
        return fail(400, QStringLiteral("The request method is not a token."));
    if (target.isEmpty())
        return fail(400, QStringLiteral("The request target is empty."));
    for (const char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f)
            return fail(400, QStringLiteral("The request target has characters that must be "
                                            "percent-encoded."));
    }
    const bool originForm = target.front() == '/';
    const bool asterisk = target == "*" && method == "OPTIONS";
    const bool absoluteForm =
        target.size() > 8 && (target.startsWith("http://") || target.startsWith("https://"));
    if (!originForm && !asterisk && !absoluteForm)
        return fail(400, QStringLiteral("The request target is not a path."));
    if (version.size() != 8 || !version.startsWith("HTTP/") || !isDigit(version[5]) ||
        version[6] != '.' || !isDigit(version[7]))
        return fail(400, QStringLiteral("The request line has no valid HTTP version."));
    if (version[5] != '1')
        return fail(505, QStringLiteral("Only HTTP/1.0 and HTTP/1.1 are supported."));
    m_request.method = method.toByteArray();
    m_request.target = target.toByteArray();
    // A later HTTP/1.x minor version is answered as HTTP/1.1 (RFC 9110 6.2).
    m_request.versionMinor = version[7] == '0' ? 0 : 1;
    return Step::NeedMore;
}

HttpRequestParser::Step HttpRequestParser::applyFramingHeaders()
{
    if (m_request.method.isEmpty())
        return fail(400, QStringLiteral("The request has no request line."));
    QByteArray contentLength;
    bool hasContentLength = false;
    QList<QByteArrayView> codings;
    bool hasTransferEncoding = false;
    int hosts = 0;
    bool close = false;
    bool keepAliveToken = false;
    for (const auto &[name, value] : std::as_const(m_request.headers)) {
        if (name == "content-length") {
            // Repeated or listed lengths are accepted only when they all agree (RFC 9110 8.6).
            const QList<QByteArrayView> values = listElements(value);
            if (values.isEmpty())
                return fail(400, QStringLiteral("Content-Length is empty."));
            for (const QByteArrayView v : values) {
                if (hasContentLength && v != contentLength)
                    return fail(400, QStringLiteral("Content-Length values disagree."));
                for (const char c : v)
                    if (!isDigit(c))
                        return fail(400, QStringLiteral("Content-Length is not a number."));
                contentLength = v.toByteArray();
                hasContentLength = true;
            }
        } else if (name == "transfer-encoding") {
            hasTransferEncoding = true;
            codings += listElements(value);
        } else if (name == "host") {
            ++hosts;
        } else if (name == "connection") {
            for (const QByteArrayView option : listElements(value)) {
                if (equalsIgnoringCase(option, "close"))
                    close = true;
                else if (equalsIgnoringCase(option, "keep-alive"))
                    keepAliveToken = true;
            }
        } else if (name == "expect") {
            if (!equalsIgnoringCase(value, "100-continue"))
                return fail(417, QStringLiteral("Only \"Expect: 100-continue\" is supported."));
            m_expectContinue = m_request.versionMinor >= 1;
        }
    }
    if (hosts > 1)
        return fail(400, QStringLiteral("The request has more than one Host header."));
    m_request.keepAlive = !close && (m_request.versionMinor >= 1 || keepAliveToken);

    if (hasTransferEncoding) {
        // Both framings at once is how requests get smuggled past proxies: refuse it.
        if (hasContentLength)
            return fail(400, QStringLiteral("The request has both Content-Length and "
                                            "Transfer-Encoding."));
        if (m_request.versionMinor == 0)
            return fail(400, QStringLiteral("Transfer-Encoding is not defined for HTTP/1.0."));
        if (codings.isEmpty())
            return fail(400, QStringLiteral("Transfer-Encoding is empty."));
        for (qsizetype i = 0; i < codings.size(); ++i) {
            if (!equalsIgnoringCase(codings[i], "chunked"))
                return fail(501, QStringLiteral("Transfer-Encoding \"%1\" is not supported.")
                                     .arg(QString::fromLatin1(codings[i].toByteArray())));
            if (i != codings.size() - 1)
                return fail(400, QStringLiteral("\"chunked\" is applied more than once."));
        }
        m_chunked = true;
        m_state = State::ChunkSize;
        return finishHead();
    }
    qint64 length = 0;
    if (hasContentLength) {
        // At most 18 digits fit in a qint64; anything longer is beyond every limit anyway.
        if (contentLength.size() > 18 || contentLength.toLongLong() > m_limits.maxBodyBytes)
            return fail(413, QStringLiteral("The request body is larger than %1 bytes.")
                                 .arg(m_limits.maxBodyBytes));
        length = contentLength.toLongLong();
    }
    m_bodyRemaining = length;
    if (length == 0) {
        m_expectContinue = false;
        return complete();
    }
    m_request.body.reserve(length);
    m_state = State::Body;
    return finishHead();
}

HttpRequestParser::Step HttpRequestParser::finishHead()
{
    const Step step = next();
    if (step == Step::NeedMore && m_expectContinue && !m_continueAnswered) {
        m_continueAnswered = true;
        return Step::SendContinue;
    }
    return step;
}

HttpRequestParser::Step HttpRequestParser::complete()
{
    m_state = State::Ready;
    return Step::Request;
}

HttpRequestParser::Step HttpRequestParser::readBody()
{
    const qint64 available = m_buffer.size() - m_pos;
    const qint64 take = qMin(available, m_bodyRemaining);
    if (take > 0) {
        m_request.body.append(m_buffer.constData() + m_pos, take);
        m_pos += take;
        m_bodyRemaining -= take;
    }
    if (m_bodyRemaining > 0)
        return Step::NeedMore;
    return complete();
}

HttpRequestParser::Step HttpRequestParser::readChunked()
{
    for (;;) {
        switch (m_state) {
        case State::ChunkSize: {
            const qsizetype end = findLineEnd(m_pos);
            const qsizetype maxLine = qMin<qsizetype>(MaxChunkLineBytes, m_limits.maxHeaderBytes);
            if (end < 0) {
                if (m_buffer.size() - m_pos > maxLine)
                    return fail(400, QStringLiteral("A chunk size line is too long."));
                return Step::NeedMore;
            }
            if (end - m_pos > maxLine)
                return fail(400, QStringLiteral("A chunk size line is too long."));
            QByteArrayView line(m_buffer.constData() + m_pos, end - m_pos);
            m_pos = end + 1;
            if (line.endsWith('\r'))
                line.chop(1);
            if (!isValidFieldValue(line))
                return fail(400, QStringLiteral("A chunk size line has control characters."));
            qsizetype digits = 0;
            qint64 size = 0;
            while (digits < line.size()) {
                const char c = line[digits];
                int value = -1;
                if (isDigit(c))
                    value = c - '0';
                else if (c >= 'a' && c <= 'f')
                    value = c - 'a' + 10;
                else if (c >= 'A' && c <= 'F')
                    value = c - 'A' + 10;
                if (value < 0)
                    break;
                if (size > (m_limits.maxBodyBytes >> 4) + 1)
                    return fail(413, QStringLiteral("The request body is larger than %1 bytes.")
                                         .arg(m_limits.maxBodyBytes));
                size = size * 16 + value;
                ++digits;
            }
            if (digits == 0)
                return fail(400, QStringLiteral("A chunk has no size."));
            const QByteArrayView rest = trimmedOws(line.sliced(digits));
            if (!rest.isEmpty() && rest.front() != ';')
                return fail(400, QStringLiteral("A chunk size is not hexadecimal."));
            if (size > m_limits.maxBodyBytes - m_request.body.size())
                return fail(413, QStringLiteral("The request body is larger than %1 bytes.")
                                     .arg(m_limits.maxBodyBytes));
            if (size == 0) {
                m_state = State::Trailers;
                break;
            }
            m_bodyRemaining = size;
            m_state = State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qint64 take = qMin<qint64>(m_buffer.size() - m_pos, m_bodyRemaining);
            if (take > 0) {
                m_request.body.append(m_buffer.constData() + m_pos, take);
                m_pos += take;
                m_bodyRemaining -= take;
            }
            if (m_bodyRemaining > 0)
                return Step::NeedMore;
            m_state = State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd: {
            const qsizetype available = m_buffer.size() - m_pos;
            if (available < 1)
                return Step::NeedMore;
            if (m_buffer.at(m_pos) == '\n') {
                m_pos += 1;
            } else if (m_buffer.at(m_pos) == '\r') {
                if (available < 2)
                    return Step::NeedMore;
                if (m_buffer.at(m_pos + 1) != '\n')
                    return fail(400, QStringLiteral("A chunk does not end with CRLF."));
                m_pos += 2;
            } else {
                return fail(400, QStringLiteral("A chunk is longer than its size."));
            }
            m_state = State::ChunkSize;
            break;
        }
        case State::Trailers: {
            // Trailer fields are read, bounded and dropped: nothing here needs them.
            const qsizetype end = findLineEnd(m_pos);
            if (end < 0) {
                if (m_trailerBytes + (m_buffer.size() - m_pos) > m_limits.maxHeaderBytes)
                    return fail(431, QStringLiteral("The chunked trailers are too long."));
                return Step::NeedMore;
            }
            m_trailerBytes += end + 1 - m_pos;
            if (m_trailerBytes > m_limits.maxHeaderBytes)
                return fail(431, QStringLiteral("The chunked trailers are too long."));
            QByteArrayView line(m_buffer.constData() + m_pos, end - m_pos);
            m_pos = end + 1;
            if (line.endsWith('\r'))
                line.chop(1);
            if (line.isEmpty())
                return complete();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.first(colon)) || !isValidFieldValue(line))
                return fail(400, QStringLiteral("A chunked trailer line is not \"name: value\"."));
            break;
        }
        default:
            return next();
        }
    }
}

} // namespace fleet
