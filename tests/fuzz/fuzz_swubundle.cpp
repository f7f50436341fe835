// SWUpdate bundle parsing (cpio newc/crc + sw-description in libconfig or JSON) on arbitrary
// bytes: a clean error, or a bundle that starts with sw-description and has a version.

#include "FuzzTarget.h"
#include "firmware/LibconfigReader.h"
#include "firmware/SwuBundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes =
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto bundle = fleet::SwuBundle::parse(bytes);
    if (!bundle) {
        if (bundle.message().isEmpty())
            fuzzViolation("an error without a message");
    } else {
        if (bundle->entries().isEmpty() ||
            bundle->entries().first().name != QLatin1String("sw-description"))
            fuzzViolation("a bundle without sw-description first was accepted");
        if (bundle->versionText().isEmpty())
            fuzzViolation("a bundle without a version was accepted");
        qint64 total = 0;
        for (const auto &e : bundle->entries()) {
            if (e.size < 0)
                fuzzViolation("a negative entry size");
            total += e.size;
        }
        if (total > qint64(size))
            fuzzViolation("entries larger than the input were accepted");
    }
    // The same bytes as a bare sw-description: the libconfig reader on its own.
    const auto doc = fleet::LibconfigReader::parse(bytes);
    if (!doc && !doc.message().startsWith(QLatin1String("line ")) &&
        !doc.message().startsWith(QLatin1String("The text is")))
        fuzzViolation("a libconfig error without a line number");
    return 0;
}
