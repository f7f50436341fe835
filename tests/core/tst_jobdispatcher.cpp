#include "MosquittoBroker.h"
#include "TestWorkspace.h"
#include "audit/AuditHeadAnchor.h"
#include "audit/AuditVerifier.h"
#include "ingest/DeviceReportIngest.h"
#include "jobs/JobDispatcher.h"
#include "jobs/JobService.h"
#include "mqtt/MqttClient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace fleet;
using fleet::test::column;
using fleet::test::MosquittoBroker;
using fleet::test::scalarOf;
using fleet::test::TestWorkspace;

namespace {

JobRequest reboot()
{
    JobRequest r;
    r.kind = JobMessage::Kind::Reboot;
    r.origin = QStringLiteral("test");
    return r;
}

MqttBrokerProfile profileFor(const MosquittoBroker &broker, int window = 20)
{
    MqttBrokerProfile p;
    p.host = QStringLiteral("127.0.0.1");
    p.port = broker.port();
    p.inflightWindow = window;
    return p;
}

// A plain MQTT client acting as device `uid`: subscribed to its jobs topic, keeping what
// arrives.
struct FakeDevice
{
    MqttClient client;
    QList<QByteArray> jobs;
    QSignalSpy subscribed{&client, &MqttClient::subscribed};

    FakeDevice(const MosquittoBroker &broker, const QString &uid)
        : client(profileFor(broker))
    {
        QObject::connect(
            &client, &MqttClient::messageReceived, &client,
            [this](const QString &, const QByteArray &payload, int, bool) { jobs << payload; });
        (void)client.subscribe(QStringLiteral("fleet/v1/devices/%1/jobs").arg(uid), 1);
    }
    QString jobIdAt(qsizetype i) const
    {
        return QJsonDocument::fromJson(jobs.value(i))
            .object()
            .value(QStringLiteral("job_id"))
            .toString();
    }
};

// A dispatcher on its own connection, as `fleetctl serve` and the window wire it.
struct Fixture
{
    TestWorkspace ws;
    std::unique_ptr<SqliteDatabase> connection;
    std::unique_ptr<JobDispatcher> dispatcher;
    JobService service{ws.db(), ws.session().audit()};
    QList<qint64> devices;

    Fixture()
    {
        devices = ws.addDevices(4);
        auto c = ws.session().workspace().openConnection();
        if (!c) {
            QTest::qFail(qUtf8Printable(c.message()), __FILE__, __LINE__);
            return;
        }
        connection = std::move(c.value());
        dispatcher = std::make_unique<JobDispatcher>(*connection, ws.clock(),
                                                     AuditHeadAnchor::pathForWorkspace(ws.path()));
        dispatcher->setPollInterval(50);
    }
    QString stateOf(const QString &jobId)
    {
        return scalarOf(ws.db(), QStringLiteral("SELECT state FROM jobs WHERE job_id = ?"), {jobId})
            .toString();
    }
};

} // namespace

class TestJobDispatcher : public QObject
{
    Q_OBJECT

private slots:
    void publishesStoredPayloadAndMarksSent();
    void picksUpJobsFromAnotherConnection();
    void republishesAfterBrokerRestart();
    void windowBoundsUnacknowledgedPublishes();
    void oneUnacknowledgedJobPerDevice();
    void deadlinePassedBecomesTimedOut();
    void roundTripWithIngest();
};

void TestJobDispatcher::publishesStoredPayloadAndMarksSent()
{
    MosquittoBroker broker;
    QVERIFY2(broker.start(), qPrintable(broker.errorString()));
    Fixture f;
    QVERIFY(f.dispatcher);
    FakeDevice device(broker, QStringLiteral("dev-0001"));
    QVERIFY(device.client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(device.subscribed.size(), 1, 10000);

    const Job job = f.service.create({f.devices[0]}, reboot())->first();
    const Job cancelled = f.service.create({f.devices[0]}, reboot())->first();
    QVERIFY(f.service.cancel(cancelled.jobId, QStringLiteral("not needed")).ok());

    MqttClient client(profileFor(broker));
    QSignalSpy changed(f.dispatcher.get(), &JobDispatcher::jobsChanged);
    f.dispatcher->attach(client);
    QVERIFY(client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(device.jobs.size(), 1, 10000);
    QCOMPARE(device.jobs.first(), job.payload); // byte for byte
    QTRY_COMPARE_WITH_TIMEOUT(f.stateOf(job.jobId), QStringLiteral("sent"), 10000);
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT sent_ms FROM jobs WHERE job_id = ?"),
                      {job.jobId})
                 .toLongLong(),
             f.ws.clock().nowMs());
    QCOMPARE(column(f.ws.db(),
                    QStringLiteral("SELECT state FROM job_events WHERE job_row = ? "
                                   "ORDER BY id"),
                    {job.row}),
             (QStringList{QStringLiteral("created"), QStringLiteral("sent")}));
    QVERIFY(!changed.isEmpty());
    QCOMPARE(changed.last().at(0).value<QList<qint64>>(), QList<qint64>{job.row});

    // The cancelled job never goes out, and nothing is sent twice.
    QTest::qWait(300);
    QCOMPARE(device.jobs.size(), 1);
    QCOMPARE(f.stateOf(cancelled.jobId), QStringLiteral("cancelled"));
    QCOMPARE(f.dispatcher->publishedCount(), 1);
}

