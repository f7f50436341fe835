// RolloutEngine with the workspace's own transport (jobs for DDI devices), driven by a manual
// clock. Devices "report" the way the update server and the ingest write their reports: job
// states in `jobs`, the running version and health in `devices`. Checks the pilot and the
// signed test gate, the rate limit and the concurrency cap, the wave gates (pause with the
// figures, resume, abort), timeouts with automatic retries, automatic rollback, maintenance
// windows in the site's zone, and that a fresh engine (a restart after kill -9) neither skips
// a device nor hands one a second install.

#include "DdiFixture.h"
#include "firmware/SigningKeyStore.h"
#include "rollout/JobRolloutTransport.h"
#include "rollout/RolloutControl.h"
#include "rollout/RolloutEngine.h"
#include "rollout/RolloutService.h"
#include "rollout/RolloutStatus.h"
#include "rollout/TestPassStore.h"

#include <QTest>

using namespace fleet;
using fleet::test::column;
using fleet::test::DdiFixture;
using fleet::test::scalarOf;

namespace {

struct Rig
{
    DdiFixture f;
    qint64 release = 0;
    QList<qint64> targets;
    QList<qint64> pilots;
    std::unique_ptr<JobRolloutTransport> transport;
    std::unique_ptr<RolloutEngine> engine;

    Rig(int targetCount, int pilotCount)
    {
        release = f.addRelease(2, 5, 0);
        for (int i = 1; i <= targetCount; ++i) {
            const QString uid = QStringLiteral("t-%1").arg(i, 3, 10, QLatin1Char('0'));
            f.addDevice(uid);
            targets << f.deviceId(uid);
        }
        for (int i = 1; i <= pilotCount; ++i) {
            const QString uid = QStringLiteral("lab-%1").arg(i);
            f.addDevice(uid);
            pilots << f.deviceId(uid);
        }
        restartEngine();
    }

    // A new engine object over the same workspace: what a restarted process has.
    void restartEngine()
    {
        engine.reset();
        transport =
            std::make_unique<JobRolloutTransport>(f.ws.db(), f.ws.session().audit(), QUrl());
        engine = std::make_unique<RolloutEngine>(f.ws.db(), f.ws.session().audit(), f.ws.clock(),
                                                 *transport);
    }

    RolloutControl control()
    {
        return RolloutControl(f.ws.db(), f.ws.session().audit(), f.ws.clock());
    }

    qint64 create(const RolloutPlanSpec &plan)
    {
        RolloutService service(f.ws.db(), f.ws.session().audit(), f.ws.clock());
        auto created = service.create(QStringLiteral("r1"), release, targets, pilots, plan,
                                      QStringLiteral("test"));
        if (!created)
            qFatal("create: %s", qPrintable(created.message()));
        return created->id;
    }

    void recordBenchPass()
    {
        SigningKeyStore keys(f.ws.db(), f.ws.session().audit(), f.ws.path());
        auto key = keys.unlock(QByteArray(DdiFixture::passphrase));
        if (!key)
            qFatal("unlock: %s", qPrintable(key.message()));
        TestPassStore passes(f.ws.db(), f.ws.session().audit());
        if (auto r = passes.record(release, TestPassRecord::Source::Bench,
                                   QStringLiteral("lab run 1"), key.value());
            !r)
            qFatal("pass: %s", qPrintable(r.message()));
    }

    // Records a signed bench pass, submits and starts rollout "r1": how most cases begin.
    bool startWithBenchPass(RolloutControl &control)
    {
        recordBenchPass();
        return control.submit(QStringLiteral("r1")).ok() &&
               control.start(QStringLiteral("r1"), QStringLiteral("go")).ok();
    }

    RolloutTickReport tick()
    {
        auto r = engine->tick();
        if (!r)
            qFatal("tick: %s", qPrintable(r.message()));
        for (const QString &p : r->problems)
            qWarning("problem: %s", qPrintable(p));
        return r.value();
    }

