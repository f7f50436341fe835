#pragma once

#include "util/Result.h"

#include <QString>
#include <optional>

namespace fleet {

// The audit chain's head (entry count and last hash), kept in a small file beside the
// workspace. The database alone cannot show that its last entries were cut off; a head kept
// elsewhere can. Written atomically (temporary file, fsync, rename) and only ever advanced.
class AuditHeadAnchor
{
public:
    struct Head
    {
        qint64 count = 0;
        QString hash;
    };

    explicit AuditHeadAnchor(QString filePath);
    static QString pathForWorkspace(const QString &workspacePath);

    QString filePath() const { return m_path; }
    // The anchored head, nothing when no head was written yet, or an error if the file is
    // unreadable or malformed.
    Result<std::optional<Head>> read() const;
    // Records `head` unless the file already holds a longer chain (another process got there).
    // A head file that cannot be read or is malformed is left as it is and reported.
    Status advance(const Head &head) const;

private:
    QString m_path;
};

} // namespace fleet
