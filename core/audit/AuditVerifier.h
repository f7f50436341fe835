#pragma once

#include "util/Result.h"

#include <QString>
#include <QStringList>

namespace fleet {

class SqliteDatabase;

struct AuditVerification
{
    bool intact = false;
    qint64 entries = 0;
    QString headHash;
    qint64 firstBrokenSeq = 0; // 0 when intact
    QString problem;           // what is wrong with the first broken entry, in plain words
    bool anchored = false;     // a head anchor exists and was compared
    QStringList warnings;      // not breaks: e.g. timestamps going backwards (clock stepped)

    QString summary() const;
};

// Recomputes the audit chain from the first entry and compares it with the external head.
class AuditVerifier
{
public:
    static Result<AuditVerification> verify(SqliteDatabase &db, const QString &headAnchorPath);
};

} // namespace fleet
