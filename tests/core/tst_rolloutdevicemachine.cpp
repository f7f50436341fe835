// RolloutDeviceMachine driven by short scripts of events at given minutes: transport reports
// (Fleetdesk's job states), validation reports, timer ticks and operator actions. Each row says
// which states the device passes through, where it ends, why it failed, and which refusal the
// last event gets. No clock is read: times are part of the events.

#include "rollout/RolloutDeviceMachine.h"

#include <QTest>

using fleet::DeviceStepTimeouts;
using fleet::DeviceValidationReport;
using fleet::FailureKind;
using fleet::RetryBudget;
using fleet::RolloutDeviceMachine;
using fleet::RolloutDeviceOutcome;
using fleet::RolloutDeviceState;
using fleet::RolloutDeviceStates;

namespace {

constexpr qint64 kMinute = 60 * 1000;

RolloutDeviceMachine::Setup setup()
{
    RolloutDeviceMachine::Setup s;
    s.targetVersion = QStringLiteral("2.4.0");
    s.knownGoodVersion = QStringLiteral("2.3.1");
    s.timeouts.downloadMs = 60 * kMinute;
    s.timeouts.installMs = 30 * kMinute;
    s.timeouts.rebootMs = 10 * kMinute;
    s.timeouts.validationMs = 15 * kMinute;
    return s;
}

// One script line: "<verb> <minute> [argument]".
//   notify 0 | report 5 downloading | ok 40 2.4.0 | sick 40 2.4.0 | tick 70
//   retry 80 | skip 1 | cancel 3 | remove 3
fleet::Result<RolloutDeviceOutcome> run(RolloutDeviceMachine &m, const QString &line)
{
    const QStringList parts = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const QString verb = parts.value(0);
    const qint64 at = parts.value(1).toLongLong() * kMinute;
    const QString arg = parts.value(2);
    const QString why = QStringLiteral("test");
    if (verb == QLatin1String("notify"))
        return m.notify(at);
    if (verb == QLatin1String("report"))
        return m.onTransportReport(arg, at);
    if (verb == QLatin1String("ok") || verb == QLatin1String("sick"))
        return m.onValidationReport(DeviceValidationReport{
            arg, verb == QLatin1String("ok"),
            verb == QLatin1String("sick") ? QStringLiteral("health check 'pump-pressure' failing")
                                          : QString(),
            at});
    if (verb == QLatin1String("tick"))
        return m.onTick(at);
    if (verb == QLatin1String("retry"))
        return m.retry(at, why);
    if (verb == QLatin1String("skip"))
        return m.skip(at, why);
    if (verb == QLatin1String("cancel"))
        return m.cancel(at, why);
    if (verb == QLatin1String("remove"))
        return m.remove(at, why);
    return fleet::Error::invalid(QStringLiteral("bad script line: ") + line);
}

QString kindName(std::optional<FailureKind> kind)
{
    return kind ? RetryBudget::kindName(*kind) : QString();
}

} // namespace

