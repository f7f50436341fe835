#include "TestWorkspace.h"
#include "audit/AuditHeadAnchor.h"
#include "audit/AuditVerifier.h"
#include "jobs/JobService.h"
#include "jobs/JobStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace fleet;
using fleet::test::column;
using fleet::test::scalarOf;
using fleet::test::TestWorkspace;

namespace {

JobArtifact artifact()
{
    return {QStringLiteral("https://updates.example/gw/4.5.0/image.swu"), 48234496,
            QStringLiteral("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
            QStringLiteral("MEUCIQDdW3nZk9bq6m3dH2XhYk8b2Q1l7QxJr6dYc3a6oVb2Cw==")};
}

JobRequest updateRequest()
{
    JobRequest r;
    r.kind = JobMessage::Kind::Update;
    r.artifact = artifact();
    r.targetVersion = QStringLiteral("4.5.0");
    r.origin = QStringLiteral("test");
    return r;
}

void verifyAudit(TestWorkspace &ws)
{
    auto v = AuditVerifier::verify(ws.db(), AuditHeadAnchor::pathForWorkspace(ws.path()));
    QVERIFY2(v.ok(), qUtf8Printable(v.message()));
    QVERIFY2(v->intact, qUtf8Printable(v->summary()));
}

qint64 jobCount(TestWorkspace &ws)
{
    return scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM jobs")).toLongLong();
}

} // namespace

class TestJobService : public QObject
{
    Q_OBJECT

private slots:
    void createsOneJobPerDevice();
    void payloadIsTheJobMessage();
    void seqGrowsPerDevice();
    void reasonRequired_data();
    void reasonRequired();
    void invalidJobWritesNothing();
    void cancel();
    void cancelRefusals();
};

void TestJobService::createsOneJobPerDevice()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(3);
    const qint64 auditBefore = ws.auditCount();
    JobService service(ws.db(), ws.session().audit());
    JobRequest request = updateRequest();
    request.deadline = ws.clock().nowUtc().addSecs(3600);
    // A device named twice gets one job.
    auto jobs = service.create({ids[0], ids[1], ids[2], ids[1]}, request);
    QVERIFY2(jobs.ok(), qUtf8Printable(jobs.message()));
    QCOMPARE(jobs->size(), 3);
    QCOMPARE(jobCount(ws), 3);
    const QRegularExpression idPattern(QStringLiteral("^j-20260302-[a-z2-7]{10}$"));
    QSet<QString> jobIds;
    for (const Job &job : jobs.value()) {
        QVERIFY2(idPattern.match(job.jobId).hasMatch(), qUtf8Printable(job.jobId));
        jobIds.insert(job.jobId);
        QCOMPARE(job.state, QStringLiteral("created"));
        QCOMPARE(job.kind, QStringLiteral("update"));
        QCOMPARE(job.deadlineMs, std::optional<qint64>(request.deadline.toMSecsSinceEpoch()));
        QCOMPARE(job.createdMs, ws.clock().nowMs());
    }
    QCOMPARE(jobIds.size(), 3);

    QCOMPARE(ws.auditCount(), auditBefore + 3);
    QCOMPARE(column(ws.db(), QStringLiteral("SELECT DISTINCT action || '|' || operator FROM "
                                            "audit_log WHERE object_type = 'job'")),
             QStringList{QStringLiteral("job.create|Test Operator")});
    const QString after =
        scalarOf(ws.db(), QStringLiteral("SELECT after_json FROM audit_log WHERE object_id = ?"),
                 {jobs->first().jobId})
            .toString();
    const QJsonObject o = QJsonDocument::fromJson(after.toUtf8()).object();
    QCOMPARE(o.value(QStringLiteral("device")).toString(), QStringLiteral("dev-0001"));
    QCOMPARE(o.value(QStringLiteral("target_version")).toString(), QStringLiteral("4.5.0"));
    // Each job starts with a "created" event.
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM job_events WHERE state = "
                                              "'created'"))
                 .toInt(),
             3);
    verifyAudit(ws);
}

void TestJobService::payloadIsTheJobMessage()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(1);
    JobService service(ws.db(), ws.session().audit());
    JobRequest request;
    request.kind = JobMessage::Kind::Config;
    request.settings = {{QStringLiteral("log.level"), QStringLiteral("debug")}};
    auto jobs = service.create(ids, request);
    QVERIFY2(jobs.ok(), qUtf8Printable(jobs.message()));
    const Job stored = JobStore(ws.db()).load(jobs->first().row).value();
    QCOMPARE(stored.payload, jobs->first().payload);
    auto topic = DeviceTopic::make(QStringLiteral("dev-0001"), DeviceTopic::Channel::Jobs);
    auto parsed = JobMessage::parse(topic.value(), stored.payload);
    QVERIFY2(parsed.ok(), qUtf8Printable(parsed.message()));
    QCOMPARE(parsed->jobId, stored.jobId);
    QCOMPARE(parsed->seq, stored.seq);
    QCOMPARE(parsed->kind, JobMessage::Kind::Config);
    QCOMPARE(parsed->settings, request.settings);
    QCOMPARE(parsed->timestamp, ws.clock().nowUtc());
}

