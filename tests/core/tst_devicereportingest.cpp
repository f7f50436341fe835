#include "MosquittoBroker.h"
#include "TestWorkspace.h"
#include "audit/AuditHeadAnchor.h"
#include "audit/AuditVerifier.h"
#include "ingest/DeviceReportIngest.h"
#include "jobs/JobService.h"
#include "jobs/JobStore.h"
#include "mqtt/MqttClient.h"
#include "storage/Workspace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace fleet;
using fleet::test::column;
using fleet::test::MosquittoBroker;
using fleet::test::scalarOf;
using fleet::test::TestWorkspace;

namespace {

QString topicOf(const QString &uid, const char *channel)
{
    return QStringLiteral("fleet/v1/devices/%1/%2").arg(uid, QLatin1String(channel));
}

QJsonObject envelope(qint64 seq)
{
    return {{QStringLiteral("v"), 1},
            {QStringLiteral("seq"), seq},
            {QStringLiteral("ts"), QStringLiteral("2026-03-02T08:00:01.250Z")}};
}

QByteArray toJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray inventoryPayload(qint64 seq, const QString &fw, const QJsonObject &extra = {})
{
    QJsonObject o = envelope(seq);
    o.insert(QStringLiteral("model"), QStringLiteral("NW-EG4100"));
    o.insert(QStringLiteral("hw_revision"), QStringLiteral("C1"));
    o.insert(QStringLiteral("firmware"), QJsonObject{{QStringLiteral("version"), fw}});
    o.insert(QStringLiteral("network"),
             QJsonObject{{QStringLiteral("mac"), QStringLiteral("02:4E:10:00:00:01")},
                         {QStringLiteral("ip"), QStringLiteral("10.11.0.2")}});
    o.insert(QStringLiteral("components"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("openssl")},
                                    {QStringLiteral("version"), QStringLiteral("3.0.13")}}});
    for (auto it = extra.begin(); it != extra.end(); ++it)
        o.insert(it.key(), it.value());
    return toJson(o);
}

QByteArray heartbeatPayload(qint64 seq, const QString &checkStatus = QStringLiteral("ok"))
{
    QJsonObject o = envelope(seq);
    o.insert(QStringLiteral("uptime_s"), 901);
    o.insert(QStringLiteral("checks"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("disk")},
                                    {QStringLiteral("status"), checkStatus}}});
    return toJson(o);
}

QByteArray presencePayload(qint64 seq, bool online)
{
    QJsonObject o = envelope(seq);
    o.insert(QStringLiteral("state"),
             online ? QStringLiteral("online") : QStringLiteral("offline"));
    return toJson(o);
}

QString jobTopic(const QString &uid, const QString &jobId, const char *channel)
{
    return QStringLiteral("fleet/v1/devices/%1/jobs/%2/%3").arg(uid, jobId, QLatin1String(channel));
}

QByteArray jobReportPayload(qint64 seq, const QString &jobId, const QString &state,
                            std::optional<int> percent = {}, const QString &reason = {})
{
    QJsonObject o = envelope(seq);
    o.insert(QStringLiteral("job_id"), jobId);
    o.insert(QStringLiteral("state"), state);
    if (percent)
        o.insert(QStringLiteral("percent"), *percent);
    if (!reason.isEmpty())
        o.insert(QStringLiteral("reason"), reason);
    return toJson(o);
}

// A workspace plus an ingest on its own connection, as the application wires them: writing on
// the ingest's thread, or (the second run of every test) on a writer thread with a connection
// of its own.
struct Fixture
{
    TestWorkspace ws;
    std::unique_ptr<SqliteDatabase> connection;
    std::unique_ptr<DeviceReportIngest> ingest;
    const bool writerThread;

    explicit Fixture(bool withWriterThread)
        : writerThread(withWriterThread)
    {
        auto c = ws.session().workspace().openConnection();
        if (!c) {
            QTest::qFail(qUtf8Printable(c.message()), __FILE__, __LINE__);
            return;
        }
        connection = std::move(c.value());
        createIngest();
    }
    void createIngest()
    {
        const QString anchor = AuditHeadAnchor::pathForWorkspace(ws.path());
        if (writerThread) {
            auto c = ws.session().workspace().openConnection();
            if (!c) {
                QTest::qFail(qUtf8Printable(c.message()), __FILE__, __LINE__);
                return;
            }
            ingest = std::make_unique<DeviceReportIngest>(*connection, std::move(c.value()),
                                                          ws.clock(), anchor);
        } else {
            ingest = std::make_unique<DeviceReportIngest>(*connection, ws.clock(), anchor);
        }
        // Tests flush explicitly unless they test the timer.
        ingest->setFlushInterval(3600 * 1000);
    }
    qint64 deviceCount()
    {
        return scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM devices")).toLongLong();
    }
    // A reboot job for each of `devices` ("dev-0001"...), created by the test operator.
    QList<Job> createJobs(int devices)
    {
        const auto ids = ws.addDevices(devices);
        JobService service(ws.db(), ws.session().audit());
        JobRequest request;
        request.kind = JobMessage::Kind::Reboot;
        auto jobs = service.create(ids, request);
        if (!jobs)
            QTest::qFail(qUtf8Printable(jobs.message()), __FILE__, __LINE__);
        return jobs ? jobs.value() : QList<Job>();
    }
    Job job(const QString &jobId) { return JobStore(ws.db()).loadByJobId(jobId).value(); }
    void recreateIngest()
    {
        ingest.reset();
        createIngest();
    }
    QString field(const QString &uid, const char *column)
    {
        return scalarOf(ws.db(),
                        QStringLiteral("SELECT %1 FROM devices WHERE uid = ?")
                            .arg(QLatin1String(column)),
                        {uid})
            .toString();
    }
};

} // namespace