class TestRolloutDeviceMachine : public QObject
{
    Q_OBJECT

private slots:
    void scripts_data()
    {
        QTest::addColumn<QStringList>("script");
        QTest::addColumn<QStringList>("path");    // the `to` of every transition, in order
        QTest::addColumn<QString>("failureKind"); // of the last failure, "" for none
        QTest::addColumn<QString>("lastError");   // refusal of the LAST line; "" = all accepted

        QTest::newRow("happy path through every step")
            << QStringList{"notify 0",
                           "report 1 queued",
                           "report 2 downloading",
                           "report 10 downloaded",
                           "report 11 verified",
                           "report 12 installing",
                           "report 20 rebooting",
                           "report 22 verifying",
                           "ok 23 2.4.0"}
            << QStringList{"notified",   "downloading", "downloaded", "verified",
                           "installing", "rebooting",   "validating", "succeeded"}
            << ""
            << "";
        QTest::newRow("transport success alone is not success")
            << QStringList{"notify 0", "report 30 succeeded"}
            << QStringList{"notified", "validating"} << ""
            << "";
        QTest::newRow("device skips reports: queued straight to installing")
            << QStringList{"notify 0", "report 5 installing", "report 9 rebooting", "ok 12 2.4.0"}
            << QStringList{"notified", "installing", "rebooting", "validating", "succeeded"} << ""
            << "";
        QTest::newRow("repeated report changes nothing")
            << QStringList{"notify 0", "report 1 downloading", "report 2 downloading"}
            << QStringList{"notified", "downloading"} << ""
            << "";
        QTest::newRow("stale report is refused")
            << QStringList{"notify 0", "report 5 rebooting", "report 6 downloading"}
            << QStringList{"notified", "rebooting"} << ""
            << "out of order";
        QTest::newRow("report before notification is refused")
            << QStringList{"report 1 downloading"} << QStringList{} << ""
            << "has not been sent the update yet";
        QTest::newRow("unknown transport state")
            << QStringList{"notify 0", "report 1 flashing"} << QStringList{"notified"} << ""
            << "not a job state Fleetdesk knows";
        QTest::newRow("notify twice")
            << QStringList{"notify 0", "notify 1"} << QStringList{"notified"} << ""
            << "second install";

        // Failures and their kinds
        QTest::newRow("download failure")
            << QStringList{"notify 0", "report 1 downloading", "report 3 failed"}
            << QStringList{"notified", "downloading", "failed"} << "download"
            << "";
        QTest::newRow("install failure")
            << QStringList{"notify 0", "report 5 installing", "report 8 failed"}
            << QStringList{"notified", "installing", "failed"} << "install"
            << "";
        QTest::newRow("failure while validating is a validation failure")
            << QStringList{"notify 0", "report 5 verifying", "report 8 failed"}
            << QStringList{"notified", "validating", "failed"} << "validation"
            << "";
        QTest::newRow("device rejects") << QStringList{"notify 0", "report 1 rejected"}
                                        << QStringList{"notified", "rejected"} << "rejected"
                                        << "";
        QTest::newRow("device rolls itself back")
            << QStringList{"notify 0", "report 5 installing", "report 9 rolled_back"}
            << QStringList{"notified", "installing", "rolled_back"} << ""
            << "";
        QTest::newRow("transport deadline") << QStringList{"notify 0", "report 1 timed_out"}
                                            << QStringList{"notified", "timed_out"} << "timeout"
                                            << "";

        // Validation
        QTest::newRow("wrong version after reboot fails validation")
            << QStringList{"notify 0", "report 9 verifying", "ok 10 2.5.0"}
            << QStringList{"notified", "validating", "failed"} << "validation"
            << "";
        QTest::newRow("previous version after reboot: fell back")
            << QStringList{"notify 0", "report 9 verifying", "ok 10 2.3.1"}
            << QStringList{"notified", "validating", "rolled_back"} << "validation"
            << "";
        QTest::newRow("old version while rebooting is just not up yet")
            << QStringList{"notify 0", "report 5 rebooting", "ok 6 2.3.1"}
            << QStringList{"notified", "rebooting"} << ""
            << "";
        QTest::newRow("unhealthy, then healthy inside the window")
            << QStringList{"notify 0", "report 5 verifying", "sick 6 2.4.0", "ok 15 2.4.0"}
            << QStringList{"notified", "validating", "succeeded"} << ""
            << "";
        QTest::newRow("unhealthy until the deadline fails validation")
            << QStringList{"notify 0", "report 5 verifying", "sick 6 2.4.0", "tick 20", "tick 21"}
            << QStringList{"notified", "validating", "failed"} << "validation"
            << "";
        QTest::newRow("report from before the validation step is ignored")
            << QStringList{"notify 0", "report 10 verifying", "ok 9 2.5.0"}
            << QStringList{"notified", "validating"} << ""
            << "";
        QTest::newRow("version report without a version")
            << QStringList{"notify 0", "report 10 verifying", "ok 11"}
            << QStringList{"notified", "validating"} << ""
            << "must say which version";

        // Step timers
        QTest::newRow("download step times out at 60 minutes")
            << QStringList{"notify 0", "report 30 downloading", "tick 59", "tick 60"}
            << QStringList{"notified", "downloading", "timed_out"} << "timeout"
            << "";
        QTest::newRow("install step restarts the timer")
            << QStringList{"notify 0", "report 50 downloaded", "tick 79", "tick 80"}
            << QStringList{"notified", "downloaded", "timed_out"} << "timeout"
            << "";
        QTest::newRow("reboot step: 10 minutes")
            << QStringList{"notify 0", "report 5 rebooting", "tick 14", "tick 15"}
            << QStringList{"notified", "rebooting", "timed_out"} << "timeout"
            << "";
        QTest::newRow("no timer while queued") << QStringList{"tick 100000"} << QStringList{} << ""
                                               << "";

        // Operator actions and the retry budget (install: 1 retry by default)
        QTest::newRow("retry a failed install once")
            << QStringList{"notify 0", "report 5 installing", "report 6 failed",  "retry 7",
                           "notify 8", "report 9 installing", "report 10 failed", "retry 11"}
            << QStringList{"notified", "installing", "failed", "queued",
                           "notified", "installing", "failed"}
            << "install"
            << "used the 1 retry allowed after an install failure";
        QTest::newRow("rejected is never retried")
            << QStringList{"notify 0", "report 1 rejected", "retry 2"}
            << QStringList{"notified", "rejected"} << "rejected"
            << "never retried";
        QTest::newRow("validation failure has no retry by default")
            << QStringList{"notify 0", "report 5 verifying", "ok 6 2.5.0", "retry 7"}
            << QStringList{"notified", "validating", "failed"} << "validation"
            << "allows no retry after a validation failure";
        QTest::newRow("retry a device that is fine")
            << QStringList{"notify 0", "retry 1"} << QStringList{"notified"} << ""
            << "Only a failed or timed-out device can be retried";
        QTest::newRow("skip a queued device")
            << QStringList{"skip 0"} << QStringList{"cancelled"} << ""
            << "";
        QTest::newRow("skip a device already downloading")
            << QStringList{"notify 0", "report 1 downloading", "skip 2"}
            << QStringList{"notified", "downloading"} << ""
            << "cancel it instead";
        QTest::newRow("skip a failed device would hide the failure")
            << QStringList{"notify 0", "report 1 failed", "skip 2"}
            << QStringList{"notified", "failed"} << "download"
            << "hide its outcome";
        QTest::newRow("cancel while downloading")
            << QStringList{"notify 0", "report 1 downloading", "cancel 2"}
            << QStringList{"notified", "downloading", "cancelled"} << ""
            << "";
        QTest::newRow("cancel while installing is refused")
            << QStringList{"notify 0", "report 1 installing", "cancel 2"}
            << QStringList{"notified", "installing"} << ""
            << "half-installed";
        QTest::newRow("transport confirms a cancel even while installing")
            << QStringList{"notify 0", "report 1 installing", "report 2 cancelled"}
            << QStringList{"notified", "installing", "cancelled"} << ""
            << "";
        QTest::newRow("removed from the target set")
            << QStringList{"notify 0", "remove 1"} << QStringList{"notified", "removed"} << ""
            << "";
        QTest::newRow("a succeeded device cannot be removed")
            << QStringList{"notify 0", "report 1 verifying", "ok 2 2.4.0", "remove 3"}
            << QStringList{"notified", "validating", "succeeded"} << ""
            << "only a rollback";
        QTest::newRow("rollback of a failed device on command")
            << QStringList{"notify 0", "report 5 installing", "report 6 failed",
                           "report 20 rolled_back"}
            << QStringList{"notified", "installing", "failed", "rolled_back"} << "install"
            << "";
        QTest::newRow("a rolled-back device stays out")
            << QStringList{"notify 0", "report 5 installing", "report 6 rolled_back", "retry 7"}
            << QStringList{"notified", "installing", "rolled_back"} << ""
            << "Only a failed or timed-out device can be retried";
        QTest::newRow("retry after a timeout spends the timeout budget")
            << QStringList{"notify 0",  "tick 60",    "retry 61", "notify 62", "tick 122",
                           "retry 123", "notify 124", "tick 184", "retry 185"}
            << QStringList{"notified",  "timed_out", "queued",   "notified",
                           "timed_out", "queued",    "notified", "timed_out"}
            << "timeout"
            << "used the 2 retries allowed after a timeout failure";
        QTest::newRow("whole-rollout rollback of a succeeded device")
            << QStringList{"notify 0", "report 1 verifying", "ok 2 2.4.0", "report 30 rolled_back"}
            << QStringList{"notified", "validating", "succeeded", "rolled_back"} << ""
            << "";
    }
    void scripts()
    {
        QFETCH(QStringList, script);
        QFETCH(QStringList, path);
        QFETCH(QString, failureKind);
        QFETCH(QString, lastError);

        auto machine = RolloutDeviceMachine::create(setup());
        QVERIFY2(machine.ok(), qUtf8Printable(machine.message()));
        QStringList visited;
        for (qsizetype i = 0; i < script.size(); ++i) {
            const RolloutDeviceState before = machine->state();
            const auto outcome = run(*machine, script[i]);
            const bool last = i == script.size() - 1;
            if (!outcome.ok()) {
                QVERIFY2(last && !lastError.isEmpty(),
                         qUtf8Printable(script[i] + QStringLiteral(": ") + outcome.message()));
                QVERIFY2(outcome.message().contains(lastError), qUtf8Printable(outcome.message()));
                QCOMPARE(machine->state(), before); // a refusal changes nothing
                continue;
            }
            QVERIFY2(!last || lastError.isEmpty(),
                     qUtf8Printable(QStringLiteral("expected a refusal of: ") + script[i]));
            RolloutDeviceState from = before;
            for (const auto &t : outcome->transitions) {
                QCOMPARE(t.from, from);
                QVERIFY(!t.reason.isEmpty());
                from = t.to;
                visited << RolloutDeviceStates::name(t.to);
            }
            QCOMPARE(machine->state(), from);
        }
        QCOMPARE(visited, path);
        QCOMPARE(kindName(machine->failureKind()), failureKind);
    }

