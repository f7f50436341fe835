// HTTP/1.1 request parsing on arbitrary bytes. The first byte picks what is fuzzed: 'r' a Range
// header value (HttpByteRange) against a few file sizes; anything else a request stream fed to
// HttpRequestParser in pieces of (first byte % 61 + 1) bytes. Bad input is refused with a
// status and a message; accepted input keeps the parser's promises (limits held, requests
// well-formed, memory bounded).

#include "FuzzTarget.h"
#include "http/HttpByteRange.h"
#include "http/HttpRequestParser.h"

using namespace fleet;

namespace {

void checkRange(QByteArrayView header)
{
    for (const qint64 size : {qint64(0), qint64(1), qint64(1000), qint64(1) << 40}) {
        const HttpByteRange range = HttpByteRange::parse(header, size);
        switch (range.kind) {
        case HttpByteRange::Kind::Whole:
            if (range.length != size)
                fuzzViolation("a whole-file answer with the wrong length");
            break;
        case HttpByteRange::Kind::Partial:
            if (range.start < 0 || range.length < 1 || range.start + range.length > size)
                fuzzViolation("a range outside the file was accepted");
            break;
        case HttpByteRange::Kind::Unsatisfiable:
            break;
        }
    }
}

bool isExpectedStatus(int status)
{
    switch (status) {
    case 400:
    case 413:
    case 414:
    case 417:
    case 431:
    case 501:
    case 505:
        return true;
    default:
        return false;
    }
}

void checkParser(QByteArrayView stream, qsizetype piece)
{
    HttpRequestParser::Limits limits;
    limits.maxHeaderBytes = 1024;
    limits.maxBodyBytes = 4096;
    limits.maxHeaderCount = 20;
    HttpRequestParser parser(limits);
    for (qsizetype at = 0; at < stream.size(); at += piece) {
        parser.append(stream.sliced(at, qMin(piece, stream.size() - at)));
        for (;;) {
            const HttpRequestParser::Step step = parser.next();
            if (step == HttpRequestParser::Step::NeedMore)
                break;
            if (step == HttpRequestParser::Step::SendContinue)
                continue;
            if (step == HttpRequestParser::Step::Error) {
                if (!isExpectedStatus(parser.errorStatus()))
                    fuzzViolation("refused with an unexpected status");
                if (parser.errorMessage().isEmpty())
                    fuzzViolation("refused without saying why");
                if (parser.bufferedBytes() != 0)
                    fuzzViolation("bytes kept after a refusal");
                return;
            }
            const HttpRequest request = parser.takeRequest();
            if (request.method.isEmpty() || request.target.isEmpty())
                fuzzViolation("a request without method or target");
            if (request.body.size() > limits.maxBodyBytes)
                fuzzViolation("a body beyond the limit was accepted");
            if (request.headers.size() > limits.maxHeaderCount)
                fuzzViolation("more headers than the limit were accepted");
            for (const auto &[name, value] : request.headers)
                if (name != name.toLower() || value.contains('\r') || value.contains('\n'))
                    fuzzViolation("a header name not lower-cased or a value with CR/LF");
        }
        // Whatever is still buffered is part of one request head or one chunk size line.
        if (parser.bufferedBytes() > limits.maxHeaderBytes + piece)
            fuzzViolation("the parser buffers beyond its limits");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArrayView input(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    if (data[0] == 'r')
        checkRange(input);
    else
        checkParser(input, qsizetype(data[0] % 61) + 1);
    return 0;
}