class TestDeviceReportIngest : public QObject
{
    Q_OBJECT

public:
    explicit TestDeviceReportIngest(bool writerThread)
        : m_writerThread(writerThread)
    {}

private:
    const bool m_writerThread;

private slots:
    void writerThreadAsAsked();
    void subscriptions();
    void discoversNewDevice();
    void heartbeatUpdatesLastSeenAndHealth_data();
    void heartbeatUpdatesLastSeenAndHealth();
    void presence_data();
    void presence();
    void liveReportsOfUnknownDeviceCreateNothing();
    void firmwareChangeRecordsHistory();
    void duplicatesAndReplaysAreDropped();
    void hostilePayloadsAreCountedAndWriteNothing_data();
    void hostilePayloadsAreCountedAndWriteNothing();
    void unknownFieldsAreKept();
    void coalescesHeartbeatsWithinBatch();
    void batchIsOneTransaction();
    void timerAndBatchSizeFlush();
    void endToEndWithBroker();
    void jobProgressThenResult();
    void jobReportForUnknownOrForeignJobIsRejected_data();
    void jobReportForUnknownOrForeignJobIsRejected();
    void finishedJobIsNotRevived();
    void lastSeqIsStoredOncePerStream();
    void replayAfterRestartIsRecognised();
    void jobReportsOverBroker();
    void unchangedLivenessSetsOnlyLastSeen();
    void livenessFollowsChangesByOthers();
    void deviceDeletedOrReplacedByOthers();
    void unknownFieldsClearedAfterRestart();
    void heartbeatSeqsStoredEveryFewSecondsAndOnFlush();
};

void TestDeviceReportIngest::writerThreadAsAsked()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    QCOMPARE(f.ingest->hasWriterThread(), m_writerThread);
}

void TestDeviceReportIngest::subscriptions()
{
    const auto subs = DeviceReportIngest::subscriptions();
    QCOMPARE(subs.size(), 5);
    QCOMPARE(subs[0], std::make_pair(QStringLiteral("fleet/v1/devices/+/presence"), 1));
    QCOMPARE(subs[1], std::make_pair(QStringLiteral("fleet/v1/devices/+/inventory"), 1));
    QCOMPARE(subs[2], std::make_pair(QStringLiteral("fleet/v1/devices/+/heartbeat"), 0));
    QCOMPARE(subs[3], std::make_pair(QStringLiteral("fleet/v1/devices/+/jobs/+/progress"), 1));
    QCOMPARE(subs[4], std::make_pair(QStringLiteral("fleet/v1/devices/+/jobs/+/result"), 1));
}

void TestDeviceReportIngest::discoversNewDevice()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const qint64 auditBefore = f.ws.auditCount();
    QSignalSpy committed(f.ingest.get(), &DeviceReportIngest::batchCommitted);
    const qint64 now = f.ws.clock().nowMs();

    f.ingest->handleMessage(topicOf(QStringLiteral("kar-1"), "inventory"),
                            inventoryPayload(10, QStringLiteral("4.4.2")));
    QCOMPARE(f.deviceCount(), 0); // queued, not yet written
    QVERIFY(f.ingest->flush().ok());

    QCOMPARE(f.deviceCount(), 1);
    QCOMPARE(f.field(QStringLiteral("kar-1"), "state"), QStringLiteral("registered"));
    QCOMPARE(f.field(QStringLiteral("kar-1"), "connection"), QStringLiteral("mqtt"));
    QCOMPARE(f.field(QStringLiteral("kar-1"), "model"), QStringLiteral("NW-EG4100"));
    QCOMPARE(f.field(QStringLiteral("kar-1"), "hw_revision"), QStringLiteral("C1"));
    QCOMPARE(f.field(QStringLiteral("kar-1"), "fw_version"), QStringLiteral("4.4.2"));
    QCOMPARE(f.field(QStringLiteral("kar-1"), "ip"), QStringLiteral("10.11.0.2"));
    QCOMPARE(f.field(QStringLiteral("kar-1"), "first_seen").toLongLong(), now);
    QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT name || '@' || version FROM "
                                              "device_components")),
             QStringList{QStringLiteral("openssl@3.0.13")});

    QCOMPARE(f.ws.auditCount(), auditBefore + 1);
    QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT action || '|' || operator || '|' || "
                                              "object_id FROM audit_log ORDER BY seq DESC "
                                              "LIMIT 1")),
             QStringList{QStringLiteral("device.discover|system|kar-1")});
    auto v = AuditVerifier::verify(f.ws.db(), AuditHeadAnchor::pathForWorkspace(f.ws.path()));
    QVERIFY2(v.ok(), qUtf8Printable(v.message()));
    QVERIFY2(v->intact, qUtf8Printable(v->summary()));
    QVERIFY(v->anchored);

    QCOMPARE(committed.size(), 1);
    QCOMPARE(committed[0][0].toInt(), 1);
    const auto ids = committed[0][1].value<QList<qint64>>();
    QCOMPARE(ids.size(), 1);

    // A second inventory of the known device updates it without another audit entry.
    f.ingest->handleMessage(topicOf(QStringLiteral("kar-1"), "inventory"),
                            inventoryPayload(11, QStringLiteral("4.4.2")));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.deviceCount(), 1);
    QCOMPARE(f.ws.auditCount(), auditBefore + 1);
}

void TestDeviceReportIngest::heartbeatUpdatesLastSeenAndHealth_data()
{
    QTest::addColumn<QString>("check");
    QTest::addColumn<QString>("health");
    QTest::newRow("ok") << QStringLiteral("ok") << QStringLiteral("ok");
    QTest::newRow("warn") << QStringLiteral("warn") << QStringLiteral("degraded");
    QTest::newRow("fail") << QStringLiteral("fail") << QStringLiteral("failing");
}

void TestDeviceReportIngest::heartbeatUpdatesLastSeenAndHealth()
{
    QFETCH(QString, check);
    QFETCH(QString, health);
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const QString uid = QStringLiteral("kar-1");
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(1, QStringLiteral("1")));
    f.ingest->handleMessage(topicOf(uid, "presence"), presencePayload(2, false));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "online"), QStringLiteral("0"));
    const qint64 auditBefore = f.ws.auditCount();

    f.ws.clock().advanceMs(60000);
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(3, check));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "health"), health);
    QCOMPARE(f.field(uid, "online"), QStringLiteral("1"));
    QCOMPARE(f.field(uid, "last_seen").toLongLong(), f.ws.clock().nowMs());
    QCOMPARE(f.ws.auditCount(), auditBefore); // heartbeats are not audited
}

void TestDeviceReportIngest::presence_data()
{
    QTest::addColumn<bool>("online");
    QTest::newRow("online") << true;
    QTest::newRow("offline") << false;
}

