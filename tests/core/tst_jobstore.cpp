#include "TestWorkspace.h"
#include "jobs/JobStore.h"
#include "storage/SqliteDatabase.h"

#include <QTest>

using namespace fleet;
using fleet::test::scalarOf;
using fleet::test::TestWorkspace;

namespace {

Job makeJob(qint64 deviceId, const QString &jobId, qint64 seq, qint64 createdMs)
{
    Job j;
    j.jobId = jobId;
    j.deviceId = deviceId;
    j.kind = QStringLiteral("reboot");
    j.seq = seq;
    j.payload = QByteArray("{\"v\":1,\"job_id\":\"") + jobId.toUtf8() + "\"}";
    j.origin = QStringLiteral("test");
    j.createdMs = createdMs;
    j.updatedMs = createdMs;
    return j;
}

} // namespace

class TestJobStore : public QObject
{
    Q_OBJECT

private slots:
    void insertAndLoad();
    void nextSeqPerDevice();
    void listFiltersAndPages();
    void unsentAndOverdue();
    void applyStateAndEvents();
    void finishedJobKeepsItsState();
    void markSentOnce();
    void dispatcherQueriesReadOnlyUnfinishedJobs_data();
    void dispatcherQueriesReadOnlyUnfinishedJobs();
};

void TestJobStore::insertAndLoad()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(1);
    JobStore store(ws.db());
    Job j = makeJob(ids[0], QStringLiteral("j-1"), 0, 1000);
    j.deadlineMs = 5000;
    j.targetVersion = QStringLiteral("4.5.0");
    auto row = store.insert(j);
    QVERIFY2(row.ok(), qUtf8Printable(row.message()));

    auto loaded = store.loadByJobId(QStringLiteral("j-1"));
    QVERIFY2(loaded.ok(), qUtf8Printable(loaded.message()));
    QCOMPARE(loaded->row, row.value());
    QCOMPARE(loaded->deviceUid, QStringLiteral("dev-0001"));
    QCOMPARE(loaded->payload, j.payload);
    QCOMPARE(loaded->state, QStringLiteral("created"));
    QCOMPARE(loaded->deadlineMs, std::optional<qint64>(5000));
    QCOMPARE(loaded->targetVersion, QStringLiteral("4.5.0"));
    QVERIFY(!loaded->sentMs);
    QVERIFY(!loaded->percent);
    QVERIFY(!loaded->isFinished());

    auto missing = store.loadByJobId(QStringLiteral("j-none"));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().kind, Error::Kind::NotFound);
    QVERIFY(store.jobIdExists(QStringLiteral("j-1")).value());
    QVERIFY(!store.jobIdExists(QStringLiteral("j-2")).value());
    // Job ids are unique in the schema too.
    QVERIFY(!store.insert(makeJob(ids[0], QStringLiteral("j-1"), 1, 1000)).ok());
}

void TestJobStore::nextSeqPerDevice()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(2);
    JobStore store(ws.db());
    QCOMPARE(store.nextSeq(ids[0]).value(), qint64(0));
    QVERIFY(store.insert(makeJob(ids[0], QStringLiteral("a"), 0, 1)).ok());
    QVERIFY(store.insert(makeJob(ids[0], QStringLiteral("b"), 7, 2)).ok());
    QCOMPARE(store.nextSeq(ids[0]).value(), qint64(8));
    QCOMPARE(store.nextSeq(ids[1]).value(), qint64(0));
}

void TestJobStore::listFiltersAndPages()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(2);
    JobStore store(ws.db());
    for (int i = 0; i < 5; ++i)
        QVERIFY(store.insert(makeJob(ids[i % 2], QStringLiteral("j-%1").arg(i), i, 100 + i)).ok());
    auto all = store.list({});
    QCOMPARE(all->size(), 5);
    QCOMPARE(all->first().jobId, QStringLiteral("j-4")); // newest first
    QCOMPARE(store.count({}).value(), qint64(5));

    JobListFilter byDevice;
    byDevice.deviceUid = QStringLiteral("dev-0002");
    auto second = store.list(byDevice);
    QCOMPARE(second->size(), 2);
    QCOMPARE(second->at(0).jobId, QStringLiteral("j-3"));
    QCOMPARE(second->at(1).jobId, QStringLiteral("j-1"));
    QCOMPARE(store.count(byDevice).value(), qint64(2));

    auto page = store.list({}, 2, 2);
    QCOMPARE(page->size(), 2);
    QCOMPARE(page->at(0).jobId, QStringLiteral("j-2"));
    QCOMPARE(page->at(1).jobId, QStringLiteral("j-1"));

    const qint64 row = store.loadByJobId(QStringLiteral("j-0"))->row;
    QVERIFY(
        store.applyState(row, QStringLiteral("failed"), std::nullopt, QStringLiteral("x"), 9).ok());
    JobListFilter failed;
    failed.state = QStringLiteral("failed");
    QCOMPARE(store.count(failed).value(), qint64(1));
    JobListFilter unfinished;
    unfinished.unfinishedOnly = true;
    QCOMPARE(store.count(unfinished).value(), qint64(4));
}

