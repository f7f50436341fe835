#include "TestWorkspace.h"
#include "audit/AuditHeadAnchor.h"
#include "ingest/IngestWriterThread.h"
#include "protocol/DevicePayloadParser.h"
#include "protocol/DeviceTopic.h"
#include "storage/SqliteDatabase.h"
#include "storage/Workspace.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>
#include <atomic>

using namespace fleet;
using fleet::test::column;
using fleet::test::scalarOf;
using fleet::test::TestWorkspace;

namespace {

QByteArray inventoryPayload(qint64 seq, const QString &fw)
{
    QJsonObject o{{QStringLiteral("v"), 1},
                  {QStringLiteral("seq"), seq},
                  {QStringLiteral("ts"), QStringLiteral("2026-03-02T08:00:01.250Z")},
                  {QStringLiteral("model"), QStringLiteral("NW-EG4100")},
                  {QStringLiteral("hw_revision"), QStringLiteral("C1")},
                  {QStringLiteral("firmware"), QJsonObject{{QStringLiteral("version"), fw}}}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray heartbeatPayload(qint64 seq)
{
    QJsonObject o{{QStringLiteral("v"), 1},
                  {QStringLiteral("seq"), seq},
                  {QStringLiteral("ts"), QStringLiteral("2026-03-02T08:00:01.250Z")},
                  {QStringLiteral("uptime_s"), 901}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// A report as the ingest would have checked it, through the real topic and payload parsers.
IngestBatch::Received received(const QString &uid, const char *channel, const QByteArray &payload,
                               qint64 atMs)
{
    auto topic = DeviceTopic::parse(
        QStringLiteral("fleet/v1/devices/%1/%2").arg(uid, QLatin1String(channel)));
    if (!topic)
        qFatal("bad test topic: %s", qPrintable(topic.message()));
    auto report = DevicePayloadParser::parse(topic.value(), payload);
    if (!report)
        qFatal("bad test payload: %s", qPrintable(report.message()));
    return {std::move(report.value()), atMs, 0};
}

// One inventory of `uid` with firmware `fw`: a batch whose effect shows its order (the history).
IngestBatch inventoryBatch(const QString &uid, qint64 seq, const QString &fw, qint64 atMs)
{
    IngestBatch batch;
    batch.add(uid, DeviceTopic::Channel::Inventory,
              received(uid, "inventory", inventoryPayload(seq, fw), atMs));
    batch.streamSeqs[{uid, QStringLiteral("inventory")}] = seq;
    batch.cutMs = atMs;
    return batch;
}

IngestBatch heartbeatBatch(const QString &uid, qint64 seq, qint64 atMs)
{
    IngestBatch batch;
    batch.add(uid, DeviceTopic::Channel::Heartbeat,
              received(uid, "heartbeat", heartbeatPayload(seq), atMs));
    batch.cutMs = atMs;
    return batch;
}

struct Fixture
{
    TestWorkspace ws;
    std::atomic<int> commits{0};
    std::unique_ptr<IngestWriterThread> writer;

    Fixture()
    {
        auto c = ws.session().workspace().openConnection();
        if (!c) {
            QTest::qFail(qUtf8Printable(c.message()), __FILE__, __LINE__);
            return;
        }
        writer = std::make_unique<IngestWriterThread>(std::move(c.value()),
                                                      AuditHeadAnchor::pathForWorkspace(ws.path()),
                                                      [this] { ++commits; });
        // Tests retry explicitly (waitUntilWritten) unless they test the retry delay.
        writer->setRetryDelayMs(3600 * 1000);
    }
    QString field(const QString &uid, const char *name)
    {
        return scalarOf(
                   ws.db(),
                   QStringLiteral("SELECT %1 FROM devices WHERE uid = ?").arg(QLatin1String(name)),
                   {uid})
            .toString();
    }
    bool refuseDeviceUpdates(bool refuse)
    {
        return ws.db()
            .exec(refuse ? QStringLiteral("CREATE TRIGGER refuse_updates BEFORE UPDATE ON devices "
                                          "BEGIN SELECT RAISE(ABORT, 'refused by test'); END;")
                         : QStringLiteral("DROP TRIGGER refuse_updates"))
            .ok();
    }
};

} // namespace

class TestIngestWriterThread : public QObject
{
    Q_OBJECT

private slots:
    void batchesAreWrittenInOrder();
    void failedBatchIsRetriedBeforeLaterOnes();
    void failedBatchIsRetriedAfterTheDelay();
    void stopWritesEverythingQueued();
    void stopGivesUpOnABatchThatKeepsFailing();
};

void TestIngestWriterThread::batchesAreWrittenInOrder()
{
    Fixture f;
    QVERIFY(f.writer);
    const qint64 t0 = f.ws.clock().nowMs();
    for (int i = 1; i <= 20; ++i) {
        IngestBatch batch = inventoryBatch(QStringLiteral("gw-1"), i, QString::number(i), t0 + i);
        batch.messages = i; // tells the results apart
        f.writer->submit(std::move(batch));
    }
    QVERIFY(f.writer->waitUntilWritten().ok());
    QCOMPARE(f.writer->backlog(), 0);
    QCOMPARE(f.writer->unwrittenMessages(), 0);
    QCOMPARE(f.commits.load(), 20);

    const auto results = f.writer->takeResults();
    QCOMPARE(results.size(), std::size_t(20));
    for (int i = 0; i < 20; ++i)
        QCOMPARE(results[std::size_t(i)].messages, i + 1);
    QVERIFY(f.writer->takeResults().empty()); // each result once
    // The written batches come back for their memory to be freed by the caller; nobody took
    // them here, so the writer kept only a few.
    QCOMPARE(f.writer->takeWrittenBatches().size(), std::size_t(4));
    f.writer->submit(inventoryBatch(QStringLiteral("gw-1"), 21, QStringLiteral("21"), t0 + 21));
    QVERIFY(f.writer->waitUntilWritten().ok());
    const auto written = f.writer->takeWrittenBatches();
    QCOMPARE(written.size(), std::size_t(1));
    QCOMPARE(written[0].messages, 1);
    QCOMPARE(written[0].pending.keys(), QStringList{QStringLiteral("gw-1")});
    // Each firmware change in the history, in the order the batches were submitted.
    QStringList expected;
    for (int i = 1; i < 21; ++i)
        expected << QStringLiteral("%1>%2").arg(i).arg(i + 1);
    QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT from_version || '>' || to_version FROM "
                                              "firmware_history ORDER BY id")),
             expected);
    QCOMPARE(f.field(QStringLiteral("gw-1"), "fw_version"), QStringLiteral("21"));
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT seq FROM device_stream_seq WHERE "
                                                "device_uid = 'gw-1' AND stream = 'inventory'"))
                 .toLongLong(),
             21);
}