void TestJobDispatcher::picksUpJobsFromAnotherConnection()
{
    MosquittoBroker broker;
    QVERIFY2(broker.start(), qPrintable(broker.errorString()));
    Fixture f;
    QVERIFY(f.dispatcher);
    FakeDevice device(broker, QStringLiteral("dev-0002"));
    QVERIFY(device.client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(device.subscribed.size(), 1, 10000);
    MqttClient client(profileFor(broker));
    f.dispatcher->attach(client);
    QVERIFY(client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), MqttClient::State::Connected, 10000);

    // Another writer, as fleetctl in another process would be: its own connection and audit.
    auto other = f.ws.session().workspace().openConnection();
    QVERIFY(other.ok());
    AuditLog audit(*other.value(), f.ws.clock(), TestWorkspace::testActor(),
                   AuditHeadAnchor::pathForWorkspace(f.ws.path()));
    JobService otherService(*other.value(), audit);
    for (int i = 0; i < 3; ++i) {
        auto created = otherService.create({f.devices[1]}, reboot());
        QVERIFY2(created.ok(), qUtf8Printable(created.message()));
        QTRY_COMPARE_WITH_TIMEOUT(device.jobs.size(), i + 1, 10000);
        QCOMPARE(device.jobIdAt(i), created->first().jobId);
        QTRY_COMPARE_WITH_TIMEOUT(f.stateOf(created->first().jobId), QStringLiteral("sent"), 10000);
    }
}

