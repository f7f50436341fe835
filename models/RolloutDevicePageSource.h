#pragma once

#include "PageSource.h"
#include "rollout/RolloutDeviceState.h"

#include <QList>
#include <QString>

namespace fleet {

// Which of a rollout's devices the execution table shows and in what order. A value: the GUI
// hands a copy to the model's worker thread.
struct RolloutDeviceQuery
{
    // The columns SQL can sort by; the model's columns map onto these.
    enum class SortKey {
        Device,
        Wave,
        State, // in the order a device passes the states (queued .. validating, then outcomes)
        Progress,
        Attempts,
        Started,
        Finished,
        Reason,
        KnownGood,
        Reported,
    };

    qint64 rolloutId = 0;
    QList<RolloutDeviceState> states; // empty: every state
    QString text;                     // in the uid, name, reason or failure kind; case ignored
    SortKey sortKey = SortKey::Wave;
    bool descending = false;

    friend bool operator==(const RolloutDeviceQuery &, const RolloutDeviceQuery &) = default;
};

// The rows of a rollout's execution table: rollout_devices joined with the device (name,
// reported version) and the job carrying its current attempt (progress), filtered and sorted
// in SQL so a 100,000-device rollout pages like the device table. Each row holds the values in
// Field order.
class RolloutDevicePageSource final : public PageSource
{
public:
    enum Field {
        DeviceId,
        Uid,
        Name,
        Wave,
        State,
        Percent,
        Attempts,
        StartedMs,
        FinishedMs,
        FailureKind,
        Reason,
        HealthProblem,
        KnownGood,
        Reported,
        RollbackRequestedMs,
        JobState,
        Drift, // the drift scanner's findings for the device, "fell_back, update_loop"
        FieldCount
    };

    explicit RolloutDevicePageSource(RolloutDeviceQuery query)
        : m_query(std::move(query))
    {}
    Result<qint64> count(SqliteDatabase &db) const override;
    Result<PageRows> page(SqliteDatabase &db, qint64 offset, int limit,
                          qint64 matching) const override;
    const RolloutDeviceQuery &query() const { return m_query; }

private:
    // " FROM ... WHERE ..." with its binds.
    QString fromWhere(QVariantList &binds) const;

    RolloutDeviceQuery m_query;
};

} // namespace fleet