void TestIngestWriterThread::failedBatchIsRetriedBeforeLaterOnes()
{
    Fixture f;
    QVERIFY(f.writer);
    const qint64 t0 = f.ws.clock().nowMs();
    f.writer->submit(inventoryBatch(QStringLiteral("old"), 1, QStringLiteral("1"), t0));
    QVERIFY(f.writer->waitUntilWritten().ok());
    (void)f.writer->takeResults();
    QVERIFY(f.refuseDeviceUpdates(true));

    // A heartbeat (UPDATE, refused), then a new device (INSERT, allowed by the trigger), which
    // must not overtake it.
    f.writer->submit(heartbeatBatch(QStringLiteral("old"), 2, t0 + 1000));
    f.writer->submit(inventoryBatch(QStringLiteral("new"), 1, QStringLiteral("1"), t0 + 1001));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("will retry")));
    Status s = f.writer->waitUntilWritten();
    QVERIFY(!s.ok());
    QVERIFY2(s.message().contains(QLatin1String("refused by test")), qUtf8Printable(s.message()));
    QCOMPARE(f.writer->backlog(), 2);
    QCOMPARE(f.writer->unwrittenMessages(), 2);
    QVERIFY(f.writer->takeResults().empty());
    QCOMPARE(f.field(QStringLiteral("new"), "uid"), QString()); // not written ahead of the first
    QCOMPARE(f.field(QStringLiteral("old"), "last_seen").toLongLong(), t0);

    QVERIFY(f.refuseDeviceUpdates(false));
    QVERIFY(f.writer->waitUntilWritten().ok());
    QCOMPARE(f.writer->backlog(), 0);
    const auto results = f.writer->takeResults();
    QCOMPARE(results.size(), std::size_t(2));
    QCOMPARE(f.field(QStringLiteral("old"), "last_seen").toLongLong(), t0 + 1000);
    QCOMPARE(f.field(QStringLiteral("new"), "uid"), QStringLiteral("new"));
    // The failed attempt's rollback left no trace: two discoveries audited, none twice.
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                                "'device.discover'"))
                 .toInt(),
             2);
}

