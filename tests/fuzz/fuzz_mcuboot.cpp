// MCUboot image parsing on arbitrary bytes: a clean error, or an image whose numbers fit the
// input and whose hash TLV matched the bytes.

#include "FuzzTarget.h"
#include "firmware/McubootImage.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes =
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto img = fleet::McubootImage::parse(bytes);
    if (!img) {
        if (img.message().isEmpty())
            fuzzViolation("an error without a message");
        return 0;
    }
    if (img->totalSize() > qint64(size) || img->totalSize() + img->trailingBytes() != qint64(size))
        fuzzViolation("an image larger than its input was accepted");
    if (img->headerSize() < fleet::McubootImage::HeaderSize)
        fuzzViolation("a header smaller than 32 bytes was accepted");
    const int expected = img->hashAlgorithm() == QLatin1String("SHA256")   ? 32
                         : img->hashAlgorithm() == QLatin1String("SHA384") ? 48
                                                                           : 64;
    if (img->imageHash().size() != expected)
        fuzzViolation("an image hash of the wrong length was accepted");
    for (const auto &t : img->tlvs())
        if (t.value.size() != t.length || t.offset + t.length > qint64(size))
            fuzzViolation("a TLV outside the input was accepted");
    if (img->version().isNull())
        fuzzViolation("an image without a version");
    return 0;
}
