#include "HttpByteRange.h"

#include <optional>

namespace fleet {

namespace {

std::optional<qint64> parseNumber(QByteArrayView digits)
{
    // 18 digits always fit in a qint64; longer positions are beyond any file served here.
    if (digits.isEmpty() || digits.size() > 18)
        return std::nullopt;
    qint64 value = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

} // namespace

HttpByteRange HttpByteRange::parse(QByteArrayView rangeHeader, qint64 size)
{
    HttpByteRange whole;
    whole.length = size;
    const QByteArrayView value = trimmed(rangeHeader);
    constexpr QByteArrayView unit("bytes=");
    if (value.size() <= unit.size() || value.first(unit.size()).compare(unit, Qt::CaseInsensitive))
        return whole;
    const QByteArrayView spec = trimmed(value.sliced(unit.size()));
    if (spec.contains(','))
        return whole; // several ranges: the whole file is a valid answer
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return whole;
    const QByteArrayView first = trimmed(spec.first(dash));
    const QByteArrayView last = trimmed(spec.sliced(dash + 1));
    HttpByteRange unsatisfiable;
    unsatisfiable.kind = Kind::Unsatisfiable;

    if (first.isEmpty()) { // "-n": the last n bytes
        const auto suffix = parseNumber(last);
        if (!suffix)
            return whole;
        if (*suffix == 0 || size == 0)
            return unsatisfiable;
        HttpByteRange range;
        range.kind = Kind::Partial;
        range.length = qMin(*suffix, size);
        range.start = size - range.length;
        return range;
    }
    const auto start = parseNumber(first);
    if (!start)
        return whole;
    qint64 end = size - 1;
    if (!last.isEmpty()) {
        const auto parsedEnd = parseNumber(last);
        if (!parsedEnd || *parsedEnd < *start)
            return whole; // invalid range: ignored (RFC 9110 14.1.1)
        end = qMin(*parsedEnd, size - 1);
    }
    if (*start >= size)
        return unsatisfiable;
    HttpByteRange range;
    range.kind = Kind::Partial;
    range.start = *start;
    range.length = end - *start + 1;
    return range;
}

} // namespace fleet
