#pragma once

#include "firmware/Release.h"
#include "rollout/ExcludedDevice.h"
#include "util/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace fleet {

class SqliteDatabase;

// A device a rollout may update, with what the forecast needs to know about where it stands.
struct TargetDevice
{
    qint64 id = 0;
    QString uid;
    QString site;     // empty: the device belongs to no site
    QString timeZone; // the site's IANA zone as the inventory has it; empty without a site
};

// Why a device of the target set is left out. `kind` is stable (scripts and the wizard branch on
// it); `text` is the sentence shown to people.
struct TargetingReason
{
    enum class Kind {
        Model,            // the release is not for the device's model
        HardwareRevision, // ... nor for its hardware revision
        MinimumVersion,   // the device runs less than the release's minimum version
        Downgrade,        // the device runs something newer than the release
        UnknownVersion,   // the device's version cannot be compared (missing or not SemVer)
        AlreadyOnTarget,  // the device already runs the release's version
        OpenInstall,      // an unfinished update or rollback job is in the way
        Lifecycle,        // retired, decommissioning or quarantined
        TimeZone,         // the site's time zone is unknown, so its windows cannot be placed
        Policy,           // another install-policy refusal (kept so nothing is lost silently)
    };
    Kind kind;
    QString text;

    static QString kindName(Kind kind);
};

struct TargetingExclusion
{
    QString deviceUid;
    QList<TargetingReason> reasons; // at least one
};

struct RolloutTargets
{
    Release release;
    QList<TargetDevice> eligible;       // ordered by uid
    QList<TargetingExclusion> excluded; // ordered by uid

    // One ExcludedDevice per reason, as WavePlanner takes them.
    QList<ExcludedDevice> excludedForPlanner() const;
    // Takes an eligible device out, with the reason (kept in uid order).
    void exclude(const TargetingExclusion &exclusion);
};

// Decides which devices of a target set a rollout of one release may update: the install policy
// (model, hardware revision, minimum version, no downgrade), plus what makes an update pointless
// or unsafe right now (already on that version, an install still unfinished, a device that is
// out of service). Every reason is collected, not just the first, so the operator fixes them all
// in one go. Read-only: it is what "rollout plan" and the wizard show before anything exists.
//
// The order is by uid, whatever order the ids came in (a saved filter, a group, a command line):
// the same target set gives the same waves, which a preview that is compared with the real
// rollout later must guarantee.
class RolloutTargeting
{
public:
    explicit RolloutTargeting(SqliteDatabase &db);

    // An unknown release or device id is an error (not found); a release that is not approved
    // is refused as a whole (invalid), since no device could take it.
    Result<RolloutTargets> evaluate(qint64 releaseId, const QList<qint64> &deviceIds);

    // The members of a device group, by row id; an unknown group is not found.
    Result<QList<qint64>> groupMembers(const QString &groupName);

private:
    SqliteDatabase &m_db;
};

} // namespace fleet
