#include "protocol/SequenceGuard.h"

#include <QTest>

using namespace fleet;
using Verdict = SequenceGuard::Verdict;

Q_DECLARE_METATYPE(fleet::SequenceGuard::Verdict)

namespace {

DeviceTopic topic(const QString &text)
{
    const auto parsed = DeviceTopic::parse(text);
    if (!parsed)
        qFatal("bad test topic: %s", qPrintable(parsed.message()));
    return parsed.value();
}

DeviceTopic heartbeat(const QString &device = QStringLiteral("gw-1"))
{
    return topic(QStringLiteral("fleet/v1/devices/%1/heartbeat").arg(device));
}

DeviceTopic jobTopic(const QString &job, const QString &channel = QStringLiteral("progress"))
{
    return topic(QStringLiteral("fleet/v1/devices/gw-1/jobs/%1/%2").arg(job, channel));
}

} // namespace

class TestSequenceGuard : public QObject
{
    Q_OBJECT

private slots:
    void classifiesASequence_data();
    void classifiesASequence();
    void streamsAreSeparate();
    void devicesAreSeparate();
    void progressAndResultShareTheJobStream();
    void classifyDoesNotRecord();
    void restoredSeqCatchesReplayAfterRestart();
    void restoreIgnoresNonsense();
    void forgetDeviceStartsOver();
    void unsavedHeartbeatsAreTakenOnce();
    void inventedJobIdsCannotGrowTheGuard();
    void jobsChannelIsNeverFresh();
    void verdictNames();
};

void TestSequenceGuard::classifiesASequence_data()
{
    QTest::addColumn<QList<qint64>>("seqs");
    QTest::addColumn<QList<Verdict>>("verdicts");
    QTest::newRow("increasing") << QList<qint64>{1, 2, 3, 10}
                                << QList<Verdict>{Verdict::Fresh, Verdict::Fresh, Verdict::Fresh,
                                                  Verdict::Fresh};
    QTest::newRow("starts at zero")
        << QList<qint64>{0, 0, 1}
        << QList<Verdict>{Verdict::Fresh, Verdict::Duplicate, Verdict::Fresh};
    QTest::newRow("QoS 1 redelivery")
        << QList<qint64>{5, 5, 5}
        << QList<Verdict>{Verdict::Fresh, Verdict::Duplicate, Verdict::Duplicate};
    QTest::newRow("replay of an older report")
        << QList<qint64>{5, 9, 5}
        << QList<Verdict>{Verdict::Fresh, Verdict::Fresh, Verdict::OutOfOrder};
    QTest::newRow("overtaken report")
        << QList<qint64>{10, 8, 9, 11}
        << QList<Verdict>{Verdict::Fresh, Verdict::OutOfOrder, Verdict::OutOfOrder, Verdict::Fresh};
    QTest::newRow("device restarted its counter")
        << QList<qint64>{4294967300LL, 1} << QList<Verdict>{Verdict::Fresh, Verdict::OutOfOrder};
    QTest::newRow("gaps are fine")
        << QList<qint64>{1, 1000, 1000000}
        << QList<Verdict>{Verdict::Fresh, Verdict::Fresh, Verdict::Fresh};
    QTest::newRow("largest seq") << QList<qint64>{9007199254740991LL, 9007199254740990LL}
                                 << QList<Verdict>{Verdict::Fresh, Verdict::OutOfOrder};
    QTest::newRow("negative never fresh")
        << QList<qint64>{-1, 0} << QList<Verdict>{Verdict::OutOfOrder, Verdict::Fresh};
}

void TestSequenceGuard::classifiesASequence()
{
    QFETCH(QList<qint64>, seqs);
    QFETCH(QList<Verdict>, verdicts);
    SequenceGuard guard;
    for (qsizetype i = 0; i < seqs.size(); ++i)
        QVERIFY2(guard.accept(heartbeat(), seqs.at(i)) == verdicts.at(i),
                 qPrintable(QStringLiteral("seq %1 (report %2)").arg(seqs.at(i)).arg(i)));
}