void TestJobService::seqGrowsPerDevice()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(2);
    JobService service(ws.db(), ws.session().audit());
    JobRequest reboot;
    reboot.kind = JobMessage::Kind::Reboot;
    QCOMPARE(service.create({ids[0]}, reboot)->first().seq, qint64(0));
    QCOMPARE(service.create({ids[0]}, reboot)->first().seq, qint64(1));
    auto both = service.create({ids[0], ids[1]}, reboot);
    QCOMPARE(both->at(0).seq, qint64(2));
    QCOMPARE(both->at(1).seq, qint64(0));
    // A cancelled job keeps its seq: the next is still above it.
    QVERIFY(service.cancel(both->at(0).jobId, QStringLiteral("changed my mind")).ok());
    QCOMPARE(service.create({ids[0]}, reboot)->first().seq, qint64(3));
}

void TestJobService::reasonRequired_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("needsReason");
    QTest::newRow("rollback") << int(JobMessage::Kind::Rollback) << true;
    QTest::newRow("decommission") << int(JobMessage::Kind::Decommission) << true;
    QTest::newRow("reboot") << int(JobMessage::Kind::Reboot) << false;
}

void TestJobService::reasonRequired()
{
    QFETCH(int, kind);
    QFETCH(bool, needsReason);
    TestWorkspace ws;
    const auto ids = ws.addDevices(1);
    const qint64 auditBefore = ws.auditCount();
    JobService service(ws.db(), ws.session().audit());
    JobRequest request;
    request.kind = JobMessage::Kind(kind);
    auto withoutReason = service.create(ids, request);
    QCOMPARE(withoutReason.ok(), !needsReason);
    if (needsReason) {
        QCOMPARE(withoutReason.error().kind, Error::Kind::Invalid);
        QVERIFY(withoutReason.message().contains(QStringLiteral("reason")));
        QCOMPARE(jobCount(ws), qint64(0));
        QCOMPARE(ws.auditCount(), auditBefore);
        request.reason = QStringLiteral("bad batch of flash chips");
        auto withReason = service.create(ids, request);
        QVERIFY2(withReason.ok(), qUtf8Printable(withReason.message()));
        QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT reason FROM audit_log WHERE action = "
                                                  "'job.create'"))
                     .toString(),
                 request.reason);
    }
    QCOMPARE(jobCount(ws), qint64(1));
}

void TestJobService::invalidJobWritesNothing()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(2);
    const qint64 auditBefore = ws.auditCount();
    JobService service(ws.db(), ws.session().audit());
    JobRequest noArtifact = updateRequest();
    noArtifact.artifact.reset();
    auto r = service.create(ids, noArtifact);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind, Error::Kind::Invalid);
    QVERIFY2(r.message().contains(QStringLiteral("artifact")), qUtf8Printable(r.message()));
    JobRequest pastDeadline = updateRequest();
    pastDeadline.deadline = ws.clock().nowUtc().addSecs(-60);
    QVERIFY(!service.create(ids, pastDeadline).ok());
    QVERIFY(!service.create({ids[0], 999999}, updateRequest()).ok()); // unknown device: all or none
    QVERIFY(!service.create({}, updateRequest()).ok());
    QCOMPARE(jobCount(ws), qint64(0));
    QCOMPARE(ws.auditCount(), auditBefore);
}

void TestJobService::cancel()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(1);
    JobService service(ws.db(), ws.session().audit());
    const Job job = service.create(ids, updateRequest())->first();
    ws.clock().advanceMs(5000);
    auto cancelled = service.cancel(job.jobId, QStringLiteral("wrong image"));
    QVERIFY2(cancelled.ok(), qUtf8Printable(cancelled.message()));
    QCOMPARE(cancelled->state, QStringLiteral("cancelled"));
    QCOMPARE(cancelled->finishedMs, std::optional<qint64>(ws.clock().nowMs()));
    QCOMPARE(cancelled->reason, QStringLiteral("wrong image"));
    QCOMPARE(column(ws.db(), QStringLiteral("SELECT action || '|' || reason || '|' || before_json "
                                            "FROM audit_log WHERE action = 'job.cancel'")),
             QStringList{QStringLiteral("job.cancel|wrong image|{\"state\":\"created\"}")});
    auto events = JobStore(ws.db()).events(job.row);
    QCOMPARE(events->size(), 2);
    QCOMPARE(events->last().state, QStringLiteral("cancelled"));
    verifyAudit(ws);
}

void TestJobService::cancelRefusals()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(1);
    JobService service(ws.db(), ws.session().audit());
    const Job job = service.create(ids, updateRequest())->first();
    const qint64 auditBefore = ws.auditCount();
    auto noReason = service.cancel(job.jobId, QStringLiteral("  "));
    QCOMPARE(noReason.error().kind, Error::Kind::Invalid);
    auto unknown = service.cancel(QStringLiteral("j-nope"), QStringLiteral("x"));
    QCOMPARE(unknown.error().kind, Error::Kind::NotFound);
    QVERIFY(service.cancel(job.jobId, QStringLiteral("x")).ok());
    auto again = service.cancel(job.jobId, QStringLiteral("x"));
    QVERIFY(!again.ok());
    QCOMPARE(again.error().kind, Error::Kind::Invalid);
    QVERIFY(again.message().contains(QStringLiteral("already finished")));
    QCOMPARE(ws.auditCount(), auditBefore + 1);
}

QTEST_GUILESS_MAIN(TestJobService)
#include "tst_jobservice.moc"
