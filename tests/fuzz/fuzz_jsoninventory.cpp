// JSON inventory parsing on arbitrary bytes: errors are reported, accepted devices have ids.

#include "FuzzTarget.h"
#include "io/JsonInventoryImporter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QStringList errors;
    const auto parsed = fleet::JsonInventoryImporter::parse(
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)), &errors);
    if (!parsed) {
        if (parsed.message().isEmpty() && errors.isEmpty())
            fuzzViolation("rejected without saying why");
        return 0;
    }
    for (const auto &d : parsed.value())
        if (d.uid.trimmed().isEmpty())
            fuzzViolation("a device without an id was accepted");
    return 0;
}
