#pragma once

#include <QByteArrayView>

namespace fleet {

// The part of a file a GET asks for with "Range: bytes=..." (RFC 9110 14). Only a single range
// is served as 206; a list of ranges, another unit or a malformed value is ignored (the whole
// file is sent), as the RFC allows.
struct HttpByteRange
{
    enum class Kind {
        Whole,         // send the whole file, 200
        Partial,       // send [start, start + length), 206
        Unsatisfiable, // 416 with "Content-Range: bytes */size"
    };
    Kind kind = Kind::Whole;
    qint64 start = 0;
    qint64 length = 0;

    static HttpByteRange parse(QByteArrayView rangeHeader, qint64 size);
};

} // namespace fleet