void TestDeviceReportIngest::presence()
{
    QFETCH(bool, online);
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const QString uid = QStringLiteral("kar-1");
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(1, QStringLiteral("1")));
    f.ingest->handleMessage(topicOf(uid, "presence"), presencePayload(2, !online));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "online"), online ? QStringLiteral("0") : QStringLiteral("1"));
    const qint64 auditBefore = f.ws.auditCount();

    f.ws.clock().advanceMs(5000);
    f.ingest->handleMessage(topicOf(uid, "presence"), presencePayload(3, online));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "online"), online ? QStringLiteral("1") : QStringLiteral("0"));
    QCOMPARE(f.field(uid, "last_seen").toLongLong(), f.ws.clock().nowMs());
    QCOMPARE(f.ws.auditCount(), auditBefore);

    // Within one batch, the later of heartbeat and presence decides.
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(4));
    f.ingest->handleMessage(topicOf(uid, "presence"), presencePayload(5, false));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "online"), QStringLiteral("0"));
}

void TestDeviceReportIngest::liveReportsOfUnknownDeviceCreateNothing()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    f.ingest->handleMessage(topicOf(QStringLiteral("ghost"), "heartbeat"), heartbeatPayload(1));
    f.ingest->handleMessage(topicOf(QStringLiteral("ghost"), "presence"), presencePayload(2, true));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.deviceCount(), 0);
}

void TestDeviceReportIngest::firmwareChangeRecordsHistory()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const QString uid = QStringLiteral("kar-1");
    f.ingest->handleMessage(topicOf(uid, "inventory"),
                            inventoryPayload(1, QStringLiteral("4.4.1")));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM firmware_history")).toInt(),
             0);

    f.ws.clock().advanceMs(1000);
    f.ingest->handleMessage(topicOf(uid, "inventory"),
                            inventoryPayload(2, QStringLiteral("4.4.2")));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "fw_version"), QStringLiteral("4.4.2"));
    QCOMPARE(f.field(uid, "fw_previous"), QStringLiteral("4.4.1"));
    QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT at_ms || '|' || from_version || '>' || "
                                              "to_version || '|' || source FROM "
                                              "firmware_history")),
             QStringList{QStringLiteral("%1|4.4.1>4.4.2|mqtt report").arg(f.ws.clock().nowMs())});

    // The same version again is no change.
    f.ingest->handleMessage(topicOf(uid, "inventory"),
                            inventoryPayload(3, QStringLiteral("4.4.2")));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM firmware_history")).toInt(),
             1);
    QCOMPARE(f.field(uid, "fw_previous"), QStringLiteral("4.4.1"));
}

void TestDeviceReportIngest::duplicatesAndReplaysAreDropped()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const QString uid = QStringLiteral("kar-1");
    QSignalSpy rejected(f.ingest.get(), &DeviceReportIngest::rejected);
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(10, QStringLiteral("2")));
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(10, QStringLiteral("2")));
    // An older inventory claiming older firmware must not roll the inventory back.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("seq 5 is older")));
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(5, QStringLiteral("1")));
    QCOMPARE(f.ingest->duplicateCount(), 1);
    QCOMPARE(f.ingest->replayCount(), 1);
    QCOMPARE(f.ingest->queuedMessages(), 1);
    QCOMPARE(rejected.size(), 1);
    QCOMPARE(rejected[0][0].toString(), uid);
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "fw_version"), QStringLiteral("2"));
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM firmware_history")).toInt(),
             0);
    QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT device_uid || '|' || count FROM "
                                              "ingest_rejections")),
             QStringList{uid + QStringLiteral("|1")});
}

void TestDeviceReportIngest::hostilePayloadsAreCountedAndWriteNothing_data()
{
    QTest::addColumn<QString>("topic");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("countedAs");
    const QString uid = QStringLiteral("kar-1");
    QJsonObject wrongType = envelope(1);
    wrongType.insert(QStringLiteral("seq"), QStringLiteral("1"));
    wrongType.insert(QStringLiteral("state"), QStringLiteral("online"));
    QJsonObject badState = envelope(1);
    badState.insert(QStringLiteral("state"), 42);
    QJsonObject otherDevice = envelope(1);
    otherDevice.insert(QStringLiteral("state"), QStringLiteral("online"));
    otherDevice.insert(QStringLiteral("device_id"), QStringLiteral("someone-else"));
    QJsonObject noFirmware = envelope(1);
    noFirmware.insert(QStringLiteral("model"), QStringLiteral("X"));

    QTest::newRow("invalid json") << topicOf(uid, "presence") << QByteArray("{\"v\":1,") << uid;
    QTest::newRow("not an object") << topicOf(uid, "presence") << QByteArray("[1,2]") << uid;
    QTest::newRow("empty") << topicOf(uid, "inventory") << QByteArray() << uid;
    QTest::newRow("seq is a string") << topicOf(uid, "presence") << toJson(wrongType) << uid;
    QTest::newRow("state is a number") << topicOf(uid, "presence") << toJson(badState) << uid;
    QTest::newRow("device id mismatch") << topicOf(uid, "presence") << toJson(otherDevice) << uid;
    QTest::newRow("inventory without firmware")
        << topicOf(uid, "inventory") << toJson(noFirmware) << uid;
    QTest::newRow("1 MB") << topicOf(uid, "inventory")
                          << (QByteArray("{\"v\":1,\"model\":\"") + QByteArray(1024 * 1024, 'a') +
                              QByteArray("\"}"))
                          << uid;
    QTest::newRow("binary garbage")
        << topicOf(uid, "heartbeat") << QByteArray("\x00\xff\xfe{\"v\":1}", 10) << uid;
    QTest::newRow("bad device id in topic")
        << QStringLiteral("fleet/v1/devices/a+b/presence") << presencePayload(1, true)
        << DeviceReportIngest::unknownDeviceUid();
    QTest::newRow("wrong topic shape")
        << QStringLiteral("fleet/v1/devices/kar-1/presence/extra") << presencePayload(1, true)
        << DeviceReportIngest::unknownDeviceUid();
}

