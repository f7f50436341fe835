#pragma once

#include "rollout/RolloutPlanSpec.h"
#include "rollout/RolloutStore.h"
#include "util/Result.h"

#include <QList>
#include <QString>

namespace fleet {

class AuditLog;
class Clock;
class SqliteDatabase;

// Creates and reads rollouts. create() is the persistent form of what `rollout plan` previews:
// the same targeting (install policy, open installs, lifecycle, time zones) and the same
// WavePlanner cut, so the stored waves are the previewed waves device for device. The engine
// that runs a rollout comes later; a created rollout is a draft.
class RolloutService
{
public:
    RolloutService(SqliteDatabase &db, AuditLog &audit, const Clock &clock);

    // One audited transaction ("rollout.create"): the rollout in state draft, every planned
    // device with its wave (0 = pilot, then 1..) in state queued, and every excluded device
    // with its reasons. Refused with nothing written: an empty or taken name, no reason, an
    // invalid plan, an unknown or unapproved release, an unknown device, no eligible device.
    Result<StoredRollout> create(const QString &name, qint64 releaseId,
                                 const QList<qint64> &deviceIds,
                                 const QList<qint64> &pilotDeviceIds, const RolloutPlanSpec &plan,
                                 const QString &reason);

    Result<QList<StoredRollout>> list();
    // By name first, then, if no rollout has that name and it is a number, by id.
    Result<StoredRollout> load(const QString &idOrName);

private:
    SqliteDatabase &m_db;
    AuditLog &m_audit;
    const Clock &m_clock;
    RolloutStore m_store;
};

} // namespace fleet
