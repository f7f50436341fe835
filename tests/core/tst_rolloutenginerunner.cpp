// RolloutEngineRunner and EngineLease: a runner on its own thread starts the devices of a
// running rollout through the workspace's jobs; of two runners on one workspace only one holds
// the lease and works, and the other takes over once the first stops (or its lease runs out,
// as after a kill).

#include "DdiFixture.h"
#include "firmware/SigningKeyStore.h"
#include "rollout/EngineLease.h"
#include "rollout/RolloutControl.h"
#include "rollout/RolloutEngineThread.h"
#include "rollout/RolloutService.h"
#include "rollout/TestPassStore.h"

#include <QSignalSpy>
#include <QTest>

using namespace fleet;
using fleet::test::DdiFixture;
using fleet::test::scalarOf;

class TestRolloutEngineRunner : public QObject
{
    Q_OBJECT

private slots:
    void leaseGoesToOneHolderAtATime_data()
    {
        QTest::addColumn<qint64>("secondAfterMs");
        QTest::addColumn<bool>("secondGetsIt");
        QTest::newRow("while the first holds it") << qint64(5'000) << false;
        QTest::newRow("after it ran out") << qint64(16'000) << true;
    }
    void leaseGoesToOneHolderAtATime()
    {
        QFETCH(qint64, secondAfterMs);
        QFETCH(bool, secondGetsIt);
        DdiFixture f;
        EngineLease first(f.ws.db(), QStringLiteral("rollouts"), QStringLiteral("window"));
        EngineLease second(f.ws.db(), QStringLiteral("rollouts"), QStringLiteral("serve"));
        QCOMPARE(first.acquire(1'000).value(), true);
        QCOMPARE(first.acquire(2'000).value(), true); // renewing
        QCOMPARE(second.acquire(1'000 + secondAfterMs).value(), secondGetsIt);
        QVERIFY(second.holderDescription().value().startsWith(
            secondGetsIt ? QStringLiteral("serve") : QStringLiteral("window")));
        // A clean stop gives it back at once.
        if (!secondGetsIt) {
            QVERIFY(first.release().ok());
            QCOMPARE(second.acquire(1'000 + secondAfterMs).value(), true);
        }
    }

    void runnerStartsDevicesOnItsThread()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        SigningKeyStore keys(f.ws.db(), f.ws.session().audit(), f.ws.path());
        auto key = keys.unlock(QByteArray(DdiFixture::passphrase));
        QVERIFY(key.ok());
        QVERIFY(
            TestPassStore(f.ws.db(), f.ws.session().audit())
                .record(release, TestPassRecord::Source::Bench, QStringLiteral("lab"), key.value())
                .ok());
        RolloutService service(f.ws.db(), f.ws.session().audit(), SystemClock::instance());
        RolloutPlanSpec plan;
        plan.devicesPerMinute = 600;
        QVERIFY(service
                    .create(QStringLiteral("r1"), release, {f.deviceId(QStringLiteral("gw-7"))}, {},
                            plan, QStringLiteral("test"))
                    .ok());
        RolloutControl control(f.ws.db(), f.ws.session().audit(), SystemClock::instance());
        QVERIFY(control.submit(QStringLiteral("r1")).ok());
        QVERIFY(control.start(QStringLiteral("r1"), QStringLiteral("go")).ok());

        RolloutEngineRunner::Options options;
        options.intervalMs = 50;
        options.holder = QStringLiteral("test");
        RolloutEngineThread engine(f.ws.path(), SystemClock::instance(), options);
        RolloutEngineThread other(f.ws.path(), SystemClock::instance(), options);
        QSignalSpy lease(&engine, &RolloutEngineThread::leaseChanged);
        QSignalSpy otherLease(&other, &RolloutEngineThread::leaseChanged);
        engine.start();
        QTRY_VERIFY_WITH_TIMEOUT(!lease.isEmpty(), 10'000);
        QCOMPARE(lease.first().at(0).toBool(), true);
        other.start();
        QTRY_VERIFY_WITH_TIMEOUT(!otherLease.isEmpty(), 10'000);
        QCOMPARE(otherLease.first().at(0).toBool(), false); // waits for the first
        QTRY_COMPARE_WITH_TIMEOUT(
            scalarOf(f.ws.db(), QStringLiteral("SELECT state FROM rollout_devices")).toString(),
            QStringLiteral("notified"), 10'000);
        QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM jobs WHERE transport = "
                                                    "'ddi' AND origin = 'rollout'"))
                     .toInt(),
                 1);
        engine.stop(); // gives the lease back: the other takes over on its next tick
        QTRY_VERIFY_WITH_TIMEOUT(otherLease.size() >= 2, 10'000);
        QCOMPARE(otherLease.last().at(0).toBool(), true);
        other.stop();
        QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM engine_leases")).toInt(),
                 0);
    }
};

QTEST_GUILESS_MAIN(TestRolloutEngineRunner)
#include "tst_rolloutenginerunner.moc"
