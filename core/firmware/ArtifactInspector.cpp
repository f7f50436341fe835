#include "ArtifactInspector.h"

#include "firmware/McubootImage.h"
#include "firmware/SwuBundle.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

namespace fleet {

QString artifactKindName(ArtifactKind kind)
{
    switch (kind) {
    case ArtifactKind::Mcuboot:
        return QStringLiteral("mcuboot");
    case ArtifactKind::Swu:
        return QStringLiteral("swu");
    case ArtifactKind::File:
        break;
    }
    return QStringLiteral("file");
}

std::optional<ArtifactKind> artifactKindFromName(const QString &name)
{
    for (ArtifactKind k : {ArtifactKind::Mcuboot, ArtifactKind::Swu, ArtifactKind::File})
        if (artifactKindName(k) == name)
            return k;
    return std::nullopt;
}

namespace {

QString defaultName(const QString &fileName)
{
    const QString base = QFileInfo(fileName).completeBaseName();
    return base.isEmpty() ? QFileInfo(fileName).fileName() : base;
}

// The file's own version wins; a manifest may only repeat it.
Status checkManifestVersion(const std::optional<FirmwareManifest> &manifest,
                            const SemanticVersion &fileVersion, const QString &what)
{
    if (!manifest || manifest->version.isNull() || fileVersion.isNull())
        return {};
    if (manifest->version != fileVersion)
        return Error::invalid(QStringLiteral("The manifest says version %1 but the %2 says %3")
                                  .arg(manifest->version.toString(), what, fileVersion.toString()));
    return {};
}

void applyManifest(ArtifactDescription &d, const std::optional<FirmwareManifest> &manifest)
{
    if (!manifest)
        return;
    if (!manifest->name.isEmpty())
        d.name = manifest->name;
    if (!manifest->models.isEmpty())
        d.models = manifest->models;
    if (!manifest->hwRevisions.isEmpty())
        d.hwRevisions = manifest->hwRevisions;
    if (!manifest->minVersion.isNull())
        d.minVersion = manifest->minVersion;
    d.notes = manifest->releaseNotes;
}

Result<ArtifactDescription> inspectMcuboot(const QString &path, const QString &fileName,
                                           const std::optional<FirmwareManifest> &manifest)
{
    auto img = McubootImage::readFile(path);
    if (!img)
        return img.error();
    if (Status s = checkManifestVersion(manifest, img->version(), QStringLiteral("image header"));
        !s)
        return s.error();
    ArtifactDescription d;
    d.kind = ArtifactKind::Mcuboot;
    d.name = defaultName(fileName);
    d.version = img->version();
    QJsonObject x;
    x.insert(QStringLiteral("load_address"), qint64(img->loadAddress()));
    x.insert(QStringLiteral("header_size"), img->headerSize());
    x.insert(QStringLiteral("image_size"), qint64(img->imageSize()));
    x.insert(QStringLiteral("protected_tlv_size"), img->protectedTlvSize());
    x.insert(QStringLiteral("flags"), QJsonArray::fromStringList(img->flagNames()));
    x.insert(QStringLiteral("hash_algorithm"), img->hashAlgorithm());
    x.insert(QStringLiteral("image_hash"), QString::fromLatin1(img->imageHash().toHex()));
    x.insert(QStringLiteral("key_hash"), QString::fromLatin1(img->keyHash().toHex()));
    x.insert(QStringLiteral("signatures"), QJsonArray::fromStringList(img->signatureTypes()));
    x.insert(QStringLiteral("encryption"), QJsonArray::fromStringList(img->encryptionTypes()));
    x.insert(QStringLiteral("trailing_bytes"), img->trailingBytes());
    d.details = x;
    applyManifest(d, manifest);
    return d;
}

Result<ArtifactDescription> inspectSwu(const QString &path, const QString &fileName,
                                       const std::optional<FirmwareManifest> &manifest)
{
    auto b = SwuBundle::readFile(path);
    if (!b)
        return b.error();
    if (!b->missingFiles().isEmpty())
        return Error::invalid(QStringLiteral("The bundle's sw-description names %1 but the bundle "
                                             "does not contain it: SWUpdate would refuse it")
                                  .arg(b->missingFiles().join(QStringLiteral(", "))));
    ArtifactDescription d;
    d.kind = ArtifactKind::Swu;
    d.name = b->name().isEmpty() ? defaultName(fileName) : b->name();
    if (b->version().isNull()) {
        // SWUpdate accepts any dotted version; the catalog orders by SemVer, so the operator
        // must say which SemVer the bundle's version stands for.
        if (!manifest || manifest->version.isNull())
            return Error::invalid(QStringLiteral("The bundle's version '%1' is not a semantic "
                                                 "version (%2). Give its version in a manifest.")
                                      .arg(b->versionText(), b->versionError()));
        d.version = manifest->version;
    } else {
        if (Status s = checkManifestVersion(manifest, b->version(), QStringLiteral("bundle")); !s)
            return s.error();
        d.version = b->version();
    }
    d.hwRevisions = b->hardwareCompatibility();
    // Board sections name the boards (SWUpdate's -H board:revision): the models it is for.
    for (auto it = b->hardwareByBoard().cbegin(); it != b->hardwareByBoard().cend(); ++it) {
        const QString board = it.key().section(QLatin1Char('.'), 0, 0);
        if (!board.isEmpty() && !d.models.contains(board))
            d.models << board;
    }
    QJsonObject x;
    x.insert(QStringLiteral("archive_format"), b->archiveFormat());
    x.insert(QStringLiteral("swu_version"), b->versionText());
    x.insert(QStringLiteral("description"), b->description());
    x.insert(QStringLiteral("signed"), b->isSigned());
    QJsonArray entries;
    for (const auto &e : b->entries())
        entries.append(
            QJsonObject{{QStringLiteral("name"), e.name}, {QStringLiteral("size"), e.size}});
    x.insert(QStringLiteral("entries"), entries);
    QJsonObject boards;
    for (auto it = b->hardwareByBoard().cbegin(); it != b->hardwareByBoard().cend(); ++it)
        boards.insert(it.key().isEmpty() ? QStringLiteral("*") : it.key(),
                      QJsonArray::fromStringList(it.value()));
    x.insert(QStringLiteral("hardware_by_board"), boards);
    d.details = x;
    applyManifest(d, manifest);
    if (d.notes.isEmpty())
        d.notes = b->description();
    return d;
}

} // namespace

Result<ArtifactDescription>
ArtifactInspector::inspect(const QString &path, const QString &fileName,
                           const std::optional<FirmwareManifest> &manifest)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::notFound(
            QStringLiteral("Cannot read '%1': %2").arg(fileName, f.errorString()));
    const QByteArray head = f.read(8);
    f.close();
    if (McubootImage::looksLikeImage(head))
        return inspectMcuboot(path, fileName, manifest);
    if (SwuBundle::looksLikeBundle(head))
        return inspectSwu(path, fileName, manifest);
    if (!manifest)
        return Error::invalid(QStringLiteral("'%1' is neither an MCUboot image nor an SWUpdate "
                                             "bundle: import it with a manifest that gives its "
                                             "name and version (docs/firmware-catalog.md)")
                                  .arg(QFileInfo(fileName).fileName()));
    if (manifest->name.isEmpty() || manifest->version.isNull())
        return Error::invalid(QStringLiteral("The manifest for '%1' must give a name and a "
                                             "version")
                                  .arg(QFileInfo(fileName).fileName()));
    ArtifactDescription d;
    d.kind = ArtifactKind::File;
    d.version = manifest->version;
    applyManifest(d, manifest);
    return d;
}

} // namespace fleet
