// CycloneDX SBOM parsing on arbitrary bytes: a clean error or components with names.

#include "FuzzTarget.h"
#include "io/CycloneDxSbom.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto parsed = fleet::CycloneDxSbom::parse(
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (!parsed) {
        if (parsed.message().isEmpty())
            fuzzViolation("an error without a message");
        return 0;
    }
    for (const auto &c : parsed.value())
        if (c.name.trimmed().isEmpty())
            fuzzViolation("a component without a name was accepted");
    return 0;
}