    // The sentences that reach the audit trail and the device table carry the figures.
    void reasonsCarryFigures_data()
    {
        QTest::addColumn<QStringList>("script");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("step timeout") << QStringList{"notify 0", "report 5 rebooting", "tick 15"}
                                      << "still rebooting after the 10 minutes reboot limit";
        QTest::newRow("validation deadline names the last health problem")
            << QStringList{"notify 0", "report 5 verifying", "sick 6 2.4.0", "tick 20"}
            << "did not report version 2.4.0 with passing health checks within the 15 minutes "
               "validation limit (last: health check 'pump-pressure' failing)";
        QTest::newRow("wrong version")
            << QStringList{"notify 0", "report 5 verifying", "ok 6 2.5.0"}
            << "reports version 2.5.0 after the reboot, not the target version 2.4.0";
        QTest::newRow("fell back") << QStringList{"notify 0", "report 5 verifying", "ok 6 2.3.1"}
                                   << "fell back to its known-good version";
        QTest::newRow("succeeded after")
            << QStringList{"notify 0", "report 5 verifying", "ok 9 2.4.0"}
            << "runs version 2.4.0 and passes its health checks, 4 minutes after validation began";
        QTest::newRow("retry counts") << QStringList{"notify 0", "report 1 failed", "retry 2"}
                                      << "retry 1 of 3 for download failures: test";
    }
    void reasonsCarryFigures()
    {
        QFETCH(QStringList, script);
        QFETCH(QString, mentions);
        auto machine = RolloutDeviceMachine::create(setup());
        QVERIFY(machine.ok());
        QString lastReason;
        for (const QString &line : script) {
            const auto outcome = run(*machine, line);
            QVERIFY2(outcome.ok(), qUtf8Printable(outcome.message()));
            if (outcome->changed())
                lastReason = outcome->transitions.last().reason;
        }
        QVERIFY2(lastReason.contains(mentions), qUtf8Printable(lastReason));
    }