    QString state(qint64 rolloutId)
    {
        return scalarOf(f.ws.db(), QStringLiteral("SELECT state FROM rollouts WHERE id = ?"),
                        {rolloutId})
            .toString();
    }
    QString deviceState(qint64 deviceId)
    {
        return scalarOf(f.ws.db(),
                        QStringLiteral("SELECT state FROM rollout_devices WHERE device_id = ?"),
                        {deviceId})
            .toString();
    }
    qint64 count(const QString &sql, const QVariantList &binds = {})
    {
        return scalarOf(f.ws.db(), sql, binds).toLongLong();
    }
    qint64 inState(const QString &state)
    {
        return count(QStringLiteral("SELECT count(*) FROM rollout_devices WHERE state = ?"),
                     {state});
    }

    // Every unfinished job of the devices given ends as the device would report it; succeeded
    // devices then run `version`.
    void finishJobs(const QString &jobState, const QList<qint64> &devices,
                    const QString &version = QStringLiteral("2.5.0"))
    {
        const qint64 now = f.ws.clock().nowMs();
        for (qint64 d : devices) {
            exec(QStringLiteral("UPDATE jobs SET state = ?, updated_ms = ?, "
                                "finished_ms = ?, reason = 'device said so' WHERE "
                                "device_id = ? AND finished_ms IS NULL"),
                 {jobState, now, now, d});
            if (jobState == QLatin1String("succeeded"))
                exec(QStringLiteral("UPDATE devices SET fw_version = ?, last_seen = "
                                    "?, health = 'ok' WHERE id = ?"),
                     {version, now, d});
        }
    }
    void exec(const QString &sql, const QVariantList &binds = {})
    {
        if (Status s = f.ws.db().execute(sql, binds); !s)
            qFatal("%s: %s", qPrintable(sql), qPrintable(s.message()));
    }
    QList<qint64> devicesIn(const QString &state)
    {
        QList<qint64> ids;
        for (const QString &v :
             column(f.ws.db(), QStringLiteral("SELECT device_id FROM rollout_devices WHERE state "
                                              "= '%1' ORDER BY rowid")
                                   .arg(state)))
            ids << v.toLongLong();
        return ids;
    }
};

RolloutPlanSpec fastPlan()
{
    RolloutPlanSpec plan;
    plan.devicesPerMinute = 600; // ten a second, bursts of 100
    plan.maxConcurrent = 1000;
    return plan;
}

} // namespace

