#pragma once

#include "audit/AuditEntry.h"
#include "audit/AuditVerifier.h"

#include <QJsonObject>
#include <QString>

namespace fleet {

// How audit entries and verification results look in fleetctl's output.
class AuditFormatter
{
public:
    // Every stored field, before/after as objects, hashes included (same keys as
    // `audit export --format json`).
    static QJsonObject toJson(const AuditEntry &entry);
    // What changed, in one line: "state: active -> maintenance", "tag: +line-3".
    static QString changeSummary(const AuditEntry &entry);
    // "2026-03-02 09:00:00" (UTC).
    static QString timeText(qint64 msSinceEpoch);
    // Who: the operator, with the OS account when it differs ("Ana (as maint)").
    static QString actorText(const AuditEntry &entry);
    static QJsonObject toJson(const AuditVerification &verification);
};

} // namespace fleet
