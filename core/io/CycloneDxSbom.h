#pragma once

#include "inventory/Device.h"
#include "util/Result.h"

#include <QByteArray>
#include <QList>

namespace fleet {

// Reads the components of a CycloneDX JSON SBOM (specVersion 1.2 to 1.6): name, version, purl,
// cpe, including nested components. Rejects what is not CycloneDX JSON with a clear message.
class CycloneDxSbom
{
public:
    static Result<QList<Component>> parse(const QByteArray &json);
    static Result<QList<Component>> parseFile(const QString &path, qint64 maxBytes = 64 << 20);
};

} // namespace fleet
