#pragma once

#include "util/Result.h"

#include <QString>

namespace fleet {

// The folder that holds the catalog's artifact files next to the workspace
// (<workspace>.artifacts/), each stored once under its SHA-256 (lower-case hex) and made
// read-only. Adding copies to a temporary file in the same folder while hashing, flushes it to
// disk and renames it into place, so a crash never leaves a half-written artifact under a
// valid name.
class ArtifactStore
{
public:
    explicit ArtifactStore(QString directory);
    static QString directoryForWorkspace(const QString &workspacePath);

    struct Stored
    {
        QString sha256;
        qint64 size = 0;
        QString path;
        bool alreadyPresent = false; // an identical file was stored before
    };

    Result<Stored> add(const QString &sourcePath);
    QString directory() const { return m_dir; }
    QString pathFor(const QString &sha256) const;

private:
    QString m_dir;
};

} // namespace fleet