void TestSequenceGuard::streamsAreSeparate()
{
    // One counter per device, but MQTT orders only within a topic: a heartbeat may overtake an
    // inventory report that was published before it.
    SequenceGuard guard;
    const DeviceTopic inventory = topic(QStringLiteral("fleet/v1/devices/gw-1/inventory"));
    QCOMPARE(guard.accept(heartbeat(), 12), Verdict::Fresh);
    QCOMPARE(guard.accept(inventory, 11), Verdict::Fresh);
    QCOMPARE(guard.accept(inventory, 11), Verdict::Duplicate);
    QCOMPARE(guard.accept(heartbeat(), 11), Verdict::OutOfOrder);
    QCOMPARE(guard.lastSeq(heartbeat()), std::optional<qint64>(12));
    QCOMPARE(guard.lastSeq(inventory), std::optional<qint64>(11));
    QCOMPARE(guard.streamCount(QStringLiteral("gw-1")), 2);
}

void TestSequenceGuard::devicesAreSeparate()
{
    SequenceGuard guard;
    QCOMPARE(guard.accept(heartbeat(QStringLiteral("gw-1")), 100), Verdict::Fresh);
    QCOMPARE(guard.accept(heartbeat(QStringLiteral("gw-2")), 1), Verdict::Fresh);
    QCOMPARE(guard.accept(heartbeat(QStringLiteral("gw-2")), 100), Verdict::Fresh);
    QCOMPARE(guard.deviceCount(), 2);
    QVERIFY(!guard.lastSeq(heartbeat(QStringLiteral("gw-3"))));
}

void TestSequenceGuard::progressAndResultShareTheJobStream()
{
    SequenceGuard guard;
    QCOMPARE(SequenceGuard::streamOf(jobTopic(QStringLiteral("j-1"))), QStringLiteral("jobs/j-1"));
    QCOMPARE(guard.accept(jobTopic(QStringLiteral("j-1")), 20), Verdict::Fresh);
    QCOMPARE(guard.accept(jobTopic(QStringLiteral("j-1"), QStringLiteral("result")), 25),
             Verdict::Fresh);
    // A "downloading" that arrives after the result must not reopen the job.
    QCOMPARE(guard.accept(jobTopic(QStringLiteral("j-1")), 21), Verdict::OutOfOrder);
    QCOMPARE(guard.accept(jobTopic(QStringLiteral("j-2")), 21), Verdict::Fresh);
}

void TestSequenceGuard::classifyDoesNotRecord()
{
    SequenceGuard guard;
    QCOMPARE(guard.classify(heartbeat(), 5), Verdict::Fresh);
    QCOMPARE(guard.classify(heartbeat(), 5), Verdict::Fresh);
    QVERIFY(!guard.lastSeq(heartbeat()));
    QCOMPARE(guard.accept(heartbeat(), 5), Verdict::Fresh);
    QCOMPARE(guard.classify(heartbeat(), 5), Verdict::Duplicate);
    QCOMPARE(guard.classify(heartbeat(), 4), Verdict::OutOfOrder);
}

void TestSequenceGuard::restoredSeqCatchesReplayAfterRestart()
{
    SequenceGuard guard;
    guard.restore(QStringLiteral("gw-1"), QStringLiteral("heartbeat"), 50);
    QCOMPARE(guard.accept(heartbeat(), 49), Verdict::OutOfOrder);
    QCOMPARE(guard.accept(heartbeat(), 50), Verdict::Duplicate);
    QCOMPARE(guard.accept(heartbeat(), 51), Verdict::Fresh);
    // Restoring an older value never moves the guard back.
    guard.restore(QStringLiteral("gw-1"), QStringLiteral("heartbeat"), 10);
    QCOMPARE(guard.lastSeq(heartbeat()), std::optional<qint64>(51));
}

void TestSequenceGuard::restoreIgnoresNonsense()
{
    SequenceGuard guard;
    guard.restore(QStringLiteral("a/b"), QStringLiteral("heartbeat"), 5);
    guard.restore(QStringLiteral("gw-1"), QString(), 5);
    guard.restore(QStringLiteral("gw-1"), QStringLiteral("heartbeat"), -3);
    QCOMPARE(guard.deviceCount(), 0);
}

void TestSequenceGuard::forgetDeviceStartsOver()
{
    SequenceGuard guard;
    QCOMPARE(guard.accept(heartbeat(), 500), Verdict::Fresh);
    guard.forgetDevice(QStringLiteral("gw-1"));
    QCOMPARE(guard.deviceCount(), 0);
    QCOMPARE(guard.accept(heartbeat(), 1), Verdict::Fresh);
}