void TestDeviceReportIngest::hostilePayloadsAreCountedAndWriteNothing()
{
    QFETCH(QString, topic);
    QFETCH(QByteArray, payload);
    QFETCH(QString, countedAs);
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const qint64 auditBefore = f.ws.auditCount();
    QSignalSpy rejected(f.ingest.get(), &DeviceReportIngest::rejected);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Rejected a report")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Rejected a report")));
    f.ingest->handleMessage(topic, payload);
    f.ingest->handleMessage(topic, payload);
    QCOMPARE(rejected.size(), 2);
    QCOMPARE(rejected[0][0].toString(), countedAs);
    QVERIFY(!rejected[0][1].toString().isEmpty());
    QCOMPARE(f.ingest->rejectedCount(), 2);
    QCOMPARE(f.ingest->queuedMessages(), 0);
    QVERIFY(f.ingest->flush().ok());

    QCOMPARE(f.deviceCount(), 0);
    QCOMPARE(f.ws.auditCount(), auditBefore);
    QCOMPARE(
        scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM device_reported_extra")).toInt(),
        0);
    QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT device_uid || '|' || count || '|' || "
                                              "last_ms FROM ingest_rejections")),
             QStringList{QStringLiteral("%1|2|%2").arg(countedAs).arg(f.ws.clock().nowMs())});
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT reason FROM ingest_rejections")).toString(),
             rejected[1][1].toString());

    // Counts add up across batches.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Rejected a report")));
    f.ingest->handleMessage(topic, payload);
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count FROM ingest_rejections")).toInt(), 3);
}

void TestDeviceReportIngest::unknownFieldsAreKept()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const QString uid = QStringLiteral("kar-1");
    const QJsonObject extra{{QStringLiteral("battery"),
                             QJsonObject{{QStringLiteral("chemistry"), QStringLiteral("li-ion")}}},
                            {QStringLiteral("x_vendor"), 7}};
    f.ingest->handleMessage(topicOf(uid, "inventory"),
                            inventoryPayload(1, QStringLiteral("1"), extra));
    QVERIFY(f.ingest->flush().ok());
    const QString stored = scalarOf(f.ws.db(), QStringLiteral("SELECT json FROM "
                                                              "device_reported_extra WHERE "
                                                              "channel = 'inventory'"))
                               .toString();
    QCOMPARE(QJsonDocument::fromJson(stored.toUtf8()).object(), extra);
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT updated_ms FROM device_reported_extra"))
                 .toLongLong(),
             f.ws.clock().nowMs());

    // The next report without unknown fields clears them: what is kept is the latest report's.
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(2, QStringLiteral("1")));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(
        scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM device_reported_extra")).toInt(),
        0);
}

void TestDeviceReportIngest::coalescesHeartbeatsWithinBatch()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    for (int d = 0; d < 10; ++d)
        f.ingest->handleMessage(topicOf(QStringLiteral("dev-%1").arg(d), "inventory"),
                                inventoryPayload(1, QStringLiteral("1")));
    QVERIFY(f.ingest->flush().ok());
    QVERIFY(f.ws.db()
                .exec(QStringLiteral("CREATE TABLE updates (device_id INTEGER); CREATE TRIGGER "
                                     "count_updates AFTER UPDATE ON devices BEGIN INSERT INTO "
                                     "updates VALUES (new.id); END;"))
                .ok());
    QSignalSpy committed(f.ingest.get(), &DeviceReportIngest::batchCommitted);
    for (int i = 0; i < 1000; ++i)
        f.ingest->handleMessage(
            topicOf(QStringLiteral("dev-%1").arg(i % 10), "heartbeat"),
            heartbeatPayload(2 + i / 10, i >= 990 ? QStringLiteral("fail") : QStringLiteral("ok")));
    QCOMPARE(f.ingest->queuedMessages(), 1000);
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(committed.size(), 1);
    QCOMPARE(committed[0][0].toInt(), 1000);
    QCOMPARE(committed[0][1].value<QList<qint64>>().size(), 10);
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM updates")).toInt(), 10);
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(DISTINCT device_id) FROM updates"))
                 .toInt(),
             10);
    // The latest heartbeat of each device is the one applied.
    QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT DISTINCT health FROM devices")),
             QStringList{QStringLiteral("failing")});
}

void TestDeviceReportIngest::batchIsOneTransaction()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    f.ingest->handleMessage(topicOf(QStringLiteral("old"), "inventory"),
                            inventoryPayload(1, QStringLiteral("1")));
    QVERIFY(f.ingest->flush().ok());
    const qint64 auditBefore = f.ws.auditCount();
    const QString lastSeenBefore = f.field(QStringLiteral("old"), "last_seen");
    QVERIFY(f.ws.db()
                .exec(QStringLiteral("CREATE TRIGGER refuse_updates BEFORE UPDATE ON devices "
                                     "BEGIN SELECT RAISE(ABORT, 'refused by test'); END;"))
                .ok());

    QSignalSpy committed(f.ingest.get(), &DeviceReportIngest::batchCommitted);
    f.ws.clock().advanceMs(1000);
    // A new device (INSERT, audit entry), a heartbeat (UPDATE, refused) and a rejection.
    f.ingest->handleMessage(topicOf(QStringLiteral("new"), "inventory"),
                            inventoryPayload(1, QStringLiteral("1")));
    f.ingest->handleMessage(topicOf(QStringLiteral("old"), "heartbeat"), heartbeatPayload(2));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Rejected a report")));
    f.ingest->handleMessage(topicOf(QStringLiteral("bad"), "heartbeat"), QByteArray("nope"));
    QCOMPARE(f.ingest->queuedMessages(), 2);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("will retry")));
    Status s = f.ingest->flush();
    QVERIFY(!s.ok());
    QVERIFY2(s.message().contains(QLatin1String("refused by test")), qUtf8Printable(s.message()));
    QCOMPARE(committed.size(), 0);
    QCOMPARE(f.deviceCount(), 1);
    QCOMPARE(f.ws.auditCount(), auditBefore);
    QCOMPARE(f.field(QStringLiteral("old"), "last_seen"), lastSeenBefore);
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM ingest_rejections")).toInt(),
             0);
    QCOMPARE(f.ingest->queuedMessages(), 2); // kept for the retry

    QVERIFY(f.ws.db().exec(QStringLiteral("DROP TRIGGER refuse_updates")).ok());
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(committed.size(), 1);
    QCOMPARE(committed[0][0].toInt(), 2);
    QCOMPARE(f.deviceCount(), 2);
    QCOMPARE(f.ws.auditCount(), auditBefore + 1);
    QCOMPARE(f.field(QStringLiteral("old"), "last_seen").toLongLong(), f.ws.clock().nowMs());
    QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT device_uid || '|' || count FROM "
                                              "ingest_rejections")),
             QStringList{QStringLiteral("bad|1")});
    QCOMPARE(f.ingest->queuedMessages(), 0);
}

