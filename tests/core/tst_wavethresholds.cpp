// WaveVerdict::judge over WaveThresholds: hawkBit's success ≥ and error > maths in exact
// integers, AWS-style minimum of finished devices before a failure rate counts (capped at the
// wave's size for tiny waves), absolute failure counts, the order abort > pause > success, and
// the sentence that goes into the audit trail.

#include "rollout/WaveVerdict.h"

#include <QTest>

using fleet::WaveCounts;
using fleet::WaveThresholds;
using fleet::WaveVerdict;
using Decision = fleet::WaveVerdict::Decision;

Q_DECLARE_METATYPE(WaveCounts)
Q_DECLARE_METATYPE(WaveThresholds)
Q_DECLARE_METATYPE(Decision)

namespace {

// pending, inProgress, succeeded, failed, rejected, timedOut, rolledBack, cancelled, removed
WaveCounts counts(qint64 pending, qint64 inProgress, qint64 succeeded, qint64 failed,
                  qint64 rejected = 0, qint64 timedOut = 0, qint64 rolledBack = 0,
                  qint64 cancelled = 0, qint64 removed = 0)
{
    WaveCounts c;
    c.pending = pending;
    c.inProgress = inProgress;
    c.succeeded = succeeded;
    c.failed = failed;
    c.rejected = rejected;
    c.timedOut = timedOut;
    c.rolledBack = rolledBack;
    c.cancelled = cancelled;
    c.removed = removed;
    return c;
}

struct T
{
    int success = 100;
    int pausePercent = -1;
    int abortPercent = -1;
    qint64 pauseCount = -1;
    qint64 abortCount = -1;
    qint64 minFinished = 0;
    operator WaveThresholds() const
    {
        WaveThresholds t;
        t.successPercent = success;
        if (pausePercent >= 0)
            t.pauseFailurePercent = pausePercent;
        if (abortPercent >= 0)
            t.abortFailurePercent = abortPercent;
        if (pauseCount >= 0)
            t.pauseAfterFailures = pauseCount;
        if (abortCount >= 0)
            t.abortAfterFailures = abortCount;
        t.minFinishedForRate = minFinished;
        return t;
    }
};

} // namespace

