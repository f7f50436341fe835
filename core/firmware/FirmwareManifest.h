#pragma once

#include "firmware/SemanticVersion.h"
#include "util/Result.h"

#include <QByteArray>
#include <QStringList>

namespace fleet {

// The small JSON file that describes an artifact Fleetdesk cannot read itself (any file that is
// neither an MCUboot image nor a .swu bundle), and that adds what an image or bundle does not
// say (target models, minimum version, notes). Format: docs/firmware-catalog.md.
//
//   {"name": "sensor-fw", "version": "1.4.0", "models": ["NW-S200"], "hw_revisions": ["C1"],
//    "min_version": "1.0.0", "release_notes": "Fixes the drift at low temperature."}
//
// Unknown keys are refused (a typo must not silently drop a target restriction).
class FirmwareManifest
{
public:
    static constexpr qsizetype MaxSize = 256 * 1024;

    static Result<FirmwareManifest> parse(const QByteArray &json);
    static Result<FirmwareManifest> readFile(const QString &path);

    QString name;
    QString versionText; // as written; empty when the manifest gives none
    SemanticVersion version;
    QStringList models;
    QStringList hwRevisions;
    QString minVersionText;
    SemanticVersion minVersion;
    QString releaseNotes;
};

} // namespace fleet
