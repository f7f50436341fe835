#pragma once

#include "rollout/DriftFinding.h"
#include "util/Result.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace fleet {

// One change of the version a device reported, as the firmware history records it.
struct VersionChange
{
    QDateTime at;
    QString from;
    QString to;
};

// How one finished install attempt ended. Only Succeeded matters for "fell back"; every
// attempt, whatever its outcome, counts towards an update loop.
enum class InstallOutcome { Succeeded, Failed, RolledBack, TimedOut, Cancelled, Rejected };

struct InstallAttempt
{
    QDateTime at;
    InstallOutcome outcome = InstallOutcome::Failed;
    QString target;
};

// Everything the detector needs to know about one device, gathered by the caller; the detector
// itself reads no database, so the rollout engine, the device table and tests share it.
struct DeviceVersionState
{
    QString deviceId;
    QString assigned; // what the operator or rollout wants the device to run; may be empty
    QString reported; // what the device last said it runs
    QDateTime reportedAt;
    QString expected; // the target of an unfinished install; empty when nothing is installing
    QList<VersionChange> history;
    QList<InstallAttempt> attempts;
};

struct DriftSettings
{
    int loopAttempts = 3; // attempts of one target within loopWindowSecs that make a loop
    qint64 loopWindowSecs = 24 * 3600;
    int flapChanges = 3; // changes between the same two versions within flapWindowSecs
    qint64 flapWindowSecs = 24 * 3600;
    qint64 driftGraceSecs = 3600; // a mismatch younger than this is a report in transit

    // Counts at least 2 (once is not "again"), windows positive, grace not negative.
    Status validate() const;
};

// Compares a device's assigned, reported and expected versions and its recent history, and
// says what looks wrong. The most common complaint about update servers is that their idea of
// the installed version silently diverges from the device's after an A/B fallback, so every
// finding comes with the actions that reconcile the two.
//
// Pure: `now` is passed in and the same input always gives the same findings in the same order
// (by kind, then by subject).
class DriftDetector
{
public:
    explicit DriftDetector(DriftSettings settings = {});

    const DriftSettings &settings() const { return m_settings; }

    QList<DriftFinding> inspect(const DeviceVersionState &device, const QDateTime &now) const;

private:
    DriftSettings m_settings;
};

} // namespace fleet
