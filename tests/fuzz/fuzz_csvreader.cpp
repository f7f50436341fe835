// CsvReader on arbitrary bytes: never crashes, never loops, keeps memory bounded, and every
// record it returns is valid text with its line number moving forward.

#include "FuzzTarget.h"
#include "io/CsvReader.h"

#include <QBuffer>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::ReadOnly);
    fleet::CsvReader::Options options;
    options.maxLineBytes = 512; // small limits reach the over-long paths with small inputs
    options.chunkBytes = 7;     // odd chunk size: records and CRLFs split across reads
    fleet::CsvReader reader(buffer, options);
    qint64 lastLine = 0;
    for (size_t guard = 0; guard <= size + 2; ++guard) {
        const auto next = reader.next();
        if (next == fleet::CsvReader::Next::End || next == fleet::CsvReader::Next::ReadFailed)
            return 0;
        if (reader.line() < lastLine)
            fuzzViolation("line numbers went backwards");
        lastLine = reader.line();
        if (next == fleet::CsvReader::Next::BadRecord && reader.errorMessage().isEmpty())
            fuzzViolation("a bad record without a message");
        if (next == fleet::CsvReader::Next::Record) {
            qint64 recordChars = 0;
            for (const QString &f : reader.fields())
                recordChars += f.size();
            if (recordChars > options.maxLineBytes)
                fuzzViolation("a record over the size limit was returned");
        }
    }
    fuzzViolation("the reader returned more records than there are bytes");
}