    // One timer per device: the deadline follows the step, and the whole-attempt limit caps it.
    void nextDeadline_data()
    {
        QTest::addColumn<QStringList>("script");
        QTest::addColumn<qint64>("attemptLimitMinutes"); // 0 = none
        QTest::addColumn<qint64>("deadlineMinute");      // -1 = no timer
        QTest::newRow("queued") << QStringList{} << qint64(0) << qint64(-1);
        QTest::newRow("notified: download step")
            << QStringList{"notify 10"} << qint64(0) << qint64(70);
        QTest::newRow("downloading keeps the download step's start")
            << QStringList{"notify 10", "report 40 downloading"} << qint64(0) << qint64(70);
        QTest::newRow("verified: install step from downloaded")
            << QStringList{"notify 10", "report 20 downloaded", "report 25 verified"} << qint64(0)
            << qint64(50);
        QTest::newRow("rebooting")
            << QStringList{"notify 0", "report 7 rebooting"} << qint64(0) << qint64(17);
        QTest::newRow("validating")
            << QStringList{"notify 0", "report 7 verifying"} << qint64(0) << qint64(22);
        QTest::newRow("whole attempt caps the step")
            << QStringList{"notify 0", "report 7 verifying"} << qint64(20) << qint64(20);
        QTest::newRow("step earlier than the whole attempt")
            << QStringList{"notify 0", "report 7 verifying"} << qint64(120) << qint64(22);
        QTest::newRow("finished: no timer")
            << QStringList{"notify 0", "report 7 failed"} << qint64(0) << qint64(-1);
        QTest::newRow("retried: queued again, no timer")
            << QStringList{"notify 0", "report 7 failed", "retry 8"} << qint64(0) << qint64(-1);
        QTest::newRow("retried and notified: a fresh attempt")
            << QStringList{"notify 0", "report 7 failed", "retry 8", "notify 100"} << qint64(30)
            << qint64(130);
    }
    void nextDeadline()
    {
        QFETCH(QStringList, script);
        QFETCH(qint64, attemptLimitMinutes);
        QFETCH(qint64, deadlineMinute);
        RolloutDeviceMachine::Setup s = setup();
        if (attemptLimitMinutes > 0)
            s.timeouts.inProgressMs = attemptLimitMinutes * kMinute;
        auto machine = RolloutDeviceMachine::create(s);
        QVERIFY(machine.ok());
        for (const QString &line : script)
            QVERIFY(run(*machine, line).ok());
        const std::optional<qint64> deadline = machine->nextDeadline();
        if (deadlineMinute < 0) {
            QVERIFY(!deadline);
            return;
        }
        QVERIFY(deadline);
        QCOMPARE(*deadline, deadlineMinute * kMinute);
        // A tick just before changes nothing; a tick at the deadline ends the attempt.
        const auto early = machine->onTick(*deadline - 1);
        QVERIFY(early.ok() && !early->changed());
        const auto due = machine->onTick(*deadline);
        QVERIFY(due.ok());
        QVERIFY(due->changed());
        QVERIFY(!machine->nextDeadline());
    }