void TestSequenceGuard::unsavedHeartbeatsAreTakenOnce()
{
    using Seqs = std::vector<std::pair<QString, qint64>>;
    const auto take = [](SequenceGuard &g) {
        Seqs seqs = g.takeUnsavedHeartbeats();
        std::sort(seqs.begin(), seqs.end());
        return seqs;
    };
    SequenceGuard guard;
    QVERIFY(!guard.hasUnsavedHeartbeats());
    QCOMPARE(take(guard), Seqs());
    // Restored means stored already.
    guard.restore(QStringLiteral("gw-1"), QStringLiteral("heartbeat"), 50);
    QVERIFY(!guard.hasUnsavedHeartbeats());

    QCOMPARE(guard.accept(heartbeat(QStringLiteral("gw-1")), 51), Verdict::Fresh);
    QCOMPARE(guard.accept(heartbeat(QStringLiteral("gw-1")), 53), Verdict::Fresh);
    QCOMPARE(guard.accept(heartbeat(QStringLiteral("gw-2")), 7), Verdict::Fresh);
    // Only heartbeats count, and only fresh ones.
    QCOMPARE(guard.accept(topic(QStringLiteral("fleet/v1/devices/gw-3/presence")), 9),
             Verdict::Fresh);
    QCOMPARE(guard.accept(heartbeat(QStringLiteral("gw-1")), 52), Verdict::OutOfOrder);
    QVERIFY(guard.hasUnsavedHeartbeats());
    QCOMPARE(take(guard), (Seqs{{QStringLiteral("gw-1"), 53}, {QStringLiteral("gw-2"), 7}}));
    QVERIFY(!guard.hasUnsavedHeartbeats());
    QCOMPARE(take(guard), Seqs());

    // A duplicate moves nothing; a fresh one of one device brings only that one.
    QCOMPARE(guard.accept(heartbeat(QStringLiteral("gw-2")), 7), Verdict::Duplicate);
    QVERIFY(!guard.hasUnsavedHeartbeats());
    QCOMPARE(guard.accept(heartbeat(QStringLiteral("gw-2")), 8), Verdict::Fresh);
    QCOMPARE(take(guard), (Seqs{{QStringLiteral("gw-2"), 8}}));
}

void TestSequenceGuard::inventedJobIdsCannotGrowTheGuard()
{
    SequenceGuard guard;
    QCOMPARE(guard.accept(heartbeat(), 1), Verdict::Fresh);
    const int jobs = SequenceGuard::maxJobStreamsPerDevice * 10;
    for (int i = 0; i < jobs; ++i)
        QCOMPARE(guard.accept(jobTopic(QStringLiteral("j-%1").arg(i)), 100 + i), Verdict::Fresh);
    QCOMPARE(guard.streamCount(QStringLiteral("gw-1")),
             qsizetype(SequenceGuard::maxJobStreamsPerDevice) + 1);
    // The heartbeat stream is never evicted for job streams.
    QCOMPARE(guard.lastSeq(heartbeat()), std::optional<qint64>(1));
    // A replay of an evicted job's progress is not mistaken for news ...
    QCOMPARE(guard.accept(jobTopic(QStringLiteral("j-0")), 100), Verdict::OutOfOrder);
    // ... nor is an old seq on a job never seen, while newer reports still pass.
    QCOMPARE(guard.accept(jobTopic(QStringLiteral("j-new")), 150), Verdict::OutOfOrder);
    QCOMPARE(guard.accept(jobTopic(QStringLiteral("j-new")), 100 + jobs), Verdict::Fresh);
    // The most recent jobs are still tracked exactly.
    const QString latest = QStringLiteral("j-%1").arg(jobs - 1);
    QCOMPARE(guard.accept(jobTopic(latest), 100 + jobs - 1), Verdict::Duplicate);
}

void TestSequenceGuard::jobsChannelIsNeverFresh()
{
    // Fleetdesk numbers the jobs it sends; a report on that topic is not a device's.
    SequenceGuard guard;
    const DeviceTopic jobs = topic(QStringLiteral("fleet/v1/devices/gw-1/jobs"));
    QCOMPARE(SequenceGuard::streamOf(jobs), QString());
    QCOMPARE(guard.accept(jobs, 1), Verdict::OutOfOrder);
    QCOMPARE(guard.deviceCount(), 0);
}

void TestSequenceGuard::verdictNames()
{
    QCOMPARE(SequenceGuard::verdictName(Verdict::Fresh), QStringLiteral("fresh"));
    QCOMPARE(SequenceGuard::verdictName(Verdict::Duplicate), QStringLiteral("duplicate"));
    QCOMPARE(SequenceGuard::verdictName(Verdict::OutOfOrder), QStringLiteral("out of order"));
}

QTEST_GUILESS_MAIN(TestSequenceGuard)
#include "tst_sequenceguard.moc"