void TestDeviceReportIngest::timerAndBatchSizeFlush()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    QSignalSpy committed(f.ingest.get(), &DeviceReportIngest::batchCommitted);
    f.ingest->setFlushInterval(20);
    f.ingest->handleMessage(topicOf(QStringLiteral("kar-1"), "inventory"),
                            inventoryPayload(1, QStringLiteral("1")));
    QCOMPARE(committed.size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(committed.size(), 1, 10000);
    QCOMPARE(f.deviceCount(), 1);

    // A full batch is written at once, without waiting for the timer.
    f.ingest->setFlushInterval(3600 * 1000);
    for (qint64 i = 0; i < DeviceReportIngest::maxBatchMessages; ++i)
        f.ingest->handleMessage(topicOf(QStringLiteral("kar-1"), "heartbeat"),
                                heartbeatPayload(2 + i));
    // (With a writer thread, once it has committed it.)
    QTRY_COMPARE_WITH_TIMEOUT(committed.size(), 2, 10000);
    QCOMPARE(committed[1][0].toInt(), int(DeviceReportIngest::maxBatchMessages));
    QCOMPARE(f.ingest->queuedMessages(), 0);
}

void TestDeviceReportIngest::endToEndWithBroker()
{
    MosquittoBroker broker;
    QVERIFY2(broker.start(), qPrintable(broker.errorString()));
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    f.ingest->setFlushInterval(DeviceReportIngest::defaultFlushIntervalMs);

    MqttBrokerProfile profile;
    profile.host = QStringLiteral("127.0.0.1");
    profile.port = broker.port();
    MqttClient subscriber(profile);
    MqttClient devices(profile);
    QSignalSpy subscribed(&subscriber, &MqttClient::subscribed);
    f.ingest->attach(subscriber);
    QVERIFY(subscriber.connectToBroker().ok());
    QVERIFY(devices.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(subscriber.state(), MqttClient::State::Connected, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(devices.state(), MqttClient::State::Connected, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 5, 10000);

    constexpr int deviceCount = 200;
    for (int d = 0; d < deviceCount; ++d) {
        const QString uid = QStringLiteral("sim-%1").arg(d, 4, 10, QLatin1Char('0'));
        QVERIFY(devices.publish(topicOf(uid, "presence"), presencePayload(1, true), 1).ok());
        QVERIFY(devices
                    .publish(topicOf(uid, "inventory"),
                             inventoryPayload(2, QStringLiteral("4.4.%1").arg(d % 3)), 1)
                    .ok());
        QVERIFY(devices.publish(topicOf(uid, "heartbeat"), heartbeatPayload(3), 0).ok());
    }
    QTRY_COMPARE_WITH_TIMEOUT(f.deviceCount(), qint64(deviceCount), 30000);
    // Heartbeats are QoS 0: on loopback they arrive, but only presence and inventory are
    // guaranteed; every device is online either way.
    QTRY_COMPARE_WITH_TIMEOUT(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM devices "
                                                                 "WHERE online = 1"))
                                  .toLongLong(),
                              qint64(deviceCount), 30000);
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                                "'device.discover'"))
                 .toLongLong(),
             qint64(deviceCount));
    QCOMPARE(f.ingest->rejectedCount(), 0);
}

void TestDeviceReportIngest::jobProgressThenResult()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const Job job = f.createJobs(1).value(0);
    const QString uid = QStringLiteral("dev-0001");
    QSignalSpy jobsChanged(f.ingest.get(), &DeviceReportIngest::jobsChanged);
    const qint64 auditBefore = f.ws.auditCount();

    f.ws.clock().advanceMs(1000);
    f.ingest->handleMessage(jobTopic(uid, job.jobId, "progress"),
                            jobReportPayload(10, job.jobId, QStringLiteral("downloading"), 40));
    QCOMPARE(f.job(job.jobId).state, QStringLiteral("created")); // queued, not yet written
    QVERIFY(f.ingest->flush().ok());
    Job row = f.job(job.jobId);
    QCOMPARE(row.state, QStringLiteral("downloading"));
    QCOMPARE(row.percent, std::optional<int>(40));
    QCOMPARE(row.updatedMs, f.ws.clock().nowMs());
    QVERIFY(!row.isFinished());
    QCOMPARE(jobsChanged.size(), 1);
    QCOMPARE(jobsChanged[0][0].value<QList<qint64>>(), QList<qint64>{job.row});
    QCOMPARE(f.ws.auditCount(), auditBefore); // progress is not audited

    // Progress and result in one batch: both events, the result's state.
    f.ws.clock().advanceMs(1000);
    f.ingest->handleMessage(jobTopic(uid, job.jobId, "progress"),
                            jobReportPayload(11, job.jobId, QStringLiteral("installing"), 90));
    f.ingest->handleMessage(jobTopic(uid, job.jobId, "result"),
                            jobReportPayload(12, job.jobId, QStringLiteral("succeeded")));
    QVERIFY(f.ingest->flush().ok());
    row = f.job(job.jobId);
    QCOMPARE(row.state, QStringLiteral("succeeded"));
    QCOMPARE(row.percent, std::optional<int>(100));
    QCOMPARE(row.finishedMs, std::optional<qint64>(f.ws.clock().nowMs()));
    QCOMPARE(column(f.ws.db(),
                    QStringLiteral("SELECT state || '|' || coalesce(device_seq, '') "
                                   "|| '|' || coalesce(percent, '') FROM job_events "
                                   "WHERE job_row = ? ORDER BY id"),
                    {job.row}),
             (QStringList{QStringLiteral("created||"), QStringLiteral("downloading|10|40"),
                          QStringLiteral("installing|11|90"), QStringLiteral("succeeded|12|")}));
    QCOMPARE(f.ingest->jobReportCount(), 3);

    // The result is audited, with the device as the actor.
    QCOMPARE(f.ws.auditCount(), auditBefore + 1);
    QCOMPARE(
        column(f.ws.db(), QStringLiteral("SELECT action || '|' || operator || '|' || "
                                         "object_id FROM audit_log ORDER BY seq DESC LIMIT 1")),
        QStringList{QStringLiteral("job.result|device dev-0001|%1").arg(job.jobId)});
    auto v = AuditVerifier::verify(f.ws.db(), AuditHeadAnchor::pathForWorkspace(f.ws.path()));
    QVERIFY2(v.ok(), qUtf8Printable(v.message()));
    QVERIFY2(v->intact, qUtf8Printable(v->summary()));
    QVERIFY(v->anchored);

    // A late "downloading" after the result is out of order in the job's stream: ignored.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Rejected a report")));
    f.ingest->handleMessage(jobTopic(uid, job.jobId, "progress"),
                            jobReportPayload(9, job.jobId, QStringLiteral("downloading"), 10));
    QCOMPARE(f.ingest->replayCount(), 1);
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.job(job.jobId).state, QStringLiteral("succeeded"));
    QCOMPARE(scalarOf(f.ws.db(),
                      QStringLiteral("SELECT count(*) FROM job_events WHERE job_row "
                                     "= ?"),
                      {job.row})
                 .toInt(),
             4);
    // The same result again (QoS 1 redelivery) is a duplicate: nothing new.
    f.ingest->handleMessage(jobTopic(uid, job.jobId, "result"),
                            jobReportPayload(12, job.jobId, QStringLiteral("succeeded")));
    QCOMPARE(f.ingest->duplicateCount(), 1);
    QCOMPARE(f.ingest->queuedMessages(), 0);
}