class TestRolloutEngine : public QObject
{
    Q_OBJECT

private slots:
    void pilotNeedsASignedPassBeforeTheWaves()
    {
        Rig rig(6, 2);
        RolloutPlanSpec plan = fastPlan();
        const qint64 id = rig.create(plan);
        auto control = rig.control();
        QVERIFY(control.submit(QStringLiteral("r1")).ok());
        // No pass record, but a pilot: the rollout may start, only the pilot goes.
        auto started = control.start(QStringLiteral("r1"), QStringLiteral("go"));
        QVERIFY2(started.ok(), qPrintable(started.message()));
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.inState(QStringLiteral("notified")), 2);
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM jobs WHERE origin = 'rollout'")),
                 2);
        rig.finishJobs(QStringLiteral("succeeded"), rig.pilots);
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.inState(QStringLiteral("succeeded")), 2);
        QCOMPARE(rig.state(id), QStringLiteral("paused"));
        QVERIFY(rig.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                         "'rollout.pilot-passed' AND reason LIKE '%sign%'")) == 1);
        // Resuming without the key is refused; with it, the pilot's pass is signed and wave 1
        // begins.
        auto refused = control.resume(QStringLiteral("r1"), QStringLiteral("pilot ok"));
        QVERIFY(!refused.ok());
        QVERIFY(refused.message().contains(QLatin1String("signing key")));
        SigningKeyStore keys(rig.f.ws.db(), rig.f.ws.session().audit(), rig.f.ws.path());
        auto key = keys.unlock(QByteArray(DdiFixture::passphrase));
        QVERIFY(key.ok());
        auto resumed =
            control.resume(QStringLiteral("r1"), QStringLiteral("pilot ok"), &key.value());
        QVERIFY2(resumed.ok(), qPrintable(resumed.message()));
        QCOMPARE(resumed->currentWave, 1);
        RolloutStatusReader reader(rig.f.ws.db());
        auto status = reader.status(id);
        QVERIFY(status.ok());
        QVERIFY(status->testGatePassed);
        QCOMPARE(status->testPasses.size(), 1);
        QVERIFY(status->testPasses.front().summary.contains(QLatin1String("2 of 2")));
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.inState(QStringLiteral("notified")), 6);
        rig.finishJobs(QStringLiteral("succeeded"), rig.targets);
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.inState(QStringLiteral("succeeded")), 8);
        QCOMPARE(rig.state(id), QStringLiteral("finished"));
    }

    void thePilotPassesOnlyWhenEveryPilotDeviceSucceeded()
    {
        Rig rig(4, 2);
        RolloutPlanSpec plan = fastPlan();
        plan.thresholds.successPercent = 50; // the waves' threshold; the pilot's is 100 %
        plan.retries = RetryLimits{0, 0, 0, 0, 0};
        const qint64 id = rig.create(plan);
        auto control = rig.control();
        QVERIFY(rig.startWithBenchPass(control));
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        rig.finishJobs(QStringLiteral("succeeded"), {rig.pilots[0]});
        rig.finishJobs(QStringLiteral("failed"), {rig.pilots[1]});
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.state(id), QStringLiteral("paused"));
        QCOMPARE(rig.inState(QStringLiteral("notified")), 0); // no wave device was started
        QVERIFY(scalarOf(rig.f.ws.db(), QStringLiteral("SELECT reason FROM rollout_events WHERE "
                                                       "kind = 'decision' ORDER BY id DESC"))
                    .toString()
                    .startsWith(QLatin1String("the pilot:")));
    }

    void startWithoutPilotNeedsAPassRecord()
    {
        Rig rig(3, 0);
        rig.create(fastPlan());
        auto control = rig.control();
        QVERIFY(control.submit(QStringLiteral("r1")).ok());
        auto refused = control.start(QStringLiteral("r1"), QStringLiteral("go"));
        QVERIFY(!refused.ok());
        QVERIFY(refused.message().contains(QLatin1String("pass record")));
        rig.recordBenchPass();
        QVERIFY(control.start(QStringLiteral("r1"), QStringLiteral("go")).ok());
        // A pass record edited in the file no longer opens the gate.
        rig.exec(QStringLiteral("UPDATE release_test_passes SET summary = 'x'"));
        RolloutStatusReader reader(rig.f.ws.db());
        QVERIFY(!reader.status(1)->testGatePassed);
    }

    void rateAndConcurrencyBoundStarts_data()
    {
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("concurrent");
        QTest::addColumn<int>("firstTick");
        QTest::addColumn<int>("afterTenSeconds");
        // Bucket: one credit at start, up to rate/6 (ten seconds' worth).
        QTest::newRow("60/min") << 60 << 1000 << 1 << 10;
        QTest::newRow("capped at 4 underway") << 600 << 4 << 1 << 4;
        QTest::newRow("6/min") << 6 << 1000 << 1 << 1;
    }
    void rateAndConcurrencyBoundStarts()
    {
        QFETCH(int, rate);
        QFETCH(int, concurrent);
        QFETCH(int, firstTick);
        QFETCH(int, afterTenSeconds);
        Rig rig(20, 0);
        RolloutPlanSpec plan;
        plan.devicesPerMinute = rate;
        plan.maxConcurrent = concurrent;
        rig.create(plan);
        auto control = rig.control();
        QVERIFY(rig.startWithBenchPass(control));
        rig.tick();
        QCOMPARE(rig.inState(QStringLiteral("notified")), firstTick);
        rig.f.ws.clock().advanceMs(10'000);
        rig.tick();
        QCOMPARE(rig.inState(QStringLiteral("notified")),
                 qint64(firstTick + afterTenSeconds) > concurrent ? concurrent
                                                                  : firstTick + afterTenSeconds);
    }

    void gatePausesWithTheFiguresThenResumesAndFinishes()
    {
        Rig rig(10, 0);
        RolloutPlanSpec plan = fastPlan();
        plan.thresholds.successPercent = 80;
        plan.thresholds.pauseFailurePercent = 10;
        plan.retries = RetryLimits{0, 0, 0, 0, 0};
        const qint64 id = rig.create(plan);
        auto control = rig.control();
        QVERIFY(rig.startWithBenchPass(control));
        rig.f.ws.clock().advanceMs(20'000);
        rig.tick();
        QCOMPARE(rig.inState(QStringLiteral("notified")), 10);
        // 2 of the first 5 fail: 40 % > 10 %.
        const QList<qint64> first = rig.targets.mid(0, 5);
        rig.finishJobs(QStringLiteral("failed"), first.mid(0, 2));
        rig.finishJobs(QStringLiteral("succeeded"), first.mid(2));
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.state(id), QStringLiteral("paused"));
        const QString why =
            scalarOf(rig.f.ws.db(), QStringLiteral("SELECT reason FROM audit_log WHERE action = "
                                                   "'rollout.gate-pause'"))
                .toString();
        QVERIFY2(why.contains(QLatin1String("2 of 5")), qPrintable(why));
        // Devices underway still report while paused.
        rig.finishJobs(QStringLiteral("succeeded"), rig.targets.mid(5));
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.inState(QStringLiteral("succeeded")), 8);
        QCOMPARE(rig.state(id), QStringLiteral("paused"));
        // A person resumes: those failures are acknowledged, the wave is done, 8 of 8 left.
        QVERIFY(control.resume(QStringLiteral("r1"), QStringLiteral("known bad batch")).ok());
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.state(id), QStringLiteral("finished"));
    }

    void abortStopsTheRollout()
    {
        Rig rig(10, 0);
        RolloutPlanSpec plan = fastPlan();
        plan.devicesPerMinute = 12; // two at a time
        plan.thresholds.abortAfterFailures = 1;
        plan.retries = RetryLimits{0, 0, 0, 0, 0};
        const qint64 id = rig.create(plan);
        auto control = rig.control();
        QVERIFY(rig.startWithBenchPass(control));
        rig.f.ws.clock().advanceMs(20'000);
        rig.tick();
        const QList<qint64> started = rig.devicesIn(QStringLiteral("notified"));
        QVERIFY(started.size() >= 2);
        rig.finishJobs(QStringLiteral("failed"), started.mid(0, 2));
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.state(id), QStringLiteral("stopping"));
        QCOMPARE(rig.inState(QStringLiteral("queued")), 0);
        rig.finishJobs(QStringLiteral("succeeded"), started.mid(2));
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.state(id), QStringLiteral("stopped"));
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                          "'rollout.gate-abort'")),
                 1);
    }

    void aDeviceThatLeftTheTargetSetIsRemoved()
    {
        Rig rig(3, 0);
        RolloutPlanSpec plan = fastPlan();
        plan.devicesPerMinute = 6; // one device at a time
        const qint64 id = rig.create(plan);
        auto control = rig.control();
        QVERIFY(rig.startWithBenchPass(control));
        rig.exec(QStringLiteral("UPDATE devices SET state = 'quarantined' WHERE id = ?"),
                 {rig.targets[2]});
        rig.tick();
        QCOMPARE(rig.deviceState(rig.targets[2]), QStringLiteral("removed"));
        QVERIFY(scalarOf(rig.f.ws.db(),
                         QStringLiteral("SELECT reason FROM rollout_devices WHERE "
                                        "device_id = ?"),
                         {rig.targets[2]})
                    .toString()
                    .contains(QLatin1String("quarantined")));
        for (int i = 0; i < 10 && rig.state(id) != QLatin1String("finished"); ++i) {
            rig.finishJobs(QStringLiteral("succeeded"), rig.devicesIn(QStringLiteral("notified")));
            rig.f.ws.clock().advanceMs(20'000);
            rig.tick();
        }
        // Removed devices neither help nor hurt the gate: 2 of 2 counted succeeded.
        QCOMPARE(rig.state(id), QStringLiteral("finished"));
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM jobs WHERE device_id = ?"),
                           {rig.targets[2]}),
                 0);
    }

    // The device's own post-boot check runs until its job ends: an inventory that already
    // shows the new version is not yet a success (found by tst_rolloutfleet with fleetsim's
    // --bad-boot, where a device reported 2.5.0 at boot and then fell back).
    void validationWaitsForTheDevicesOwnCheck()
    {
        Rig rig(1, 0);
        RolloutPlanSpec plan = fastPlan();
        plan.retries = RetryLimits{0, 0, 0, 0, 0};
        plan.thresholds.successPercent = 0;
        const qint64 id = rig.create(plan);
        auto control = rig.control();
        QVERIFY(rig.startWithBenchPass(control));
        rig.tick();
        const qint64 now = rig.f.ws.clock().nowMs();
        rig.exec(QStringLiteral("UPDATE jobs SET state = 'verifying', updated_ms = ?"), {now});
        rig.exec(QStringLiteral("UPDATE devices SET fw_version = '2.5.0', health = 'ok', "
                                "last_seen = ?"),
                 {now});
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.deviceState(rig.targets[0]), QStringLiteral("validating"));
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM jobs WHERE state = "
                                          "'cancelled'")),
                 0);
        rig.exec(QStringLiteral("UPDATE jobs SET state = 'rolled_back', finished_ms = ?"), {now});
        rig.exec(QStringLiteral("UPDATE devices SET fw_version = '2.4.1'"));
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.deviceState(rig.targets[0]), QStringLiteral("rolled_back"));
        QCOMPARE(rig.state(id), QStringLiteral("finished"));
    }

    // Sampled once a tick, a device can go from "notified" to "rolled_back" between two
    // ticks (installed, rebooted, fell back); it must not be stuck in between.
    void aFallBackBetweenTwoTicksIsNotLost_data()
    {
        QTest::addColumn<QString>("seenBefore");
        QTest::newRow("from notified") << QString();
        QTest::newRow("from downloading") << QStringLiteral("downloading");
    }
    void aFallBackBetweenTwoTicksIsNotLost()
    {
        QFETCH(QString, seenBefore);
        Rig rig(1, 0);
        RolloutPlanSpec plan = fastPlan();
        plan.retries = RetryLimits{0, 0, 0, 0, 0};
        rig.create(plan);
        auto control = rig.control();
        QVERIFY(rig.startWithBenchPass(control));
        rig.tick();
        const qint64 now = rig.f.ws.clock().nowMs();
        if (!seenBefore.isEmpty()) {
            rig.exec(QStringLiteral("UPDATE jobs SET state = ?, updated_ms = ?"),
                     {seenBefore, now});
            rig.f.ws.clock().advanceMs(1000);
            rig.tick();
        }
        rig.exec(QStringLiteral("UPDATE jobs SET state = 'rolled_back', finished_ms = ?"), {now});
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.deviceState(rig.targets[0]), QStringLiteral("rolled_back"));
    }

    void timeoutRetriesWithANewJob()
    {
        Rig rig(1, 0);
        RolloutPlanSpec plan = fastPlan();
        plan.timeouts.downloadMs = 60'000;
        plan.retries.timeout = 1;
        rig.create(plan);
        auto control = rig.control();
        QVERIFY(rig.startWithBenchPass(control));
        rig.tick();
        QCOMPARE(rig.inState(QStringLiteral("notified")), 1);
        rig.f.ws.clock().advanceMs(61'000);
        // Times out; the job is withdrawn; the retry re-queues the device, which the same tick
        // starts again with a new job.
        rig.tick();
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM jobs WHERE state = "
                                          "'cancelled'")),
                 1);
        QCOMPARE(rig.inState(QStringLiteral("notified")), 1);
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM rollout_events WHERE reason LIKE "
                                          "'retry 1 of 1 for timeout%'")),
                 1);
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM jobs")), 2);
        QCOMPARE(rig.count(QStringLiteral("SELECT attempts FROM rollout_devices")), 2);
        rig.f.ws.clock().advanceMs(61'000);
        rig.tick(); // the budget is spent: timed out for good
        QCOMPARE(rig.inState(QStringLiteral("timed_out")), 1);
    }

    void failedDevicesRollBackAutomatically()
    {
        Rig rig(2, 0);
        RolloutPlanSpec plan = fastPlan();
        plan.retries = RetryLimits{0, 0, 0, 0, 0};
        plan.autoRollback = true;
        plan.thresholds.successPercent = 0;
        rig.create(plan);
        auto control = rig.control();
        QVERIFY(rig.startWithBenchPass(control));
        rig.f.ws.clock().advanceMs(10'000);
        rig.tick();
        rig.finishJobs(QStringLiteral("failed"), {rig.targets[0]});
        rig.finishJobs(QStringLiteral("succeeded"), {rig.targets[1]});
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        // The failed device still runs its known-good 2.4.1: marked rolled back, no job sent.
        QCOMPARE(rig.deviceState(rig.targets[0]), QStringLiteral("rolled_back"));
        QCOMPARE(rig.deviceState(rig.targets[1]), QStringLiteral("succeeded"));
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM jobs")), 2);
        // Rolling back the whole rollout needs a release of 2.4.1 for a DDI device.
        auto all = control.rollbackRollout(QStringLiteral("r1"), QStringLiteral("field issue"));
        QVERIFY2(all.ok(), qPrintable(all.message()));
        QCOMPARE(all->changed, QStringList{QStringLiteral("t-002")});
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QVERIFY(rig.count(QStringLiteral("SELECT count(*) FROM rollout_events WHERE reason LIKE "
                                         "'rollback refused%'")) == 1);
        const qint64 old = rig.f.addRelease(2, 4, 1, 'O');
        QVERIFY(old > 0);
        QVERIFY(control
                    .rollbackDevices(QStringLiteral("r1"), {QStringLiteral("t-002")},
                                     QStringLiteral("again, with 2.4.1 in the catalog"))
                    .ok());
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM jobs WHERE kind = 'rollback'")), 1);
        rig.finishJobs(QStringLiteral("succeeded"), {rig.targets[1]}, QStringLiteral("2.4.1"));
        rig.f.ws.clock().advanceMs(1000);
        rig.tick();
        QCOMPARE(rig.deviceState(rig.targets[1]), QStringLiteral("rolled_back"));
    }

    void windowsOpenPerSiteZone()
    {
        Rig rig(3, 0);
        RolloutPlanSpec plan = fastPlan();
        // Devices are in Plant A, Europe/Berlin. 01:00-05:00 Berlin = 00:00-04:00 UTC in winter.
        plan.windows = {MaintenanceWindow::parse(QStringLiteral("Mon-Sun 01:00-05:00")).value()};
        rig.f.ws.clock().setNow(QDateTime(QDate(2026, 1, 14), QTime(12, 0), Qt::UTC));
        rig.create(plan);
        auto control = rig.control();
        QVERIFY(rig.startWithBenchPass(control));
        rig.tick();
        QCOMPARE(rig.inState(QStringLiteral("notified")), 0);
        rig.f.ws.clock().setNow(QDateTime(QDate(2026, 1, 15), QTime(0, 30), Qt::UTC));
        rig.tick();
        QVERIFY(rig.inState(QStringLiteral("notified")) >= 1);
        // Overriding the windows is audited and lets devices start at noon.
        Rig other(2, 0);
        other.f.ws.clock().setNow(QDateTime(QDate(2026, 1, 14), QTime(12, 0), Qt::UTC));
        other.create(plan);
        auto c2 = other.control();
        QVERIFY(other.startWithBenchPass(c2));
        QVERIFY(!c2.overrideWindows(QStringLiteral("r1"), true, {}).ok());
        QVERIFY(c2.overrideWindows(QStringLiteral("r1"), true, QStringLiteral("line down")).ok());
        other.tick();
        QCOMPARE(other.inState(QStringLiteral("notified")), 1);
        QCOMPARE(other.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                            "'rollout.override-windows'")),
                 1);
    }

    // Europe/Berlin leaves winter time on 2026-03-29 (02:00 CET -> 03:00 CEST) and returns on
    // 2026-10-25 (03:00 CEST -> 02:00 CET). A 01:00-04:00 window read on the site's clock is
    // 00:00-02:00 UTC in spring (two hours long) and 23:00-03:00 UTC in autumn (four hours).
    void windowsAcrossADaylightSavingChange_data()
    {
        QTest::addColumn<QDateTime>("nowUtc");
        QTest::addColumn<bool>("starts");
        const auto utc = [](int month, int day, int h, int m) {
            return QDateTime(QDate(2026, month, day), QTime(h, m), Qt::UTC);
        };
        QTest::newRow("spring, 01:30 CET") << utc(3, 29, 0, 30) << true;
        QTest::newRow("spring, 03:30 CEST") << utc(3, 29, 1, 30) << true;
        QTest::newRow("spring, 04:30 CEST: closed") << utc(3, 29, 2, 30) << false;
        QTest::newRow("autumn, 01:30 CEST") << utc(10, 24, 23, 30) << true;
        QTest::newRow("autumn, 02:30 CET after the change") << utc(10, 25, 1, 30) << true;
        QTest::newRow("autumn, 03:30 CET") << utc(10, 25, 2, 30) << true;
        QTest::newRow("autumn, 04:30 CET: closed") << utc(10, 25, 3, 30) << false;
    }
    void windowsAcrossADaylightSavingChange()
    {
        QFETCH(QDateTime, nowUtc);
        QFETCH(bool, starts);
        Rig rig(2, 0);
        RolloutPlanSpec plan = fastPlan();
        plan.windows = {MaintenanceWindow::parse(QStringLiteral("Mon-Sun 01:00-04:00")).value()};
        rig.f.ws.clock().setNow(nowUtc.addDays(-1));
        rig.create(plan);
        auto control = rig.control();
        QVERIFY(rig.startWithBenchPass(control));
        rig.f.ws.clock().setNow(nowUtc);
        rig.tick();
        QCOMPARE(rig.inState(QStringLiteral("notified")) > 0, starts);
    }

    void aRestartedEngineNeitherSkipsNorRepeats()
    {
        Rig rig(30, 0);
        RolloutPlanSpec plan = fastPlan();
        plan.devicesPerMinute = 60;
        const qint64 id = rig.create(plan);
        auto control = rig.control();
        QVERIFY(rig.startWithBenchPass(control));
        for (int round = 0; round < 40 && rig.state(id) != QLatin1String("finished"); ++round) {
            rig.restartEngine(); // every tick by a "new process"
            rig.tick();
            rig.finishJobs(QStringLiteral("succeeded"), rig.devicesIn(QStringLiteral("notified")));
            rig.f.ws.clock().advanceMs(3000);
        }
        QCOMPARE(rig.state(id), QStringLiteral("finished"));
        QCOMPARE(rig.inState(QStringLiteral("succeeded")), 30);
        // One install job per device, never two.
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM (SELECT device_id FROM jobs "
                                          "GROUP BY device_id HAVING count(*) > 1)")),
                 0);
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM jobs")), 30);
    }
};

QTEST_GUILESS_MAIN(TestRolloutEngine)
#include "tst_rolloutengine.moc"