    void transportMapping_data()
    {
        QTest::addColumn<QString>("jobState");
        QTest::addColumn<QString>("state");
        QTest::newRow("created") << "created"
                                 << "notified";
        QTest::newRow("sent") << "sent"
                              << "notified";
        QTest::newRow("queued") << "queued"
                                << "notified";
        QTest::newRow("downloading") << "downloading"
                                     << "downloading";
        QTest::newRow("downloaded") << "downloaded"
                                    << "downloaded";
        QTest::newRow("verified") << "verified"
                                  << "verified";
        QTest::newRow("installing") << "installing"
                                    << "installing";
        QTest::newRow("rebooting") << "rebooting"
                                   << "rebooting";
        QTest::newRow("verifying") << "verifying"
                                   << "validating";
        QTest::newRow("succeeded") << "succeeded"
                                   << "validating";
        QTest::newRow("failed") << "failed"
                                << "failed";
        QTest::newRow("rejected") << "rejected"
                                  << "rejected";
        QTest::newRow("rolled_back") << "rolled_back"
                                     << "rolled_back";
        QTest::newRow("timed_out") << "timed_out"
                                   << "timed_out";
        QTest::newRow("cancelled") << "cancelled"
                                   << "cancelled";
    }
    void transportMapping()
    {
        QFETCH(QString, jobState);
        QFETCH(QString, state);
        const auto mapped = RolloutDeviceMachine::stateForTransport(jobState);
        QVERIFY2(mapped.ok(), qUtf8Printable(mapped.message()));
        QCOMPARE(RolloutDeviceStates::name(*mapped), state);
    }