void TestDeviceReportIngest::jobReportForUnknownOrForeignJobIsRejected_data()
{
    QTest::addColumn<QString>("sender");
    QTest::addColumn<bool>("knownJob");
    QTest::addColumn<QString>("reason");
    QTest::newRow("unknown job id")
        << QStringLiteral("dev-0001") << false << QStringLiteral("unknown job id");
    QTest::newRow("another device's job")
        << QStringLiteral("dev-0002") << true << QStringLiteral("was sent to another device");
}

void TestDeviceReportIngest::jobReportForUnknownOrForeignJobIsRejected()
{
    QFETCH(QString, sender);
    QFETCH(bool, knownJob);
    QFETCH(QString, reason);
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const QList<Job> jobs = f.createJobs(2); // dev-0001's job is jobs[0]
    const QString jobId = knownJob ? jobs[0].jobId : QStringLiteral("j-20260302-invented00");
    QSignalSpy rejected(f.ingest.get(), &DeviceReportIngest::rejected);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Rejected a report")));
    f.ingest->handleMessage(jobTopic(sender, jobId, "result"),
                            jobReportPayload(5, jobId, QStringLiteral("succeeded")));
    QCOMPARE(rejected.size(), 1);
    QVERIFY2(rejected[0][1].toString().contains(reason), qUtf8Printable(rejected[0][1].toString()));
    QCOMPARE(f.ingest->rejectedCount(), 1);
    QCOMPARE(f.ingest->queuedMessages(), 0);
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT device_uid || '|' || count FROM "
                                              "ingest_rejections")),
             QStringList{sender + QStringLiteral("|1")});
    QCOMPARE(f.job(jobs[0].jobId).state, QStringLiteral("created"));
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM job_events WHERE state <> "
                                                "'created'"))
                 .toInt(),
             0);
    // Not tracked as a stream: a refused report leaves no sequence memory.
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM device_stream_seq")).toInt(),
             0);
}

void TestDeviceReportIngest::finishedJobIsNotRevived()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const Job job = f.createJobs(1).value(0);
    JobService service(f.ws.db(), f.ws.session().audit());
    QVERIFY(service.cancel(job.jobId, QStringLiteral("operator changed plans")).ok());
    const qint64 auditBefore = f.ws.auditCount();
    f.ingest->handleMessage(
        jobTopic(QStringLiteral("dev-0001"), job.jobId, "result"),
        jobReportPayload(3, job.jobId, QStringLiteral("failed"), {}, QStringLiteral("too late")));
    QVERIFY(f.ingest->flush().ok());
    const Job row = f.job(job.jobId);
    QCOMPARE(row.state, QStringLiteral("cancelled"));
    QCOMPARE(row.reason, QStringLiteral("operator changed plans"));
    QCOMPARE(
        column(f.ws.db(),
               QStringLiteral("SELECT state || '|' || reason FROM job_events "
                              "WHERE job_row = ? ORDER BY id"),
               {job.row}),
        (QStringList{QStringLiteral("created|"), QStringLiteral("cancelled|operator changed plans"),
                     QStringLiteral("failed|too late")}));
    QCOMPARE(f.ws.auditCount(), auditBefore);
}

void TestDeviceReportIngest::lastSeqIsStoredOncePerStream()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const Job job = f.createJobs(1).value(0);
    const QString uid = QStringLiteral("dev-0001");
    for (qint64 seq = 20; seq < 30; ++seq)
        f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(seq));
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(31, QStringLiteral("1")));
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(33, QStringLiteral("2")));
    f.ingest->handleMessage(jobTopic(uid, job.jobId, "progress"),
                            jobReportPayload(34, job.jobId, QStringLiteral("queued")));
    // Counts the writes to device_stream_seq (by whichever connection the ingest writes with:
    // triggers in the file, as nothing else writes here): one per device and stream, not one
    // per message.
    QVERIFY(f.ws.db()
                .exec(QStringLiteral(
                    "CREATE TABLE seq_writes (n INTEGER); "
                    "CREATE TRIGGER seq_insert AFTER INSERT ON device_stream_seq BEGIN "
                    "INSERT INTO seq_writes VALUES (1); END; "
                    "CREATE TRIGGER seq_update AFTER UPDATE ON device_stream_seq BEGIN "
                    "INSERT INTO seq_writes VALUES (1); END;"))
                .ok());
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT device_uid || '|' || stream || '|' || seq "
                                              "FROM device_stream_seq ORDER BY stream")),
             (QStringList{QStringLiteral("dev-0001|heartbeat|29"),
                          QStringLiteral("dev-0001|inventory|33"),
                          QStringLiteral("dev-0001|jobs/%1|34").arg(job.jobId)}));
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM seq_writes")).toInt(), 3);

    // Stored values only ever rise.
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(40));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT seq FROM device_stream_seq WHERE stream "
                                                "= 'heartbeat'"))
                 .toLongLong(),
             40);
}