void TestIngestWriterThread::failedBatchIsRetriedAfterTheDelay()
{
    Fixture f;
    QVERIFY(f.writer);
    const qint64 t0 = f.ws.clock().nowMs();
    f.writer->submit(inventoryBatch(QStringLiteral("gw-1"), 1, QStringLiteral("1"), t0));
    QVERIFY(f.writer->waitUntilWritten().ok());
    QVERIFY(f.refuseDeviceUpdates(true));
    f.writer->setRetryDelayMs(20);
    f.writer->submit(heartbeatBatch(QStringLiteral("gw-1"), 2, t0 + 500));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("will retry")));
    QVERIFY(!f.writer->waitUntilWritten().ok());
    QVERIFY(f.refuseDeviceUpdates(false));
    // Nobody asks again: the writer retries on its own.
    QTRY_COMPARE_WITH_TIMEOUT(f.writer->backlog(), 0, 10000);
    QCOMPARE(f.field(QStringLiteral("gw-1"), "last_seen").toLongLong(), t0 + 500);
    QCOMPARE(f.commits.load(), 2);
}

void TestIngestWriterThread::stopWritesEverythingQueued()
{
    Fixture f;
    QVERIFY(f.writer);
    const qint64 t0 = f.ws.clock().nowMs();
    for (int i = 1; i <= 30; ++i)
        f.writer->submit(
            inventoryBatch(QStringLiteral("gw-%1").arg(i), 1, QStringLiteral("1"), t0));
    for (int i = 1; i <= 30; ++i)
        f.writer->submit(heartbeatBatch(QStringLiteral("gw-%1").arg(i), 2, t0 + i));
    QVERIFY(f.writer->stop().ok());
    QCOMPARE(f.commits.load(), 60);
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM devices")).toInt(), 30);
    QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT sum(last_seen - ?) FROM devices"), {t0})
                 .toLongLong(),
             30 * 31 / 2);
    QVERIFY(f.writer->stop().ok()); // again: nothing left, nothing happens
    f.writer.reset();
}

void TestIngestWriterThread::stopGivesUpOnABatchThatKeepsFailing()
{
    Fixture f;
    QVERIFY(f.writer);
    const qint64 t0 = f.ws.clock().nowMs();
    f.writer->submit(inventoryBatch(QStringLiteral("gw-1"), 1, QStringLiteral("1"), t0));
    QVERIFY(f.writer->waitUntilWritten().ok());
    QVERIFY(f.refuseDeviceUpdates(true));
    f.writer->submit(heartbeatBatch(QStringLiteral("gw-1"), 2, t0 + 500));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("will retry")));
    QVERIFY(!f.writer->waitUntilWritten().ok());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("will retry")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("will retry")));
    const Status s = f.writer->stop();
    QVERIFY(!s.ok());
    QVERIFY2(s.message().contains(QLatin1String("1 device reports could not be written")),
             qUtf8Printable(s.message()));
    QCOMPARE(f.writer->backlog(), 0);
    QCOMPARE(f.field(QStringLiteral("gw-1"), "last_seen").toLongLong(), t0);
    // waitUntilWritten() after the stop does not hang.
    QVERIFY(!f.writer->waitUntilWritten().ok());
    QVERIFY(f.refuseDeviceUpdates(false));
}

QTEST_GUILESS_MAIN(TestIngestWriterThread)
#include "tst_ingestwriterthread.moc"
