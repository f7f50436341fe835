#pragma once

#include "firmware/FirmwareManifest.h"
#include "firmware/SemanticVersion.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QStringList>
#include <optional>

namespace fleet {

enum class ArtifactKind { Mcuboot, Swu, File };
QString artifactKindName(ArtifactKind kind); // "mcuboot", "swu", "file"
std::optional<ArtifactKind> artifactKindFromName(const QString &name);

// What the catalog records about an artifact: from the file itself where the format says it
// (MCUboot header, sw-description), completed or, for other files, given by a manifest.
struct ArtifactDescription
{
    ArtifactKind kind = ArtifactKind::File;
    QString name;
    SemanticVersion version;
    QStringList models;
    QStringList hwRevisions;
    SemanticVersion minVersion; // null: may be installed over any version
    QString notes;
    QJsonObject details; // format-specific facts (image hash, signature types, entries, ...)
};

// Recognises an artifact by its first bytes and reads it: MCUboot images (magic 0x96f3b83d) and
// SWUpdate bundles (cpio 070701/070702) are parsed and checked; anything else needs a manifest.
// A manifest never contradicts the file: a different version is refused.
class ArtifactInspector
{
public:
    // `fileName` is the name the operator knows the file by (the default release name).
    static Result<ArtifactDescription> inspect(const QString &path, const QString &fileName,
                                               const std::optional<FirmwareManifest> &manifest);
};

} // namespace fleet