void TestDeviceReportIngest::replayAfterRestartIsRecognised()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const QString uid = QStringLiteral("kar-1");
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(4, QStringLiteral("1.0")));
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(5, QStringLiteral("2.0")));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "fw_version"), QStringLiteral("2.0"));
    const qint64 auditBefore = f.ws.auditCount();

    // Fleetdesk restarts: a new ingest on the same workspace.
    f.recreateIngest();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Rejected a report")));
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(4, QStringLiteral("1.0")));
    QCOMPARE(f.ingest->replayCount(), 1);
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(5, QStringLiteral("2.0")));
    QCOMPARE(f.ingest->duplicateCount(), 1);
    QCOMPARE(f.ingest->queuedMessages(), 0);
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "fw_version"), QStringLiteral("2.0"));
    QCOMPARE(f.field(uid, "fw_previous"), QStringLiteral("1.0"));
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM firmware_history")).toInt(),
             1);
    QCOMPARE(f.ws.auditCount(), auditBefore);

    // A newer report is still welcome.
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(6, QStringLiteral("2.1")));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "fw_version"), QStringLiteral("2.1"));
}

void TestDeviceReportIngest::jobReportsOverBroker()
{
    MosquittoBroker broker;
    QVERIFY2(broker.start(), qPrintable(broker.errorString()));
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    f.ingest->setFlushInterval(DeviceReportIngest::defaultFlushIntervalMs);
    const Job job = f.createJobs(1).value(0);
    MqttBrokerProfile profile;
    profile.host = QStringLiteral("127.0.0.1");
    profile.port = broker.port();
    MqttClient subscriber(profile);
    MqttClient device(profile);
    QSignalSpy subscribed(&subscriber, &MqttClient::subscribed);
    f.ingest->attach(subscriber);
    QVERIFY(subscriber.connectToBroker().ok());
    QVERIFY(device.connectToBroker().ok());
    QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 5, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(device.state(), MqttClient::State::Connected, 10000);
    const QString uid = QStringLiteral("dev-0001");
    QVERIFY(device
                .publish(jobTopic(uid, job.jobId, "progress"),
                         jobReportPayload(1, job.jobId, QStringLiteral("installing"), 50), 1)
                .ok());
    QVERIFY(device
                .publish(jobTopic(uid, job.jobId, "result"),
                         jobReportPayload(2, job.jobId, QStringLiteral("rejected"), {},
                                          QStringLiteral("signature does not verify")),
                         1)
                .ok());
    QTRY_COMPARE_WITH_TIMEOUT(f.job(job.jobId).state, QStringLiteral("rejected"), 10000);
    QCOMPARE(f.job(job.jobId).reason, QStringLiteral("signature does not verify"));
    QCOMPARE(f.ingest->rejectedCount(), 0);
}

// SQLite only rewrites index entries for columns in the SET list: a heartbeat that changes
// nothing but last_seen must leave online and health out of it (the (online, name) index).
void TestDeviceReportIngest::unchangedLivenessSetsOnlyLastSeen()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const QString uid = QStringLiteral("kar-1");
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(1, QStringLiteral("1")));
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(2));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "health"), QStringLiteral("ok"));
    // "UPDATE OF online" triggers fire when online is in the SET list, changed or not. (In the
    // file, so they see the writer thread's connection too.)
    QVERIFY(
        f.ws.db()
            .exec(QStringLiteral("CREATE TABLE online_writes (n INTEGER); "
                                 "CREATE TRIGGER online_write AFTER UPDATE OF online, health ON "
                                 "devices BEGIN INSERT INTO online_writes VALUES (1); END;"))
            .ok());
    const auto onlineWrites = [&f] {
        return scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM online_writes")).toInt();
    };
    f.ws.clock().advanceMs(1000);
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(3));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "last_seen").toLongLong(), f.ws.clock().nowMs());
    QCOMPARE(onlineWrites(), 0);
    f.ingest->handleMessage(topicOf(uid, "presence"), presencePayload(4, true));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(onlineWrites(), 0);

    // A change is written.
    f.ws.clock().advanceMs(1000);
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(5, QStringLiteral("warn")));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(onlineWrites(), 1);
    QCOMPARE(f.field(uid, "health"), QStringLiteral("degraded"));
    QCOMPARE(f.field(uid, "last_seen").toLongLong(), f.ws.clock().nowMs());
    f.ingest->handleMessage(topicOf(uid, "presence"), presencePayload(6, false));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(onlineWrites(), 2);
    QCOMPARE(f.field(uid, "online"), QStringLiteral("0"));
    QCOMPARE(f.field(uid, "health"), QStringLiteral("degraded"));
}

// What the ingest remembers of a device is only a shortcut: what others write wins.
void TestDeviceReportIngest::livenessFollowsChangesByOthers()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const QString uid = QStringLiteral("kar-1");
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(1, QStringLiteral("1")));
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(2));
    QVERIFY(f.ingest->flush().ok());
    QVERIFY(f.ws.db()
                .exec(QStringLiteral("UPDATE devices SET online = 0, health = 'failing' WHERE uid "
                                     "= 'kar-1'"))
                .ok());
    f.ws.clock().advanceMs(1000);
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(3));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "online"), QStringLiteral("1"));
    QCOMPARE(f.field(uid, "health"), QStringLiteral("ok"));
    QCOMPARE(f.field(uid, "last_seen").toLongLong(), f.ws.clock().nowMs());

    QVERIFY(
        f.ws.db().exec(QStringLiteral("UPDATE devices SET online = 1 WHERE uid = 'kar-1'")).ok());
    f.ingest->handleMessage(topicOf(uid, "presence"), presencePayload(4, false));
    f.ingest->handleMessage(topicOf(uid, "presence"), presencePayload(5, true));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "online"), QStringLiteral("1"));
    QVERIFY(
        f.ws.db().exec(QStringLiteral("UPDATE devices SET online = 0 WHERE uid = 'kar-1'")).ok());
    f.ingest->handleMessage(topicOf(uid, "presence"), presencePayload(6, true));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "online"), QStringLiteral("1"));
}

