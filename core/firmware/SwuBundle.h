#pragma once

#include "firmware/SemanticVersion.h"
#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QStringList>

class QIODevice;

namespace fleet {

// An SWUpdate bundle (.swu): a CPIO archive (newc or crc) whose first entry is `sw-description`,
// usually followed by `sw-description.sig` and the payload files. read() streams through the
// archive once, keeping only sw-description in memory, and reports what the catalog needs: the
// software version, the hardware compatibility (for every board when the description has
// board-specific sections), name and description, and the entries with their sizes.
//
// sw-description is read with the libconfig syntax (SWUpdate's default parser), or as JSON
// when it starts with '{' (SWUpdate's JSON parser).
class SwuBundle
{
public:
    static constexpr qint64 MaxDescriptionSize = 1024 * 1024;

    struct Entry
    {
        QString name;
        qint64 size = 0;
    };

    static Result<SwuBundle> read(QIODevice &device, qint64 size);
    static Result<SwuBundle> parse(const QByteArray &bytes);
    static Result<SwuBundle> readFile(const QString &path);
    // True when the bytes start like a newc/crc cpio archive.
    static bool looksLikeBundle(const QByteArray &firstBytes);

    QString archiveFormat() const { return m_format; } // "newc" or "crc"
    QString versionText() const { return m_versionText; }
    // The version as SemVer; null when the bundle's version is not a semantic version (SWUpdate
    // allows any dotted numbers), in which case versionError() says why.
    SemanticVersion version() const { return m_version; }
    QString versionError() const { return m_versionError; }
    QString name() const { return m_name; }
    QString description() const { return m_description; }
    // Every hardware revision named anywhere in the description, in order of appearance.
    QStringList hardwareCompatibility() const { return m_hardware; }
    // Per board (or board.selection) section; the key "" holds the software-wide list.
    QMap<QString, QStringList> hardwareByBoard() const { return m_hardwareByBoard; }
    QList<Entry> entries() const { return m_entries; }
    bool isSigned() const { return m_signed; }
    QByteArray swDescription() const { return m_swDescription; }
    // Files sw-description names (images, files, scripts) that are not in the archive.
    QStringList missingFiles() const { return m_missing; }

private:
    Status interpretDescription();

    QString m_format;
    QString m_versionText;
    SemanticVersion m_version;
    QString m_versionError;
    QString m_name;
    QString m_description;
    QStringList m_hardware;
    QMap<QString, QStringList> m_hardwareByBoard;
    QList<Entry> m_entries;
    bool m_signed = false;
    QByteArray m_swDescription;
    QStringList m_missing;
};

} // namespace fleet
