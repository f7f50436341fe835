#pragma once

// A rollout in progress for the rollout views' tests: devices "pump-01".. on 2.4.1, an approved
// release 2.5.0, a rollout created through RolloutService (so its waves are the planner's), and
// helpers that write what the engine would write (device states, jobs' progress, the timeline)
// with plain SQL, so the views are tested against the stored format, not against the engine.

#include "DdiFixture.h"
#include "rollout/RolloutDeviceState.h"
#include "rollout/RolloutPlanSpec.h"
#include "rollout/RolloutService.h"
#include "rollout/RolloutState.h"

#include <QTest>
#include <optional>

namespace fleet::test {

class RolloutProgressFixture : public DdiFixture
{
public:
    qint64 releaseId = 0;
    qint64 rolloutId = 0;
    QString rolloutName = QStringLiteral("line 1");

    QString uid(int i) const { return QStringLiteral("pump-%1").arg(i, 2, 10, QLatin1Char('0')); }

    // `devices` pumps, the first `pilots` of them the pilot, the rest in waves of `perWave`.
    void createRollout(int devices, int pilots, int perWave, const QStringList &windows = {},
                       const QByteArray &zone = QByteArrayLiteral("UTC"))
    {
        releaseId = addRelease(2, 5, 0);
        QList<qint64> targets, pilotIds;
        for (int i = 1; i <= devices; ++i) {
            addDevice(uid(i));
            (i <= pilots ? pilotIds : targets) << deviceId(uid(i));
        }
        exec(QStringLiteral("UPDATE sites SET time_zone = ?"), {QString::fromLatin1(zone)});
        RolloutPlanSpec plan;
        plan.split = WaveSplit::byCount(perWave).value();
        for (const QString &w : windows)
            plan.windows << MaintenanceWindow::parse(w).value();
        RolloutService service(ws.db(), ws.session().audit(), ws.clock());
        auto created = service.create(rolloutName, releaseId, targets, pilotIds, plan,
                                      QStringLiteral("monthly update"));
        if (!created)
            qFatal("cannot create the rollout: %s", qPrintable(created.message()));
        rolloutId = created->id;
        exec(QStringLiteral("UPDATE rollout_devices SET known_good = '2.4.1' WHERE rollout_id = ?"),
             {rolloutId});
    }

    // The rollout as the engine leaves it after starting: running, wave `wave`, with its event.
    void setRolloutState(RolloutState from, RolloutState to, qint64 atMs, int wave = 0)
    {
        exec(QStringLiteral("UPDATE rollouts SET state = ?, updated_ms = ?, current_wave = ?, "
                            "started_ms = coalesce(started_ms, ?) WHERE id = ?"),
             {RolloutStates::name(to), atMs, wave, atMs, rolloutId});
        event(QStringLiteral("rollout"), RolloutStates::name(from), RolloutStates::name(to), atMs);
    }

    // One device moves from its current state to `to`, with its event on the timeline.
    void move(const QString &deviceUid, RolloutDeviceState to, qint64 atMs,
              const QString &reason = {})
    {
        const qint64 id = deviceId(deviceUid);
        const QString from =
            scalarOf(ws.db(),
                     QStringLiteral("SELECT state FROM rollout_devices WHERE rollout_id = ? AND "
                                    "device_id = ?"),
                     {rolloutId, id})
                .toString();
        const bool starts = from == QLatin1String("queued") && to != RolloutDeviceState::Queued;
        const bool ends = RolloutDeviceStates::isTerminal(to);
        exec(QStringLiteral("UPDATE rollout_devices SET state = ?, updated_ms = ?, reason = ?, "
                            "started_ms = CASE WHEN ? THEN ? ELSE started_ms END, "
                            "attempts = attempts + ?, "
                            "finished_ms = CASE WHEN ? THEN ? ELSE NULL END, "
                            "failure_kind = ? WHERE rollout_id = ? AND device_id = ?"),
             {RolloutDeviceStates::name(to), atMs, reason, starts ? 1 : 0, atMs, starts ? 1 : 0,
              ends ? 1 : 0, atMs,
              to == RolloutDeviceState::Failed ? QVariant(QStringLiteral("install")) : QVariant(),
              rolloutId, id});
        const int wave = scalarOf(ws.db(),
                                  QStringLiteral("SELECT wave FROM rollout_devices WHERE "
                                                 "rollout_id = ? AND device_id = ?"),
                                  {rolloutId, id})
                             .toInt();
        if (to == RolloutDeviceState::Succeeded) // validated: it reports the target version
            exec(QStringLiteral("UPDATE devices SET fw_version = '2.5.0' WHERE id = ?"), {id});
        exec(QStringLiteral("INSERT INTO rollout_events (rollout_id, at_ms, device_id, wave, kind, "
                            "from_state, to_state, actor, reason) "
                            "VALUES (?, ?, ?, ?, 'device', ?, ?, 'engine', ?)"),
             {rolloutId, atMs, id, wave, from, RolloutDeviceStates::name(to), reason});
    }

    // The device's current attempt is carried by a job at `percent`.
    void setPercent(const QString &deviceUid, int percent, qint64 atMs)
    {
        const qint64 id = deviceId(deviceUid);
        exec(QStringLiteral("INSERT INTO jobs (job_id, device_id, kind, seq, payload, "
                            "target_version, origin, state, percent, created_ms, updated_ms) "
                            "VALUES (?, ?, 'update', 1, '{}', '2.5.0', 'rollout', 'in_progress', "
                            "?, ?, ?)"),
             {QStringLiteral("job-%1-%2").arg(deviceUid).arg(atMs), id, percent, atMs, atMs});
        exec(QStringLiteral("UPDATE rollout_devices SET job_row = last_insert_rowid() WHERE "
                            "rollout_id = ? AND device_id = ?"),
             {rolloutId, id});
    }

    void event(const QString &kind, const QString &from, const QString &to, qint64 atMs,
               const QString &actor = QStringLiteral("engine"), const QString &reason = {},
               std::optional<int> wave = std::nullopt)
    {
        exec(QStringLiteral("INSERT INTO rollout_events (rollout_id, at_ms, wave, kind, "
                            "from_state, to_state, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
             {rolloutId, atMs, wave ? QVariant(*wave) : QVariant(), kind, from, to, actor, reason});
    }

    void exec(const QString &sql, const QVariantList &binds)
    {
        if (Status s = ws.db().execute(sql, binds); !s)
            qFatal("SQL failed: %s: %s", qPrintable(sql), qPrintable(s.message()));
    }
};

} // namespace fleet::test