void TestDeviceReportIngest::deviceDeletedOrReplacedByOthers()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const QString uid = QStringLiteral("kar-1");
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(1, QStringLiteral("1")));
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(2));
    QVERIFY(f.ingest->flush().ok());
    const qint64 oldId = f.field(uid, "id").toLongLong();

    // Deleted, and its id given to another device (SQLite reuses the highest rowid).
    QVERIFY(f.ws.db().exec(QStringLiteral("DELETE FROM devices WHERE uid = 'kar-1'")).ok());
    QVERIFY(f.ws.db()
                .exec(QStringLiteral("INSERT INTO devices (uid, name, online, health, last_seen) "
                                     "VALUES ('other', 'other', 0, 'unknown', 7)"))
                .ok());
    QCOMPARE(f.field(QStringLiteral("other"), "id").toLongLong(), oldId);
    f.ws.clock().advanceMs(1000);
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(3));
    f.ingest->handleMessage(topicOf(uid, "presence"), presencePayload(4, true));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(QStringLiteral("other"), "last_seen"), QStringLiteral("7"));
    QCOMPARE(f.field(QStringLiteral("other"), "online"), QStringLiteral("0"));
    QCOMPARE(f.field(QStringLiteral("other"), "health"), QStringLiteral("unknown"));
    QCOMPARE(f.deviceCount(), 1);

    // Registered again under its uid (another id): the next heartbeat finds it.
    QVERIFY(f.ws.db()
                .exec(QStringLiteral("INSERT INTO devices (uid, name) VALUES ('kar-1', 'kar-1')"))
                .ok());
    f.ws.clock().advanceMs(1000);
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(5, QStringLiteral("fail")));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(f.field(uid, "last_seen").toLongLong(), f.ws.clock().nowMs());
    QCOMPARE(f.field(uid, "online"), QStringLiteral("1"));
    QCOMPARE(f.field(uid, "health"), QStringLiteral("failing"));
    QCOMPARE(f.field(QStringLiteral("other"), "last_seen"), QStringLiteral("7"));
}

// Which devices have unknown fields kept is loaded on start: a report without any clears what
// was kept before the restart.
void TestDeviceReportIngest::unknownFieldsClearedAfterRestart()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const QString uid = QStringLiteral("kar-1");
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(1, QStringLiteral("1")));
    QJsonObject withExtra = QJsonDocument::fromJson(heartbeatPayload(2)).object();
    withExtra.insert(QStringLiteral("x_battery_mv"), 3700);
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), toJson(withExtra));
    QVERIFY(f.ingest->flush().ok());
    const auto kept = [&f] {
        return column(f.ws.db(), QStringLiteral("SELECT channel FROM device_reported_extra"));
    };
    QCOMPARE(kept(), QStringList{QStringLiteral("heartbeat")});

    f.recreateIngest();
    f.ingest->handleMessage(topicOf(uid, "presence"), presencePayload(3, true));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(kept(), QStringList{QStringLiteral("heartbeat")}); // another channel's
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(4));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(kept(), QStringList());

    // And kept again, and cleared again, within one run.
    withExtra.insert(QStringLiteral("seq"), 5);
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), toJson(withExtra));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(kept(), QStringList{QStringLiteral("heartbeat")});
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(6));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(kept(), QStringList());
}

// Heartbeat streams' last seq is stored with the timer's batches at most every
// heartbeatSeqIntervalMs, and by every flush(); the other streams' with every batch.
void TestDeviceReportIngest::heartbeatSeqsStoredEveryFewSecondsAndOnFlush()
{
    Fixture f(m_writerThread);
    QVERIFY(f.ingest);
    const QString uid = QStringLiteral("kar-1");
    const auto stored = [&f](const char *stream) {
        return scalarOf(f.ws.db(),
                        QStringLiteral("SELECT seq FROM device_stream_seq WHERE stream = ?"),
                        {QLatin1String(stream)})
            .toLongLong();
    };
    QSignalSpy committed(f.ingest.get(), &DeviceReportIngest::batchCommitted);
    f.ingest->setFlushInterval(10);
    f.ingest->handleMessage(topicOf(uid, "inventory"), inventoryPayload(1, QStringLiteral("1")));
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(2));
    QTRY_COMPARE_WITH_TIMEOUT(committed.size(), 1, 10000);
    QCOMPARE(stored("inventory"), 1);
    QCOMPARE(stored("heartbeat"), 2); // the first batch stores them

    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(3));
    f.ingest->handleMessage(topicOf(uid, "presence"), presencePayload(4, true));
    QTRY_COMPARE_WITH_TIMEOUT(committed.size(), 2, 10000);
    QCOMPARE(stored("presence"), 4);
    QCOMPARE(stored("heartbeat"), 2);

    // The interval is over: the timer comes back for them without another message.
    f.ws.clock().advanceMs(DeviceReportIngest::heartbeatSeqIntervalMs);
    QTRY_COMPARE_WITH_TIMEOUT(stored("heartbeat"), 3, 10000);

    // flush() stores them at once: after an orderly stop, every replay is recognised.
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(5));
    QVERIFY(f.ingest->flush().ok());
    QCOMPARE(stored("heartbeat"), 5);
    f.recreateIngest();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("Rejected a report")));
    f.ingest->handleMessage(topicOf(uid, "heartbeat"), heartbeatPayload(4));
    QCOMPARE(f.ingest->replayCount(), 1);
    QCOMPARE(f.ingest->queuedMessages(), 0);
}

// Every test runs twice: batches written on the ingest's thread, then on a writer thread.
int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTEST_SET_MAIN_SOURCE_PATH
    TestDeviceReportIngest inlineWriter(false);
    TestDeviceReportIngest writerThread(true);
    const int failedInline = QTest::qExec(&inlineWriter, argc, argv);
    const int failedThreaded = QTest::qExec(&writerThread, argc, argv);
    return failedInline + failedThreaded;
}
#include "tst_devicereportingest.moc"