    void setupIsChecked_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<qint64>("rebootMs");
        QTest::addColumn<int>("installRetries");
        QTest::addColumn<QString>("error");
        QTest::newRow("no target version") << " " << qint64(60000) << 1 << "version it is to run";
        QTest::newRow("zero reboot limit") << "2.4.0" << qint64(0) << 1 << "reboot step";
        QTest::newRow("retry limit over 10") << "2.4.0" << qint64(60000) << 11 << "install retry";
    }
    void setupIsChecked()
    {
        QFETCH(QString, target);
        QFETCH(qint64, rebootMs);
        QFETCH(int, installRetries);
        QFETCH(QString, error);
        RolloutDeviceMachine::Setup s = setup();
        s.targetVersion = target;
        s.timeouts.rebootMs = rebootMs;
        s.retryLimits.install = installRetries;
        const auto machine = RolloutDeviceMachine::create(s);
        QVERIFY(!machine.ok());
        QVERIFY2(machine.message().contains(error), qUtf8Printable(machine.message()));
    }

    // What the engine stores rebuilds the same machine: same state, same timer, same budget.
    void snapshotRestores()
    {
        auto machine = RolloutDeviceMachine::create(setup());
        QVERIFY(machine.ok());
        for (const QString &line :
             {QStringLiteral("notify 0"), QStringLiteral("report 1 failed"),
              QStringLiteral("retry 2"), QStringLiteral("notify 3"),
              QStringLiteral("report 4 verifying"), QStringLiteral("sick 5 2.4.0")})
            QVERIFY(run(*machine, line).ok());
        const auto restored = RolloutDeviceMachine::restore(setup(), machine->snapshot());
        QVERIFY2(restored.ok(), qUtf8Printable(restored.message()));
        QCOMPARE(restored->state(), RolloutDeviceState::Validating);
        QVERIFY(restored->nextDeadline() == machine->nextDeadline());
        QCOMPARE(restored->retryBudget().used(FailureKind::Download), 1);
        auto copy = *restored;
        const auto due = copy.onTick(*copy.nextDeadline());
        QVERIFY(due.ok() && due->changed());
        QVERIFY(due->transitions.last().reason.contains(QLatin1String("pump-pressure")));

        RolloutDeviceMachine::Snapshot broken;
        broken.state = RolloutDeviceState::Installing;
        const auto refused = RolloutDeviceMachine::restore(setup(), broken);
        QVERIFY(!refused.ok());
        QVERIFY(refused.message().contains(QLatin1String("cannot be timed")));
    }

    void operatorActionsNeedAReason()
    {
        auto machine = RolloutDeviceMachine::create(setup());
        QVERIFY(machine.ok());
        const auto refused = machine->skip(0, QStringLiteral("  "));
        QVERIFY(!refused.ok());
        QVERIFY(refused.message().contains(QLatin1String("audit trail")));
        QCOMPARE(machine->state(), RolloutDeviceState::Queued);
    }
};

QTEST_GUILESS_MAIN(TestRolloutDeviceMachine)
#include "tst_rolloutdevicemachine.moc"