class TestWaveThresholds : public QObject
{
    Q_OBJECT

private slots:
    void judge_data()
    {
        QTest::addColumn<WaveCounts>("counts");
        QTest::addColumn<WaveThresholds>("thresholds");
        QTest::addColumn<Decision>("decision");
        QTest::addColumn<QString>("mentions");

        QTest::newRow("nothing finished yet")
            << counts(10, 0, 0, 0) << WaveThresholds(T{}) << Decision::Continue
            << "0 of 10 devices succeeded, 10 needed";
        QTest::newRow("success is >=: exactly 95 %")
            << counts(0, 5, 95, 0) << WaveThresholds(T{.success = 95}) << Decision::WaveSucceeded
            << "95 of 100 devices succeeded (95.0 %), at least the success threshold of 95 % "
               "(95 needed)";
        QTest::newRow("one short of 95 %")
            << counts(0, 6, 94, 0) << WaveThresholds(T{.success = 95}) << Decision::Continue
            << "94 of 100 devices succeeded, 95 needed";
        QTest::newRow("rounding: 1 of 3 meets 33 %")
            << counts(2, 0, 1, 0) << WaveThresholds(T{.success = 33}) << Decision::WaveSucceeded
            << "1 of 3 devices succeeded (33.3 %)";
        QTest::newRow("rounding: 1 of 3 misses 34 %")
            << counts(2, 0, 1, 0) << WaveThresholds(T{.success = 34}) << Decision::Continue
            << "2 needed";
        QTest::newRow("rounding: 2 of 3 meets 66 %, 67 % needs 3")
            << counts(0, 1, 2, 0) << WaveThresholds(T{.success = 67}) << Decision::Continue
            << "3 needed";
        QTest::newRow("0 % success: any wave succeeds at once")
            << counts(5, 0, 0, 0) << WaveThresholds(T{.success = 0}) << Decision::WaveSucceeded
            << "0 needed";
        QTest::newRow("tiny wave: one device succeeded")
            << counts(0, 0, 1, 0) << WaveThresholds(T{.pausePercent = 10, .minFinished = 50})
            << Decision::WaveSucceeded << "1 of 1 devices succeeded (100.0 %)";
        QTest::newRow("tiny wave: one failure is judged (minimum capped at wave size)")
            << counts(0, 0, 0, 1) << WaveThresholds(T{.pausePercent = 50, .minFinished = 10})
            << Decision::Pause
            << "1 of 1 finished devices failed (100.0 %), more than the pause threshold of 50 %";
        QTest::newRow("3-device wave: rate waits for all three")
            << counts(0, 2, 0, 1) << WaveThresholds(T{.pausePercent = 20, .minFinished = 10})
            << Decision::Continue << "failure rate judged once 3 devices finished (1 so far)";
        QTest::newRow("3-device wave: judged when all three finished")
            << counts(0, 0, 2, 1) << WaveThresholds(T{.pausePercent = 20, .minFinished = 10})
            << Decision::Pause << "1 of 3 finished devices failed (33.3 %)";
        QTest::newRow("rate against finished devices, not the wave")
            << counts(980, 0, 17, 3) << WaveThresholds(T{.pausePercent = 10, .minFinished = 20})
            << Decision::Pause
            << "3 of 20 finished devices failed (15.0 %), more than the pause threshold of 10 %";
        QTest::newRow("rate not yet counted below the minimum")
            << counts(981, 0, 16, 3) << WaveThresholds(T{.pausePercent = 10, .minFinished = 20})
            << Decision::Continue << "failure rate judged once 20 devices finished (19 so far)";
        QTest::newRow("error is strictly >: 5 % of 100 is not more than 5 %")
            << counts(0, 0, 95, 5) << WaveThresholds(T{.success = 90, .pausePercent = 5})
            << Decision::WaveSucceeded << "95 of 100 devices succeeded";
        QTest::newRow("error is strictly >: 6 % is")
            << counts(0, 0, 94, 6) << WaveThresholds(T{.success = 90, .pausePercent = 5})
            << Decision::Pause << "6 of 100 finished devices failed (6.0 %)";
        QTest::newRow("0 % pause: the first failure pauses")
            << counts(99, 0, 0, 1) << WaveThresholds(T{.pausePercent = 0}) << Decision::Pause
            << "1 of 1 finished devices failed (100.0 %), more than the pause threshold of 0 %";
        QTest::newRow("100 % pause never fires while devices remain")
            << counts(5, 0, 0, 10) << WaveThresholds(T{.pausePercent = 100}) << Decision::Continue
            << "0 of 15 devices succeeded";
        QTest::newRow("success reached but failures crossed: pause")
            << counts(0, 0, 85, 15) << WaveThresholds(T{.success = 80, .pausePercent = 10})
            << Decision::Pause << "15 of 100 finished devices failed (15.0 %)";
        QTest::newRow("abort beats pause")
            << counts(0, 0, 75, 25)
            << WaveThresholds(T{.success = 50, .pausePercent = 5, .abortPercent = 20})
            << Decision::Abort
            << "Abort: 25 of 100 finished devices failed (25.0 %), more than the abort threshold "
               "of 20 %";
        QTest::newRow("absolute count: 3 is not more than 3")
            << counts(997, 0, 0, 3) << WaveThresholds(T{.pauseCount = 3, .minFinished = 100})
            << Decision::Continue << "0 of 1000 devices succeeded";
        QTest::newRow("absolute count acts before the minimum")
            << counts(996, 0, 0, 4) << WaveThresholds(T{.pauseCount = 3, .minFinished = 100})
            << Decision::Pause << "4 devices failed, more than the pause limit of 3";
        QTest::newRow("absolute count 0: first time-out pauses")
            << counts(9, 0, 0, 0, 0, 1) << WaveThresholds(T{.pauseCount = 0}) << Decision::Pause
            << "1 device failed, more than the pause limit of 0";
        QTest::newRow("every failure kind counts")
            << counts(96, 0, 0, 1, 1, 1, 1) << WaveThresholds(T{.pauseCount = 3, .abortCount = 3})
            << Decision::Abort << "1 failed, 1 rejected, 1 timed out, 1 rolled back";
        QTest::newRow("cancelled and removed are not counted")
            << counts(0, 0, 8, 0, 0, 0, 0, 1, 1) << WaveThresholds(T{}) << Decision::WaveSucceeded
            << "8 of 8 devices succeeded (100.0 %)";
        QTest::newRow("everything cancelled: nothing to judge")
            << counts(0, 0, 0, 0, 0, 0, 0, 4, 0) << WaveThresholds(T{}) << Decision::WaveSucceeded
            << "no device left to judge";
        QTest::newRow("empty wave") << counts(0, 0, 0, 0) << WaveThresholds(T{})
                                    << Decision::WaveSucceeded << "wave of 0 devices";
        QTest::newRow("all finished, below success: pause for a person")
            << counts(0, 0, 99, 1) << WaveThresholds(T{}) << Decision::Pause
            << "every device finished but only 99 of 100 succeeded (99.0 %), below the success "
               "threshold of 100 % (100 needed)";
        QTest::newRow("big numbers, exact integers")
            << counts(1, 0, 1'999'999'999, 0) << WaveThresholds(T{}) << Decision::Continue
            << "1999999999 of 2000000000 devices succeeded, 2000000000 needed";
    }
    void judge()
    {
        QFETCH(WaveCounts, counts);
        QFETCH(WaveThresholds, thresholds);
        QFETCH(Decision, decision);
        QFETCH(QString, mentions);
        QVERIFY2(thresholds.validate().ok(), qUtf8Printable(thresholds.validate().message()));
        const WaveVerdict v = WaveVerdict::judge(counts, thresholds);
        QVERIFY2(v.decision() == decision, qUtf8Printable(WaveVerdict::decisionName(v.decision()) +
                                                          QLatin1String(": ") + v.reason()));
        QVERIFY2(v.reason().contains(mentions), qUtf8Printable(v.reason()));
        QCOMPARE(v.counts().total(), counts.total());
    }

    void reasonCarriesTheWholeWave()
    {
        const WaveVerdict v =
            WaveVerdict::judge(counts(60, 0, 28, 12), WaveThresholds(T{.abortPercent = 20}));
        QCOMPARE(v.decision(), Decision::Abort);
        QCOMPARE(v.reason(),
                 QStringLiteral("Abort: 12 of 40 finished devices failed (30.0 %), more than the "
                                "abort threshold of 20 % (wave of 100 devices: 28 succeeded, 12 "
                                "failed, 60 not finished)."));
    }

    void validate_data()
    {
        QTest::addColumn<WaveThresholds>("thresholds");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("success over 100") << WaveThresholds(T{.success = 101}) << "0..100";
        QTest::newRow("success negative") << WaveThresholds(T{.success = -1}) << "0..100";
        QTest::newRow("pause over 100") << WaveThresholds(T{.pausePercent = 101}) << "0..100";
        QTest::newRow("abort below pause")
            << WaveThresholds(T{.pausePercent = 20, .abortPercent = 10})
            << "abort before it could pause";
        QTest::newRow("abort count below pause count")
            << WaveThresholds(T{.pauseCount = 5, .abortCount = 2}) << "abort before it could pause";
        QTest::newRow("negative minimum") << WaveThresholds(T{.minFinished = -1}) << "negative";
    }
    void validate()
    {
        QFETCH(WaveThresholds, thresholds);
        QFETCH(QString, mentions);
        const fleet::Status s = thresholds.validate();
        QVERIFY(!s.ok());
        QVERIFY2(s.message().contains(mentions), qUtf8Printable(s.message()));
    }
};

QTEST_GUILESS_MAIN(TestWaveThresholds)
#include "tst_wavethresholds.moc"
