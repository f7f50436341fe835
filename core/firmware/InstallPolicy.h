#pragma once

#include "audit/AuditEntry.h"
#include "firmware/Release.h"

#include <QString>
#include <QStringList>

namespace fleet {

// What the policy needs to know about a device.
struct DeviceFirmwareFacts
{
    QString uid;
    QString model;
    QString hwRevision;
    QString currentVersion; // as the device reports it; may be empty or not SemVer
};

// Whether a release may go to a device, and every reason why not.
struct InstallVerdict
{
    bool allowed = false;
    bool isDowngrade = false; // the release is older than what the device runs
    bool isRollback = false;  // allowed only because it was asked for as an explicit rollback
    QStringList reasons;      // why it is refused (empty when allowed)
    QStringList notes;        // worth knowing, not blocking (same version, not known-good, ...)

    QString summary() const;
};

// The anti-downgrade and targeting rules, in one place for the CLI, the GUI and the update
// server: an approved release only, for the device's model and hardware revision, installed
// over at least its minimum version, and never older than what the device runs unless the
// operator asks for a rollback with a reason (the caller records that rollback in the audit
// trail together with the assignment it authorises).
class InstallPolicy
{
public:
    enum class Intent { Update, Rollback };

    static InstallVerdict evaluate(const DeviceFirmwareFacts &device, const Release &release,
                                   Intent intent = Intent::Update,
                                   const QString &rollbackReason = {});
    // The audit entry ("firmware.rollback", risky: it carries the reason) that whoever assigns
    // an allowed rollback records with AuditedChange::record(entry, true) in the transaction
    // that makes the assignment.
    static AuditRecord rollbackRecord(const DeviceFirmwareFacts &device, const Release &release,
                                      const QString &reason);
};

} // namespace fleet