void TestJobDispatcher::republishesAfterBrokerRestart()
{
    MosquittoBroker broker;
    QVERIFY2(broker.start(), qPrintable(broker.errorString()));
    Fixture f;
    QVERIFY(f.dispatcher);
    f.dispatcher->setPollInterval(3600 * 1000); // this test polls by hand
    MqttClient client(profileFor(broker));
    f.dispatcher->attach(client);
    QVERIFY(client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), MqttClient::State::Connected, 10000);

    const Job job = f.service.create({f.devices[0]}, reboot())->first();
    // The broker dies before it can acknowledge: the publish is queued on a dead connection
    // (or refused outright); either way the job must stay "created".
    broker.kill();
    QSignalSpy failed(f.dispatcher.get(), &JobDispatcher::dispatchFailed);
    f.dispatcher->poll();
    // Either out on a dead socket or refused at once; tried exactly once.
    QCOMPARE(f.dispatcher->publishedCount() + failed.size(), 1);
    const qint64 publishedBeforeRestart = f.dispatcher->publishedCount();
    QTRY_VERIFY_WITH_TIMEOUT(client.state() != MqttClient::State::Connected, 10000);
    QCOMPARE(f.stateOf(job.jobId), QStringLiteral("created"));
    QCOMPARE(f.dispatcher->inFlight(), 0);
    // Keep the dispatcher's client away until the device is back and subscribed, so the device
    // cannot miss the republished job (its session is not persistent here).
    client.disconnectFromBroker();

    QVERIFY2(broker.restart(), qPrintable(broker.errorString()));
    FakeDevice device(broker, QStringLiteral("dev-0001"));
    QVERIFY(device.client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(device.subscribed.size(), 1, 10000);
    QVERIFY(client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(device.jobs.size(), 1, 10000);
    QCOMPARE(device.jobs.first(), job.payload); // the same job id and seq: a harmless duplicate
    QCOMPARE(device.jobIdAt(0), job.jobId);
    QTRY_COMPARE_WITH_TIMEOUT(f.stateOf(job.jobId), QStringLiteral("sent"), 10000);
    QCOMPARE(f.dispatcher->publishedCount(), publishedBeforeRestart + 1);
    QCOMPARE(f.dispatcher->acknowledgedCount(), 1);
}

void TestJobDispatcher::windowBoundsUnacknowledgedPublishes()
{
    MosquittoBroker broker;
    QVERIFY2(broker.start(), qPrintable(broker.errorString()));
    Fixture f;
    QVERIFY(f.dispatcher);
    FakeDevice devices(broker, QStringLiteral("+")); // every device's jobs
    QVERIFY(devices.client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(devices.subscribed.size(), 1, 10000);
    for (int i = 0; i < 8; ++i)
        QVERIFY(f.service.create({f.devices[i % 4]}, reboot()).ok());

    MqttClient client(profileFor(broker, 2));
    int maxInFlight = 0;
    // Sampled at every acknowledgement, before the dispatcher refills the window.
    connect(&client, &MqttClient::published, this,
            [&] { maxInFlight = std::max(maxInFlight, f.dispatcher->inFlight()); });
    f.dispatcher->attach(client);
    int inFlightAtConnect = -1;
    // Runs right after the dispatcher's own handler, before any acknowledgement can arrive.
    connect(&client, &MqttClient::stateChanged, this, [&](MqttClient::State state) {
        if (state == MqttClient::State::Connected)
            inFlightAtConnect = f.dispatcher->inFlight();
    });
    QVERIFY(client.connectToBroker().ok());
    // The connect handler published what the window allows, and no more.
    QTRY_COMPARE_WITH_TIMEOUT(inFlightAtConnect, 2, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(devices.jobs.size(), 8, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(
        scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM jobs WHERE state = 'sent'"))
            .toInt(),
        8, 10000);
    QCOMPARE(maxInFlight, 2);
    QCOMPARE(f.dispatcher->publishedCount(), 8);
}

void TestJobDispatcher::oneUnacknowledgedJobPerDevice()
{
    MosquittoBroker broker;
    QVERIFY2(broker.start(), qPrintable(broker.errorString()));
    Fixture f;
    QVERIFY(f.dispatcher);
    FakeDevice device(broker, QStringLiteral("dev-0001"));
    QVERIFY(device.client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(device.subscribed.size(), 1, 10000);
    for (int i = 0; i < 5; ++i)
        QVERIFY(f.service.create({f.devices[0]}, reboot()).ok());
    QVERIFY(f.service.create({f.devices[1]}, reboot()).ok());

    MqttClient client(profileFor(broker));
    int maxInFlight = 0;
    connect(&client, &MqttClient::published, this,
            [&] { maxInFlight = std::max(maxInFlight, f.dispatcher->inFlight()); });
    f.dispatcher->attach(client);
    int inFlightAtConnect = -1;
    connect(&client, &MqttClient::stateChanged, this, [&](MqttClient::State state) {
        if (state == MqttClient::State::Connected)
            inFlightAtConnect = f.dispatcher->inFlight();
    });
    QVERIFY(client.connectToBroker().ok());
    // dev-0001's first job and dev-0002's job; dev-0001's others wait for their turn, so a job
    // sent again after a lost acknowledgement can never arrive after a later one.
    QTRY_COMPARE_WITH_TIMEOUT(inFlightAtConnect, 2, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(device.jobs.size(), 5, 10000);
    QVERIFY(maxInFlight <= 2);
    qint64 lastSeq = -1;
    for (const QByteArray &payload : device.jobs) {
        const qint64 seq =
            QJsonDocument::fromJson(payload).object().value(QStringLiteral("seq")).toInteger();
        QVERIFY(seq > lastSeq);
        lastSeq = seq;
    }
    QCOMPARE(lastSeq, 4);
}

void TestJobDispatcher::deadlinePassedBecomesTimedOut()
{
    Fixture f;
    QVERIFY(f.dispatcher);
    JobRequest request = reboot();
    request.deadline = f.ws.clock().nowUtc().addSecs(3600);
    const Job job = f.service.create({f.devices[0]}, request)->first();
    const Job open = f.service.create({f.devices[1]}, reboot())->first();
    QSignalSpy changed(f.dispatcher.get(), &JobDispatcher::jobsChanged);

    f.dispatcher->poll(); // not connected: time still counts
    QCOMPARE(f.stateOf(job.jobId), QStringLiteral("created"));
    f.ws.clock().advanceMs(3600 * 1000 - 1);
    f.dispatcher->poll();
    QCOMPARE(f.stateOf(job.jobId), QStringLiteral("created"));
    f.ws.clock().advanceMs(2);
    f.dispatcher->poll();
    QCOMPARE(f.stateOf(job.jobId), QStringLiteral("timed_out"));
    QCOMPARE(f.stateOf(open.jobId), QStringLiteral("created")); // no deadline, no timeout
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT finished_ms FROM jobs WHERE job_id = ?"),
                      {job.jobId})
                 .toLongLong(),
             f.ws.clock().nowMs());
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed[0][0].value<QList<qint64>>(), QList<qint64>{job.row});
    QCOMPARE(column(f.ws.db(),
                    QStringLiteral("SELECT action || '|' || operator FROM audit_log "
                                   "WHERE object_id = ? ORDER BY seq"),
                    {job.jobId}),
             (QStringList{QStringLiteral("job.create|Test Operator"),
                          QStringLiteral("job.timeout|system")}));
    // Timed out once: a later poll changes nothing.
    f.ws.clock().advanceMs(60000);
    f.dispatcher->poll();
    QCOMPARE(changed.size(), 1);
    auto v = AuditVerifier::verify(f.ws.db(), AuditHeadAnchor::pathForWorkspace(f.ws.path()));
    QVERIFY2(v.ok(), qUtf8Printable(v.message()));
    QVERIFY2(v->intact, qUtf8Printable(v->summary()));
    QVERIFY(v->anchored);
}

// The whole loop as `fleetctl serve` runs it: dispatcher and ingest on one client and one
// connection; a device that receives its job and reports progress and a result.
void TestJobDispatcher::roundTripWithIngest()
{
    MosquittoBroker broker;
    QVERIFY2(broker.start(), qPrintable(broker.errorString()));
    Fixture f;
    QVERIFY(f.dispatcher);
    DeviceReportIngest ingest(*f.connection, f.ws.clock(),
                              AuditHeadAnchor::pathForWorkspace(f.ws.path()));
    ingest.setFlushInterval(50);
    FakeDevice device(broker, QStringLiteral("dev-0003"));
    QObject::connect(
        &device.client, &MqttClient::messageReceived, &device.client,
        [&device](const QString &, const QByteArray &payload, int, bool) {
            const QJsonObject job = QJsonDocument::fromJson(payload).object();
            const QString jobId = job.value(QStringLiteral("job_id")).toString();
            const QString base = QStringLiteral("fleet/v1/devices/dev-0003/jobs/%1/").arg(jobId);
            auto report = [&](qint64 seq, const char *state) {
                QJsonObject o{{QStringLiteral("v"), 1},
                              {QStringLiteral("seq"), seq},
                              {QStringLiteral("ts"), QStringLiteral("2026-03-02T09:00:01.000Z")},
                              {QStringLiteral("job_id"), jobId},
                              {QStringLiteral("state"), QLatin1String(state)}};
                return QJsonDocument(o).toJson(QJsonDocument::Compact);
            };
            (void)device.client.publish(base + QStringLiteral("progress"), report(100, "rebooting"),
                                        1);
            (void)device.client.publish(base + QStringLiteral("result"), report(101, "succeeded"),
                                        1);
        });
    QVERIFY(device.client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(device.subscribed.size(), 1, 10000);

    MqttClient client(profileFor(broker));
    QSignalSpy subscribed(&client, &MqttClient::subscribed);
    ingest.attach(client);
    f.dispatcher->attach(client);
    QVERIFY(client.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), int(DeviceReportIngest::subscriptions().size()),
                              10000);
    const Job job = f.service.create({f.devices[2]}, reboot())->first();
    QTRY_COMPARE_WITH_TIMEOUT(f.stateOf(job.jobId), QStringLiteral("succeeded"), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(
        column(f.ws.db(),
               QStringLiteral("SELECT state FROM job_events WHERE job_row = ? ORDER BY state"),
               {job.row}),
        (QStringList{QStringLiteral("created"), QStringLiteral("rebooting"), QStringLiteral("sent"),
                     QStringLiteral("succeeded")}),
        10000);
    QCOMPARE(ingest.rejectedCount(), 0);
    QCOMPARE(column(f.ws.db(),
                    QStringLiteral("SELECT action || '|' || operator FROM audit_log "
                                   "WHERE object_id = ? ORDER BY seq"),
                    {job.jobId}),
             (QStringList{QStringLiteral("job.create|Test Operator"),
                          QStringLiteral("job.result|device dev-0003")}));
    auto v = AuditVerifier::verify(f.ws.db(), AuditHeadAnchor::pathForWorkspace(f.ws.path()));
    QVERIFY2(v.ok(), qUtf8Printable(v.message()));
    QVERIFY2(v->intact, qUtf8Printable(v->summary()));
}

QTEST_GUILESS_MAIN(TestJobDispatcher)
#include "tst_jobdispatcher.moc"
