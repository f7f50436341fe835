#include "rollout/RolloutEngine.h"

#include "audit/AuditLog.h"
#include "firmware/ReleaseRepository.h"
#include "rollout/RolloutControl.h"
#include "rollout/RolloutDeviceTransitionTable.h"
#include "rollout/RolloutStateMachine.h"
#include "rollout/RolloutTransport.h"
#include "rollout/TestPassStore.h"
#include "rollout/WeeklySchedule.h"
#include "storage/SqliteDatabase.h"
#include "storage/SqliteStatement.h"
#include "util/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>
#include <cmath>

namespace fleet {

namespace {

const QString kActor = QStringLiteral("engine");

// What the device says about itself now.
struct DeviceFacts
{
    QString version;
    QString health;
    std::optional<qint64> lastSeenMs;
};

QString idList(const QList<qint64> &ids)
{
    QJsonArray a;
    for (qint64 id : ids)
        a << id;
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

} // namespace

struct RolloutEngine::Context
{
    StoredRollout rollout;
    QString targetVersion;
    QString sha256;
    AuditedChange *tx = nullptr;
    RolloutRuntimeStore *runtime = nullptr;
    RolloutTickReport *report = nullptr;
    qint64 now = 0;
    double paceCredit = 0;
    std::optional<qint64> paceMs;
    QHash<qint64, DeviceFacts> facts;
};

RolloutEngine::RolloutEngine(SqliteDatabase &db, AuditLog &audit, const Clock &clock,
                             RolloutTransport &transport)
    : m_db(db)
    , m_audit(audit)
    , m_clock(clock)
    , m_transport(transport)
{}

Result<RolloutTickReport> RolloutEngine::tick()
{
    // Stopped and finished rollouts only while a rollback of some of their devices is pending.
    auto ids = m_db.prepare(QStringLiteral(
        "SELECT id FROM rollouts r WHERE state IN ('scheduled', 'running', 'paused', "
        "'stopping') OR (state IN ('stopped', 'finished') AND EXISTS (SELECT 1 FROM "
        "rollout_devices rd WHERE rd.rollout_id = r.id AND rd.rollback_requested_ms IS NOT NULL "
        "AND rd.state != 'rolled_back')) ORDER BY id"));
    if (!ids)
        return ids.error();
    QList<qint64> rollouts;
    while (ids->next())
        rollouts << ids->int64(0);
    if (!ids->lastStepError().isEmpty())
        return Error::failed(ids->lastStepError());
    RolloutTickReport total;
    for (qint64 id : rollouts) {
        auto one = tickRollout(id);
        if (!one) {
            total.problems << QStringLiteral("rollout %1: %2").arg(id).arg(one.message());
            continue;
        }
        total.rollouts += one->rollouts;
        total.started += one->started;
        total.transitions += one->transitions;
        total.decisions += one->decisions;
        total.rollbacks += one->rollbacks;
        total.problems << one->problems;
    }
    return total;
}

Result<RolloutTickReport> RolloutEngine::tickRollout(qint64 rolloutId)
{
    RolloutTickReport report;
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    RolloutStore store(m_db);
    auto rollout = store.header(rolloutId);
    if (!rollout)
        return rollout.error();
    RolloutRuntimeStore runtime(m_db);
    Context c;
    c.rollout = rollout.value();
    c.tx = &tx;
    c.runtime = &runtime;
    c.report = &report;
    c.now = m_clock.nowMs();
    ReleaseRepository releases(m_db);
    auto release = releases.load(c.rollout.releaseId);
    if (!release)
        return release.error();
    c.targetVersion = release->version.toString();
    c.sha256 = release->sha256;
    auto pace =
        m_db.prepare(QStringLiteral("SELECT pace_credit, pace_ms FROM rollouts WHERE id = ?"));
    if (!pace)
        return pace.error();
    pace->bindAll({rolloutId});
    if (pace->next()) {
        c.paceCredit = pace->real(0);
        c.paceMs = pace->optionalInt64(1);
    }
    report.rollouts = 1;

    if (c.rollout.state == RolloutState::Scheduled) {
        if (!c.rollout.startAtMs || c.now < *c.rollout.startAtMs)
            return report; // nothing to do before the start time
        if (Status s = decide(c, RolloutAction::BeginScheduled,
                              QStringLiteral("the scheduled start time has come"),
                              QStringLiteral("rollout.begin-scheduled"));
            !s)
            return s.error();
        if (Status s = RolloutControl::beginRunning(runtime, c.rollout, c.now); !s)
            return s.error();
        auto again = store.header(rolloutId);
        if (!again)
            return again.error();
        c.rollout = again.value();
        c.paceCredit = 1;
        c.paceMs = c.now;
    }
    if (Status s = observe(c); !s)
        return s.error();
    if (!RolloutStates::isTerminal(c.rollout.state)) {
        if (Status s = judge(c); !s)
            return s.error();
        if (c.rollout.state == RolloutState::Running)
            if (Status s = startDevices(c); !s)
                return s.error();
    }
    if (report.transitions == 0 && report.decisions == 0 && report.started == 0 &&
        report.rollbacks == 0)
        return report; // nothing changed: no empty transaction, no audit anchor write
    if (Status s = tx.commit(); !s)
        return s.error();
    return report;
}

Result<RolloutDeviceMachine> RolloutEngine::machineOf(const Context &c,
                                                      const RolloutDeviceRecord &record) const
{
    return RolloutDeviceMachine::restore(
        RolloutRuntimeStore::setupFor(c.rollout, c.targetVersion, record.knownGood),
        record.snapshot);
}

Status RolloutEngine::apply(Context &c, RolloutDeviceRecord &record,
                            const RolloutDeviceMachine &machine,
                            const QList<RolloutDeviceTransition> &transitions)
{
    c.report->transitions += int(transitions.size());
    return c.runtime->applyTransitions(c.rollout.id, record, machine, transitions, kActor);
}

Status RolloutEngine::observe(Context &c)
{
    // Devices underway, and devices with a rollback to start or to follow. Finished rollouts
    // are observed too: a rollback of the whole rollout comes after it stopped.
    auto records = c.runtime->devices(
        c.rollout.id,
        QStringLiteral("rd.state IN ('notified', 'downloading', 'downloaded', 'verified', "
                       "'installing', 'rebooting', 'validating') OR (rd.rollback_requested_ms "
                       "IS NOT NULL AND rd.state != 'rolled_back')"));
    if (!records)
        return records.status();
    if (records->isEmpty())
        return Status::success();
    QList<qint64> jobRows;
    QList<qint64> deviceIds;
    for (const RolloutDeviceRecord &r : records.value()) {
        if (r.jobRow)
            jobRows << *r.jobRow;
        if (r.rollbackJobRow)
            jobRows << *r.rollbackJobRow;
        deviceIds << r.deviceId;
    }
    auto facts = m_db.prepare(QStringLiteral("SELECT id, fw_version, health, last_seen FROM "
                                             "devices WHERE id IN (SELECT value FROM "
                                             "json_each(?))"));
    if (!facts)
        return facts.status();
    facts->bindAll({idList(deviceIds)});
    while (facts->next())
        c.facts.insert(facts->int64(0),
                       DeviceFacts{facts->text(1), facts->text(2), facts->optionalInt64(3)});
    auto states = m_transport.jobStates(jobRows);
    if (!states)
        return states.status();
    m_jobStates = states.value();
    for (RolloutDeviceRecord &record : records.value())
        if (Status s = observeDevice(c, record); !s)
            return s;
    m_jobStates.clear();
    return Status::success();
}

Status RolloutEngine::observeDevice(Context &c, RolloutDeviceRecord &record)
{
    auto machine = machineOf(c, record);
    if (!machine)
        return machine.status();
    const RolloutDeviceState before = machine->state();
    const int changesBefore = c.report->transitions + c.report->rollbacks;
    QList<RolloutDeviceTransition> transitions;
    auto take = [&](const Result<RolloutDeviceOutcome> &outcome) {
        // A stale or out-of-order report is refused by the machine and changes nothing; it is
        // not an engine failure.
        if (outcome)
            transitions << outcome->transitions;
    };

    if (RolloutDeviceStates::isInProgress(machine->state()) && record.jobRow) {
        const auto js = m_jobStates.constFind(*record.jobRow);
        if (js != m_jobStates.constEnd()) {
            auto mapped = RolloutDeviceMachine::stateForTransport(js->state);
            // The engine samples the job's state once a tick: a device that installed,
            // rebooted and fell back between two ticks jumps straight to rolled_back. It
            // installed, so step it through "installing" first.
            if (mapped && mapped.value() == RolloutDeviceState::RolledBack &&
                !RolloutDeviceTransitionTable::check(machine->state(),
                                                     RolloutDeviceState::RolledBack))
                take(machine->onTransportReport(
                    QStringLiteral("installing"), c.now,
                    QStringLiteral("implied by its later report '%1'").arg(js->state)));
            if (mapped && mapped.value() != machine->state())
                take(machine->onTransportReport(js->state, c.now, js->reason));
        }
    }
    // The device's own post-boot checks run until its job ends: its inventory may already
    // show the new version while it is still deciding to fall back.
    bool jobOver = true;
    if (record.jobRow) {
        const auto js = m_jobStates.constFind(*record.jobRow);
        jobOver = js == m_jobStates.constEnd() || js->finished;
    }
    if (machine->state() == RolloutDeviceState::Validating && jobOver) {
        const DeviceFacts f = c.facts.value(record.deviceId);
        const bool onTarget = f.version == c.targetVersion;
        // Back on the old version: only believed once the device has been heard from well
        // after its job finished, since the inventory can lag the job's last report.
        const bool fellBack = !record.knownGood.isEmpty() && f.version == record.knownGood &&
                              f.lastSeenMs && record.snapshot.stepStartedMs &&
                              *f.lastSeenMs >= *machine->snapshot().stepStartedMs + fallBackGraceMs;
        if (onTarget || fellBack) {
            DeviceValidationReport report;
            report.version = f.version;
            report.healthy =
                f.health != QLatin1String("failing") && f.health != QLatin1String("degraded");
            if (!report.healthy)
                report.healthProblem =
                    QStringLiteral("the device reports its health as %1").arg(f.health);
            report.atMs = c.now;
            take(machine->onValidationReport(report));
        }
    }
    take(machine->onTick(c.now));

    // A device that failed in the engine's eyes (a timeout, a failed validation) may still have
    // an open job: withdraw it, so a retry or a rollback can be handed out.
    if (!RolloutDeviceStates::isInProgress(machine->state()) &&
        RolloutDeviceStates::isInProgress(before) && record.jobRow) {
        const auto js = m_jobStates.constFind(*record.jobRow);
        if (js != m_jobStates.constEnd() && !js->finished)
            if (Status s = m_transport.cancel(
                    *c.tx, *record.jobRow,
                    QStringLiteral("rollout '%1': the device %2")
                        .arg(c.rollout.name, RolloutDeviceStates::displayName(machine->state())));
                !s)
                c.report->problems << QStringLiteral("%1: %2").arg(record.uid, s.message());
    }
    if (!transitions.isEmpty())
        if (Status s = apply(c, record, machine.value(), transitions); !s)
            return s;
    if (Status s = afterFailure(c, record, machine.value()); !s)
        return s;
    if (Status s = handleRollback(c, record, machine.value()); !s)
        return s;
    if (c.report->transitions + c.report->rollbacks != changesBefore)
        return c.runtime->saveDevice(c.rollout.id, record);
    return Status::success();
}

Status RolloutEngine::afterFailure(Context &c, RolloutDeviceRecord &record,
                                   RolloutDeviceMachine &machine)
{
    if (!RolloutDeviceStates::isRetryable(machine.state()) || record.rollbackRequestedMs)
        return Status::success();
    if (record.finishedMs != c.now)
        return Status::success(); // only right after the failure, not on every later tick
    const bool going =
        c.rollout.state == RolloutState::Running || c.rollout.state == RolloutState::Paused;
    const FailureKind kind = machine.failureKind().value_or(FailureKind::Install);
    if (going && machine.retryBudget().allowsRetry(kind)) {
        auto retried = machine.retry(c.now, QStringLiteral("automatic retry"));
        if (retried) {
            record.jobRow.reset();
            return apply(c, record, machine, retried->transitions);
        }
    }
    if (c.rollout.plan.autoRollback && !record.knownGood.isEmpty()) {
        record.updatedMs = c.now;
        return RolloutControl::requestRollback(
            c.rollout, record, machine.state(), c.now, *c.runtime, kActor,
            QStringLiteral("automatic: the retries for %1 failures are spent")
                .arg(RetryBudget::kindName(kind)));
    }
    return Status::success();
}

Status RolloutEngine::handleRollback(Context &c, RolloutDeviceRecord &record,
                                     RolloutDeviceMachine &machine)
{
    if (!record.rollbackRequestedMs || machine.state() == RolloutDeviceState::RolledBack)
        return Status::success();
    if (RolloutDeviceStates::isInProgress(machine.state()))
        return Status::success(); // let the attempt end first
    const DeviceFacts f = c.facts.value(record.deviceId);
    auto finish = [&](const QString &reason) -> Status {
        auto done = machine.rolledBack(c.now, reason);
        if (!done)
            return done.status();
        return apply(c, record, machine, done->transitions);
    };
    auto giveUp = [&](const QString &why) -> Status {
        record.rollbackRequestedMs.reset();
        record.rollbackJobRow.reset();
        record.reason = why;
        record.updatedMs = c.now;
        RolloutEvent e;
        e.atMs = c.now;
        e.deviceId = record.deviceId;
        e.wave = record.wave;
        e.kind = QStringLiteral("device");
        e.fromState = e.toState = RolloutDeviceStates::name(machine.state());
        e.actor = kActor;
        e.reason = why;
        ++c.report->transitions;
        return c.runtime->addEvent(c.rollout.id, e);
    };
    if (!record.rollbackJobRow) {
        if (f.version == record.knownGood)
            return finish(QStringLiteral("already on its known-good version %1; nothing to send")
                              .arg(record.knownGood));
        auto handOff =
            m_transport.startRollback(*c.tx, {RollbackTarget{record.deviceId, record.knownGood}},
                                      QStringLiteral("rollout '%1': back to known-good %2")
                                          .arg(c.rollout.name, record.knownGood));
        if (!handOff)
            return handOff.status();
        if (!handOff->refused.isEmpty())
            return giveUp(
                QStringLiteral("rollback refused: %1").arg(handOff->refused.front().reason));
        if (handOff->handed.isEmpty())
            return Status::success();
        record.rollbackJobRow = handOff->handed.front().jobRow;
        record.updatedMs = c.now;
        ++c.report->rollbacks;
        RolloutEvent e;
        e.atMs = c.now;
        e.deviceId = record.deviceId;
        e.wave = record.wave;
        e.kind = QStringLiteral("device");
        e.fromState = e.toState = RolloutDeviceStates::name(machine.state());
        e.actor = kActor;
        e.reason = QStringLiteral("rollback to %1 sent").arg(record.knownGood);
        return c.runtime->addEvent(c.rollout.id, e);
    }
    const auto js = m_jobStates.constFind(*record.rollbackJobRow);
    if (js == m_jobStates.constEnd() || !js->finished)
        return Status::success();
    if (js->state == QLatin1String("succeeded") || f.version == record.knownGood)
        return finish(QStringLiteral("back on known-good %1").arg(record.knownGood));
    return giveUp(
        QStringLiteral("rollback to %1 %2: %3").arg(record.knownGood, js->state, js->reason));
}

Status RolloutEngine::decide(Context &c, RolloutAction action, const QString &reason,
                             const QString &auditAction)
{
    RolloutActionContext context;
    context.actor = kActor;
    context.automatic = true;
    context.reason = reason;
    context.creator = c.rollout.createdBy;
    context.startAtMs = c.rollout.startAtMs;
    context.nowMs = c.now;
    auto change = RolloutStateMachine::apply(c.rollout.state, action, context);
    if (!change)
        return change.status();
    if (Status s = c.runtime->setRolloutState(c.rollout.id, change->to, c.now); !s)
        return s;
    if (RolloutStates::isTerminal(change->to))
        if (Status s = c.runtime->setRolloutColumns(c.rollout.id,
                                                    {{QStringLiteral("finished_ms"), c.now}});
            !s)
            return s;
    RolloutEvent e;
    e.atMs = c.now;
    e.wave = c.rollout.currentWave;
    e.kind = QStringLiteral("decision");
    e.fromState = RolloutStates::name(change->from);
    e.toState = RolloutStates::name(change->to);
    e.actor = kActor;
    e.reason = reason;
    if (Status s = c.runtime->addEvent(c.rollout.id, e); !s)
        return s;
    if (Status s =
            c.tx->record({auditAction, QStringLiteral("rollout"), c.rollout.name,
                          QJsonObject{{QStringLiteral("state"), RolloutStates::name(change->from)}},
                          QJsonObject{{QStringLiteral("state"), RolloutStates::name(change->to)},
                                      {QStringLiteral("wave"), c.rollout.currentWave}},
                          reason});
        !s)
        return s;
    c.rollout.state = change->to;
    ++c.report->decisions;
    return Status::success();
}

Status RolloutEngine::advanceWave(Context &c, int wave, const QString &reason)
{
    const qint64 startsAt = c.now + qint64(c.rollout.plan.minutesBetweenWaves) * 60'000;
    if (Status s = c.runtime->setRolloutColumns(c.rollout.id,
                                                {{QStringLiteral("current_wave"), wave},
                                                 {QStringLiteral("wave_started_ms"), startsAt},
                                                 {QStringLiteral("acknowledged_failures"), 0},
                                                 {QStringLiteral("updated_ms"), c.now}});
        !s)
        return s;
    RolloutEvent e;
    e.atMs = c.now;
    e.wave = c.rollout.currentWave;
    e.kind = QStringLiteral("wave");
    e.fromState = QString::number(c.rollout.currentWave);
    e.toState = QString::number(wave);
    e.actor = kActor;
    e.reason = reason;
    if (Status s = c.runtime->addEvent(c.rollout.id, e); !s)
        return s;
    if (Status s = c.tx->record({QStringLiteral("rollout.next-wave"), QStringLiteral("rollout"),
                                 c.rollout.name,
                                 QJsonObject{{QStringLiteral("wave"), c.rollout.currentWave}},
                                 QJsonObject{{QStringLiteral("wave"), wave}}, reason});
        !s)
        return s;
    c.rollout.currentWave = wave;
    c.rollout.waveStartedMs = startsAt;
    c.rollout.acknowledgedFailures = 0;
    ++c.report->decisions;
    return Status::success();
}

Status RolloutEngine::judge(Context &c)
{
    auto counts = c.runtime->waveCounts(c.rollout.id);
    if (!counts)
        return counts.status();
    if (c.rollout.state == RolloutState::Stopping) {
        qint64 underway = 0;
        for (const WaveCounts &w : counts.value())
            underway += w.inProgress;
        if (underway > 0)
            return Status::success();
        return decide(c, RolloutAction::StopCompleted,
                      QStringLiteral("the last device underway has finished"),
                      QStringLiteral("rollout.stopped"));
    }
    if (c.rollout.state != RolloutState::Running)
        return Status::success();

    const int wave = c.rollout.currentWave;
    const WaveCounts full = counts->value(wave);
    // The pilot passes only when every pilot device succeeded and validated, whatever the
    // waves' own success threshold.
    WaveThresholds thresholds = c.rollout.plan.thresholds;
    if (wave == 0)
        thresholds.successPercent = 100;
    const QString waveName =
        wave == 0 ? QStringLiteral("the pilot") : QStringLiteral("wave %1").arg(wave);
    // Abort is judged on every failure of the wave.
    const WaveVerdict abort = WaveVerdict::judge(full, thresholds);
    if (abort.decision() == WaveVerdict::Decision::Abort) {
        if (Status s = decide(c, RolloutAction::Cancel,
                              QStringLiteral("%1: %2").arg(waveName, abort.reason()),
                              QStringLiteral("rollout.gate-abort"));
            !s)
            return s;
        return RolloutControl::cancelQueued(m_db, c.rollout.id, c.now, kActor,
                                            QStringLiteral("the wave's gate aborted it"));
    }
    // Pause and success are judged on the failures no person has seen yet: those acknowledged
    // by resuming are set aside, as cancelled devices are.
    WaveCounts seen = full;
    qint64 acknowledged = c.rollout.acknowledgedFailures;
    for (qint64 *n : {&seen.failed, &seen.timedOut, &seen.rolledBack, &seen.rejected}) {
        const qint64 take = qMin(*n, acknowledged);
        *n -= take;
        seen.cancelled += take;
        acknowledged -= take;
    }
    const WaveVerdict verdict = WaveVerdict::judge(seen, thresholds);
    switch (verdict.decision()) {
    case WaveVerdict::Decision::Continue:
        return Status::success();
    case WaveVerdict::Decision::Pause:
    case WaveVerdict::Decision::Abort:
        return decide(c, RolloutAction::Pause,
                      QStringLiteral("%1: %2").arg(waveName, verdict.reason()),
                      QStringLiteral("rollout.gate-pause"));
    case WaveVerdict::Decision::WaveSucceeded:
        break;
    }

    std::optional<int> next;
    for (auto it = counts->cbegin(); it != counts->cend(); ++it)
        if (it.key() > wave && it.value().total() > 0) {
            next = it.key();
            break;
        }
    if (wave == 0 && next) {
        TestPassStore passes(m_db, m_audit);
        auto gate = passes.gatePassed(c.sha256);
        if (!gate)
            return gate.status();
        if (!gate.value() || c.rollout.plan.approvePilot)
            return decide(
                c, RolloutAction::Pause,
                QStringLiteral("the pilot passed (%1); %2")
                    .arg(verdict.reason(),
                         gate.value()
                             ? QStringLiteral("the plan asks a person to approve it before "
                                              "the waves")
                             : QStringLiteral("a person must sign its results as the test pass "
                                              "record: resume with the signing key")),
                QStringLiteral("rollout.pilot-passed"));
    }
    if (next)
        return advanceWave(c, *next,
                           QStringLiteral("%1 passed: %2").arg(waveName, verdict.reason()));
    WaveCounts all;
    for (const WaveCounts &w : counts.value())
        all.add(w);
    if (all.unfinished() > 0)
        return Status::success(); // an earlier wave, forced past, still has devices underway
    return decide(c, RolloutAction::Finish,
                  QStringLiteral("every wave is done: %1 devices succeeded, %2 failed or were "
                                 "rolled back, %3 were cancelled or removed")
                      .arg(all.succeeded)
                      .arg(all.failures())
                      .arg(all.cancelled + all.removed),
                  QStringLiteral("rollout.finished"));
}

Result<QList<qint64>> RolloutEngine::openDevices(Context &c, int limit)
{
    QString where = QStringLiteral("rd.rollout_id = ? AND rd.state = 'queued' AND rd.wave <= ?");
    QVariantList binds{c.rollout.id, c.rollout.currentWave};
    const QList<MaintenanceWindow> &windows = c.rollout.plan.windows;
    if (!windows.isEmpty() && !c.rollout.windowsOverridden) {
        // Each site's windows in the site's own zone: which zones are open right now.
        auto zones = m_db.prepare(
            QStringLiteral(
                "SELECT DISTINCT s.time_zone FROM rollout_devices rd JOIN devices d ON d.id = "
                "rd.device_id JOIN sites s ON s.id = d.site_id WHERE ") +
            where);
        if (!zones)
            return zones.error();
        zones->bindAll(binds);
        const QDateTime nowUtc = QDateTime::fromMSecsSinceEpoch(c.now, Qt::UTC);
        QJsonArray open;
        while (zones->next()) {
            const QString zone = zones->text(0);
            const QTimeZone tz(zone.toUtf8());
            if (tz.isValid() && WeeklySchedule(tz, windows).isOpen(nowUtc))
                open << zone;
        }
        if (open.isEmpty())
            return QList<qint64>();
        where += QStringLiteral(" AND d.site_id IN (SELECT id FROM sites WHERE time_zone IN "
                                "(SELECT value FROM json_each(?)))");
        binds << QString::fromUtf8(QJsonDocument(open).toJson(QJsonDocument::Compact));
    }
    auto s = m_db.prepare(QStringLiteral("SELECT rd.device_id FROM rollout_devices rd JOIN "
                                         "devices d ON d.id = rd.device_id WHERE ") +
                          where + QStringLiteral(" ORDER BY rd.wave, rd.rowid LIMIT ?"));
    if (!s)
        return s.error();
    s->bindAll(binds + QVariantList{limit});
    QList<qint64> ids;
    while (s->next())
        ids << s->int64(0);
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return ids;
}

Status RolloutEngine::removeLeavers(Context &c)
{
    // A queued device that was quarantined, or is being or has been decommissioned, since the
    // rollout was made has left its target set: it is not started, and does not count.
    auto leaving = c.runtime->devices(
        c.rollout.id, QStringLiteral("rd.state = 'queued' AND d.state IN ('quarantined', "
                                     "'decommissioning', 'retired')"));
    if (!leaving)
        return leaving.status();
    for (RolloutDeviceRecord &record : leaving.value()) {
        auto machine = machineOf(c, record);
        if (!machine)
            return machine.status();
        auto state = m_db.scalar(QStringLiteral("SELECT state FROM devices WHERE id = ?"),
                                 {record.deviceId});
        if (!state)
            return state.status();
        auto removed =
            machine->remove(c.now, QStringLiteral("the device is %1 now").arg(state->toString()));
        if (!removed)
            return removed.status();
        if (Status s = apply(c, record, machine.value(), removed->transitions); !s)
            return s;
        if (Status s = c.runtime->saveDevice(c.rollout.id, record); !s)
            return s;
    }
    return Status::success();
}

Status RolloutEngine::startDevices(Context &c)
{
    if (Status s = removeLeavers(c); !s)
        return s;
    if (c.rollout.waveStartedMs && c.now < *c.rollout.waveStartedMs)
        return Status::success(); // the pause between waves
    // A token bucket: credit accrues at the plan's rate and holds at most ten seconds' worth
    // (and at least one device), so a rollout that waited for its window does not burst.
    const double rate = c.rollout.plan.devicesPerMinute;
    const double burst = qMax(1.0, rate / 6.0);
    const double elapsed = c.paceMs ? double(qMax<qint64>(0, c.now - *c.paceMs)) : 0.0;
    const double credit = qMin(burst, c.paceCredit + rate * elapsed / 60'000.0);
    auto underway = c.runtime->inProgressCount(c.rollout.id);
    if (!underway)
        return underway.status();
    const qint64 freeSlots = qint64(c.rollout.plan.maxConcurrent) - underway.value();
    const int n = int(qMin<qint64>(qMin<qint64>(qint64(std::floor(credit)), freeSlots),
                                   qint64(m_maxStartsPerTick)));
    if (n <= 0)
        return Status::success();
    auto ids = openDevices(c, n);
    if (!ids)
        return ids.status();
    if (ids->isEmpty())
        return Status::success();
    const QString waveName = c.rollout.currentWave == 0
                                 ? QStringLiteral("pilot")
                                 : QStringLiteral("wave %1").arg(c.rollout.currentWave);
    auto handOff =
        m_transport.startInstall(*c.tx, c.rollout.releaseId, ids.value(),
                                 QStringLiteral("rollout '%1', %2").arg(c.rollout.name, waveName));
    if (!handOff)
        return handOff.status();
    QHash<qint64, qint64> jobOf;
    for (const TransportHandOff::Handed &h : handOff->handed)
        jobOf.insert(h.deviceId, h.jobRow);
    QHash<qint64, QString> refusedWhy;
    for (const TransportHandOff::Refused &r : handOff->refused)
        refusedWhy.insert(r.deviceId, r.reason);
    auto records = c.runtime->devices(
        c.rollout.id, QStringLiteral("rd.device_id IN (SELECT value FROM json_each(?))"),
        {idList(ids.value())});
    if (!records)
        return records.status();
    for (RolloutDeviceRecord &record : records.value()) {
        auto machine = machineOf(c, record);
        if (!machine)
            return machine.status();
        Result<RolloutDeviceOutcome> outcome = RolloutDeviceOutcome{};
        if (jobOf.contains(record.deviceId)) {
            outcome = machine->notify(c.now);
            record.jobRow = jobOf.value(record.deviceId);
            ++record.attempts;
            ++c.report->started;
        } else {
            outcome = machine->remove(
                c.now, QStringLiteral("it could not be started: %1")
                           .arg(refusedWhy.value(record.deviceId,
                                                 QStringLiteral("the transport did not take it"))));
        }
        if (!outcome)
            return outcome.status();
        if (Status s = apply(c, record, machine.value(), outcome->transitions); !s)
            return s;
        if (Status s = c.runtime->saveDevice(c.rollout.id, record); !s)
            return s;
    }
    c.paceCredit = credit - double(ids->size());
    c.paceMs = c.now;
    return c.runtime->setRolloutColumns(
        c.rollout.id,
        {{QStringLiteral("pace_credit"), c.paceCredit}, {QStringLiteral("pace_ms"), c.now}});
}

} // namespace fleet
