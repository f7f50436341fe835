#include "JsonFieldReader.h"

#include <QJsonDocument>
#include <QStringDecoder>
#include <cmath>

namespace fleet {

namespace {

// The deepest nesting of arrays and objects, counted outside strings. Stops early once the
// limit is passed; unbalanced brackets are left for the JSON parser to report.
int nestingDepth(const QByteArray &bytes, int limit)
{
    int depth = 0;
    int deepest = 0;
    bool inString = false;
    bool escaped = false;
    for (char c : bytes) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit)
                return deepest;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

// RFC 3339 date-time as ISO 8601 spells it, always with a zone: a timestamp without one would
// be read in whatever zone the reader happens to be in. The shape is
// dddd-dd-ddTdd:dd:dd(.d{1,3})?(Z|[+-]dd:dd), checked by hand rather than with a regular
// expression: every heartbeat carries one, and this runs tens of thousands of times a second.
bool hasTimestampShape(const QString &text)
{
    const auto digits = [&text](qsizetype from, qsizetype count) {
        if (from + count > text.size())
            return false;
        for (qsizetype i = from; i < from + count; ++i)
            if (text.at(i).unicode() < '0' || text.at(i).unicode() > '9')
                return false;
        return true;
    };
    const auto is = [&text](qsizetype at, char c) {
        return at < text.size() && text.at(at).unicode() == char16_t(c);
    };
    if (!(digits(0, 4) && is(4, '-') && digits(5, 2) && is(7, '-') && digits(8, 2) && is(10, 'T') &&
          digits(11, 2) && is(13, ':') && digits(14, 2) && is(16, ':') && digits(17, 2)))
        return false;
    qsizetype at = 19;
    if (is(at, '.')) {
        qsizetype fraction = 0;
        while (fraction < 4 && digits(at + 1 + fraction, 1))
            ++fraction;
        if (fraction < 1 || fraction > 3)
            return false;
        at += 1 + fraction;
    }
    if (is(at, 'Z'))
        return at + 1 == text.size();
    return (is(at, '+') || is(at, '-')) && digits(at + 1, 2) && is(at + 3, ':') &&
           digits(at + 4, 2) && at + 6 == text.size();
}

// True when every byte is printable-range ASCII or whitespace, i.e. valid UTF-8 without NUL;
// most payloads are, and they need no decoding to be checked.
bool isPlainAscii(const QByteArray &bytes)
{
    for (const char c : bytes)
        if (static_cast<unsigned char>(c) >= 0x80 || c == 0)
            return false;
    return true;
}

} // namespace

Result<QJsonObject> JsonFieldReader::decodeObject(const QByteArray &payload, qsizetype maxBytes,
                                                  int maxDepth)
{
    if (payload.size() > maxBytes)
        return Error::invalid(QStringLiteral("payload too large (%1 bytes; limit %2 bytes)")
                                  .arg(payload.size())
                                  .arg(maxBytes));
    if (payload.isEmpty())
        return Error::invalid(QStringLiteral("empty payload (expected a JSON object)"));
    if (!isPlainAscii(payload)) {
        QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString decoded = utf8.decode(payload);
        if (utf8.hasError() || decoded.contains(QChar(0)))
            return Error::invalid(QStringLiteral("payload is not valid UTF-8 text"));
    }
    if (nestingDepth(payload, maxDepth) > maxDepth)
        return Error::invalid(
            QStringLiteral("payload nested too deeply (limit %1 levels of arrays and objects)")
                .arg(maxDepth));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(payload, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error::invalid(QStringLiteral("payload is not valid JSON: %1 at byte %2")
                                  .arg(parseError.errorString())
                                  .arg(parseError.offset));
    if (!document.isObject())
        return Error::invalid(
            QStringLiteral("payload must be a JSON object, not %1")
                .arg(document.isArray() ? QStringLiteral("an array") : QStringLiteral("a scalar")));
    return document.object();
}

JsonFieldReader::JsonFieldReader(QJsonObject object, QString path)
    : m_object(std::move(object))
    , m_path(std::move(path))
{}

void JsonFieldReader::fail(const QString &message)
{
    if (!m_error)
        m_error = Error::invalid(message);
}

QString JsonFieldReader::fieldName(const QString &key) const
{
    return QLatin1Char('"') + (m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key) +
           QLatin1Char('"');
}

QString JsonFieldReader::childPath(const QString &key, qsizetype index) const
{
    QString path = m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key;
    if (index >= 0)
        path += QStringLiteral("[%1]").arg(index);
    return path;
}

const QJsonValue *JsonFieldReader::present(const QString &key, Need need)
{
    const bool firstAsk = !m_known.contains(key);
    if (firstAsk)
        m_known.append(key);
    const auto it = m_object.constFind(key);
    if (it == m_object.constEnd()) {
        if (need == Need::Required)
            fail(QStringLiteral("field %1 is missing").arg(fieldName(key)));
        return nullptr;
    }
    if (firstAsk)
        ++m_knownPresent;
    m_current = it.value();
    return &m_current;
}

void JsonFieldReader::wrongType(const QString &key, const QString &expected)
{
    fail(QStringLiteral("field %1 must be %2, not %3")
             .arg(fieldName(key), expected, typeName(m_current)));
}

void JsonFieldReader::string(const QString &key, Need need, QString *out, qsizetype maxLength)
{
    const QJsonValue *value = present(key, need);
    if (!value)
        return;
    if (!value->isString())
        return wrongType(key, QStringLiteral("a string"));
    const QString text = value->toString();
    if (text.size() > maxLength)
        return fail(QStringLiteral("field %1 is too long (%2 characters; limit %3)")
                        .arg(fieldName(key))
                        .arg(text.size())
                        .arg(maxLength));
    *out = text;
}

void JsonFieldReader::choice(const QString &key, Need need, const QStringList &allowed,
                             QString *out)
{
    const QJsonValue *value = present(key, need);
    if (!value)
        return;
    if (!value->isString())
        return wrongType(key, QStringLiteral("one of %1").arg(allowed.join(QStringLiteral(", "))));
    const QString text = value->toString();
    if (!allowed.contains(text))
        return fail(QStringLiteral("field %1 is \"%2\"; expected one of %3")
                        .arg(fieldName(key), text.left(64), allowed.join(QStringLiteral(", "))));
    *out = text;
}

void JsonFieldReader::integer(const QString &key, Need need, qint64 min, qint64 max, qint64 *out)
{
    const QJsonValue *value = present(key, need);
    if (!value)
        return;
    // Only formatted when something is wrong: integers are read for every message.
    const auto expected = [min, max] {
        return QStringLiteral("an integer from %1 to %2").arg(min).arg(max);
    };
    if (!value->isDouble())
        return wrongType(key, expected());
    const double number = value->toDouble();
    if (!std::isfinite(number) || std::floor(number) != number ||
        number < static_cast<double>(min) || number > static_cast<double>(max))
        return fail(QStringLiteral("field %1 must be %2, not %3")
                        .arg(fieldName(key), expected(), QString::number(number, 'g', 17)));
    const qint64 integral = value->toInteger(min - 1);
    // The double comparison above rounds near the bounds; the exact value decides.
    if (integral < min || integral > max)
        return fail(QStringLiteral("field %1 must be %2").arg(fieldName(key), expected()));
    *out = integral;
}

void JsonFieldReader::timestamp(const QString &key, Need need, QDateTime *out)
{
    const QJsonValue *value = present(key, need);
    if (!value)
        return;
    const QString expected =
        QStringLiteral("an ISO 8601 date and time with a zone, like \"2026-03-02T09:00:00Z\"");
    if (!value->isString())
        return wrongType(key, expected);
    const QString text = value->toString();
    const QDateTime time = parseTimestamp(text);
    if (!time.isValid())
        return fail(QStringLiteral("field %1 must be %2, not \"%3\"")
                        .arg(fieldName(key), expected, text.left(64)));
    *out = time.toUTC();
}

QDateTime JsonFieldReader::parseTimestamp(const QString &text)
{
    if (!hasTimestampShape(text))
        return {};
    // Every report carries one, nearly always in UTC ("...Z"): built from its digits directly,
    // since QDateTime::fromString took a third of a heartbeat's parsing. Whatever QDate or QTime
    // refuse (24:00:00, a leap second, 30 February) is left to fromString, whose verdict it
    // stays; tst_jsonfieldreader checks both agree.
    if (text.back() == u'Z') {
        const auto number = [&text](qsizetype from, qsizetype count) {
            int n = 0;
            for (qsizetype i = from; i < from + count; ++i)
                n = n * 10 + (text.at(i).unicode() - u'0');
            return n;
        };
        int ms = 0;
        if (text.at(19) == u'.') {
            // One to three digits (the shape says): a fraction of a second.
            const qsizetype digits = text.size() - 21;
            ms = number(20, digits) * (digits == 1 ? 100 : digits == 2 ? 10 : 1);
        }
        const QDate date(number(0, 4), number(5, 2), number(8, 2));
        const QTime time(number(11, 2), number(14, 2), number(17, 2), ms);
        if (date.isValid() && time.isValid())
            return QDateTime(date, time, Qt::UTC);
    }
    return QDateTime::fromString(text, Qt::ISODateWithMs);
}

void JsonFieldReader::object(const QString &key, Need need, QJsonObject *out)
{
    const QJsonValue *value = present(key, need);
    if (!value)
        return;
    if (!value->isObject())
        return wrongType(key, QStringLiteral("an object"));
    *out = value->toObject();
}

void JsonFieldReader::array(const QString &key, Need need, qsizetype maxItems, QJsonArray *out)
{
    const QJsonValue *value = present(key, need);
    if (!value)
        return;
    if (!value->isArray())
        return wrongType(key, QStringLiteral("an array"));
    const QJsonArray items = value->toArray();
    if (items.size() > maxItems)
        return fail(QStringLiteral("field %1 has too many entries (%2; limit %3)")
                        .arg(fieldName(key))
                        .arg(items.size())
                        .arg(maxItems));
    *out = items;
}

QJsonObject JsonFieldReader::unknownFields() const
{
    // The usual case, every field asked for, without going through the keys (each would be
    // copied out of the object).
    if (m_knownPresent == m_object.size())
        return {};
    QJsonObject unknown;
    for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it)
        if (!m_known.contains(it.key()))
            unknown.insert(it.key(), it.value());
    return unknown;
}

QString JsonFieldReader::typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("undefined");
}

} // namespace fleet