void TestJobStore::unsentAndOverdue()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(1);
    JobStore store(ws.db());
    Job early = makeJob(ids[0], QStringLiteral("early"), 0, 10);
    early.deadlineMs = 100;
    Job late = makeJob(ids[0], QStringLiteral("late"), 1, 20);
    late.deadlineMs = 1000;
    Job none = makeJob(ids[0], QStringLiteral("none"), 2, 30);
    for (const Job &j : {early, late, none})
        QVERIFY(store.insert(j).ok());

    auto unsent = store.unsent(10);
    QCOMPARE(unsent->size(), 3);
    QCOMPARE(unsent->at(0).jobId, QStringLiteral("early")); // oldest first
    QCOMPARE(store.unsent(2)->size(), 2);

    QCOMPARE(store.overdue(50)->size(), 0);
    auto overdue = store.overdue(500);
    QCOMPARE(overdue->size(), 1);
    QCOMPARE(overdue->first().jobId, QStringLiteral("early"));
    QCOMPARE(store.overdue(5000)->size(), 2);

    QVERIFY(store.markSent(unsent->at(0).row, 60).ok());
    QCOMPARE(store.unsent(10)->size(), 2);
    QVERIFY(store
                .applyState(unsent->at(1).row, QStringLiteral("cancelled"), std::nullopt,
                            QStringLiteral("no"), 70)
                .ok());
    QCOMPARE(store.unsent(10)->size(), 1);
    QCOMPARE(store.overdue(5000)->size(), 1); // a cancelled job is finished
}

void TestJobStore::applyStateAndEvents()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(1);
    JobStore store(ws.db());
    const qint64 row = store.insert(makeJob(ids[0], QStringLiteral("j"), 0, 10)).value();
    QVERIFY(store.applyState(row, QStringLiteral("downloading"), 40, {}, 20).ok());
    QVERIFY(store.recordEvent(row, {0, 20, 4242, QStringLiteral("downloading"), 40, {}}).ok());
    QVERIFY(store.applyState(row, QStringLiteral("installing"), std::nullopt, {}, 30).ok());
    auto job = store.load(row);
    QCOMPARE(job->state, QStringLiteral("installing"));
    QCOMPARE(job->percent, std::optional<int>(40)); // kept when not reported
    QCOMPARE(job->updatedMs, qint64(30));
    QVERIFY(!job->isFinished());

    QVERIFY(
        store.applyState(row, QStringLiteral("failed"), std::nullopt, QStringLiteral("disk"), 40)
            .ok());
    job = store.load(row);
    QCOMPARE(job->finishedMs, std::optional<qint64>(40));
    QCOMPARE(job->reason, QStringLiteral("disk"));

    auto events = store.events(row);
    QCOMPARE(events->size(), 1);
    QCOMPARE(events->first().deviceSeq, std::optional<qint64>(4242));
    QCOMPARE(events->first().percent, std::optional<int>(40));
    QCOMPARE(events->first().state, QStringLiteral("downloading"));
}

void TestJobStore::finishedJobKeepsItsState()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(1);
    JobStore store(ws.db());
    const qint64 row = store.insert(makeJob(ids[0], QStringLiteral("j"), 0, 10)).value();
    QVERIFY(
        store.applyState(row, QStringLiteral("cancelled"), std::nullopt, QStringLiteral("r"), 20)
            .ok());
    const Status s = store.applyState(row, QStringLiteral("succeeded"), 100, {}, 30);
    QVERIFY(!s.ok());
    QCOMPARE(s.error().kind, Error::Kind::Invalid);
    QCOMPARE(store.load(row)->state, QStringLiteral("cancelled"));
    QCOMPARE(store.load(row)->finishedMs, std::optional<qint64>(20));
}

void TestJobStore::markSentOnce()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(1);
    JobStore store(ws.db());
    const qint64 row = store.insert(makeJob(ids[0], QStringLiteral("j"), 0, 10)).value();
    QCOMPARE(store.markSent(row, 50).value(), true);
    QCOMPARE(store.load(row)->state, QStringLiteral("sent"));
    QCOMPARE(store.load(row)->sentMs, std::optional<qint64>(50));
    QCOMPARE(store.markSent(row, 60).value(), false);
    QCOMPARE(store.load(row)->sentMs, std::optional<qint64>(50));

    // A device that reported before the broker's acknowledgement was handled keeps its state.
    const qint64 other = store.insert(makeJob(ids[0], QStringLiteral("k"), 1, 10)).value();
    QVERIFY(store.applyState(other, QStringLiteral("queued"), std::nullopt, {}, 20).ok());
    QCOMPARE(store.markSent(other, 30).value(), true);
    QCOMPARE(store.load(other)->state, QStringLiteral("queued"));
    QCOMPARE(store.load(other)->sentMs, std::optional<qint64>(30));
}

void TestJobStore::dispatcherQueriesReadOnlyUnfinishedJobs_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QVariantList>("binds");
    const auto unsent = JobStore::unsentStatement(20);
    const auto overdue = JobStore::overdueStatement(1000);
    QTest::newRow("unsent") << unsent.sql << unsent.binds;
    QTest::newRow("overdue") << overdue.sql << overdue.binds;
}

// Both run every second in the dispatcher while the jobs table only grows: they must read the
// partial index of unfinished jobs, never scan the table.
void TestJobStore::dispatcherQueriesReadOnlyUnfinishedJobs()
{
    QFETCH(QString, sql);
    QFETCH(QVariantList, binds);
    TestWorkspace ws;
    auto plan = ws.db().prepare(QStringLiteral("EXPLAIN QUERY PLAN ") + sql);
    QVERIFY2(plan.ok(), qUtf8Printable(plan.message()));
    plan->bindAll(binds);
    QStringList details;
    while (plan->next())
        details << plan->text(3);
    QVERIFY2(details.filter(QStringLiteral("jobs_unfinished")).size() == 1,
             qUtf8Printable(details.join(QLatin1Char('\n'))));
    QVERIFY2(!details.contains(QStringLiteral("SCAN j")),
             qUtf8Printable(details.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestJobStore)
#include "tst_jobstore.moc"
