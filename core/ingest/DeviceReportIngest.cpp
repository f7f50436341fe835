#include "ingest/DeviceReportIngest.h"

#include "ingest/IngestBatchWriter.h"
#include "ingest/IngestWriterThread.h"
#include "mqtt/MqttClient.h"
#include "protocol/DevicePayloadParser.h"
#include "protocol/DeviceTopic.h"
#include "storage/SqliteDatabase.h"
#include "util/Clock.h"

#include <QLoggingCategory>
#include <algorithm>
#include <variant>
#include <vector>

Q_LOGGING_CATEGORY(lcIngest, "fleet.ingest")

namespace fleet {

QString DeviceReportIngest::unknownDeviceUid()
{
    return QStringLiteral("(invalid topic)");
}

DeviceReportIngest::DeviceReportIngest(SqliteDatabase &db, const Clock &clock,
                                       const QString &headAnchorPath, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_clock(clock)
    , m_inlineWriter(std::make_unique<IngestBatchWriter>(db, headAnchorPath))
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(defaultFlushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { (void)writeQueued(false); });
    if (Status s = loadSequenceMemory(); !s)
        qCWarning(lcIngest).noquote()
            << "Cannot load the last sequence numbers; replays from before this start will "
               "not be recognised:"
            << s.message();
}

DeviceReportIngest::DeviceReportIngest(SqliteDatabase &db,
                                       std::unique_ptr<SqliteDatabase> writerConnection,
                                       const Clock &clock, const QString &headAnchorPath,
                                       QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_clock(clock)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(defaultFlushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { (void)writeQueued(false); });
    if (Status s = loadSequenceMemory(); !s)
        qCWarning(lcIngest).noquote()
            << "Cannot load the last sequence numbers; replays from before this start will "
               "not be recognised:"
            << s.message();
    // Called on the writer thread: the results are emitted on this object's thread.
    m_writerThread =
        std::make_unique<IngestWriterThread>(std::move(writerConnection), headAnchorPath, [this] {
            QMetaObject::invokeMethod(this, &DeviceReportIngest::deliverResults,
                                      Qt::QueuedConnection);
        });
    m_writerThread->setRetryDelayMs(m_timer.interval());
}

DeviceReportIngest::~DeviceReportIngest()
{
    // Before the QObject goes: the thread posts to it. What it still holds is written.
    if (m_writerThread) {
        if (Status s = m_writerThread->stop(); !s)
            qCWarning(lcIngest).noquote() << s.message();
        m_writerThread.reset();
    }
}

Status DeviceReportIngest::loadSequenceMemory()
{
    auto stmt = m_db.prepare(QStringLiteral("SELECT device_uid, stream, seq FROM "
                                            "device_stream_seq"));
    if (!stmt)
        return stmt.status();
    while (stmt->next())
        m_guard.restore(stmt->text(0), stmt->text(1), stmt->int64(2));
    if (!stmt->lastStepError().isEmpty())
        return Error::failed(stmt->lastStepError());
    return {};
}

void DeviceReportIngest::setFlushInterval(int ms)
{
    m_timer.setInterval(ms);
    if (m_writerThread)
        m_writerThread->setRetryDelayMs(ms);
}

QList<std::pair<QString, int>> DeviceReportIngest::subscriptions()
{
    const QString base = DeviceTopic::prefix() + QStringLiteral("/+/");
    // Presence and inventory are QoS 1 and retained; a lost heartbeat is replaced by the next.
    return {{base + QStringLiteral("presence"), 1},
            {base + QStringLiteral("inventory"), 1},
            {base + QStringLiteral("heartbeat"), 0},
            {base + QStringLiteral("jobs/+/progress"), 1},
            {base + QStringLiteral("jobs/+/result"), 1}};
}

void DeviceReportIngest::attach(MqttClient &client)
{
    connect(&client, &MqttClient::messageReceived, this,
            [this](const QString &topic, const QByteArray &payload, int, bool) {
                handleMessage(topic, payload);
            });
    // The client remembers its subscriptions and renews them after every reconnect.
    for (const auto &[filter, qos] : subscriptions())
        if (Status s = client.subscribe(filter, qos); !s)
            qCWarning(lcIngest).noquote() << "Cannot subscribe to" << filter << ":" << s.message();
}

void DeviceReportIngest::handleMessage(const QString &topic, const QByteArray &payload)
{
    auto parsedTopic = DeviceTopic::parse(topic);
    if (!parsedTopic) {
        reject(unknownDeviceUid(), parsedTopic.message());
        return;
    }
    const DeviceTopic &t = parsedTopic.value();
    const auto channel = t.channel();
    // The jobs channel is Fleetdesk's own publication to devices, never a report.
    if (channel == DeviceTopic::Channel::Jobs)
        return;
    const bool isJobReport =
        channel == DeviceTopic::Channel::JobProgress || channel == DeviceTopic::Channel::JobResult;
    auto report = DevicePayloadParser::parse(t, payload);
    if (!report) {
        reject(t.deviceId(), report.message());
        return;
    }
    qint64 jobRow = 0;
    if (isJobReport) {
        // Checked before the guard, so invented job ids cannot make it track streams.
        auto row = jobRowFor(t.deviceId(), t.jobId());
        if (!row) {
            reject(t.deviceId(), row.message());
            return;
        }
        jobRow = row.value();
    }
    const qint64 seq = reportHeader(report.value()).seq;
    switch (m_guard.accept(t, seq)) {
    case SequenceGuard::Verdict::Fresh:
        // Heartbeat streams: the guard remembers which moved (takeUnsavedHeartbeats()).
        if (channel != DeviceTopic::Channel::Heartbeat) {
            qint64 &stored = m_queue.streamSeqs[{t.deviceId(), SequenceGuard::streamOf(t)}];
            stored = std::max(stored, seq);
        }
        break;
    case SequenceGuard::Verdict::Duplicate:
        // Harmless (QoS 1 redelivery, retained message after a reconnect): counted, not logged.
        ++m_duplicates;
        return;
    case SequenceGuard::Verdict::OutOfOrder:
        ++m_replays;
        reject(t.deviceId(), QStringLiteral("seq %1 is older than the last one seen (replayed "
                                            "or overtaken)")
                                 .arg(reportHeader(report.value()).seq));
        return;
    }

    Received item{std::move(report.value()), m_clock.nowMs(), m_nextOrder++};
    if (isJobReport) {
        m_queue.jobReports.append({t.deviceId(), jobRow, std::move(item)});
        ++m_queue.messages;
        scheduleFlush();
        return;
    }
    m_queue.add(t.deviceId(), channel, std::move(item));
    scheduleFlush();
}

void DeviceReportIngest::reject(const QString &deviceUid, const QString &reason)
{
    ++m_rejected;
    IngestBatch::Rejection &r = m_queue.rejections[deviceUid];
    r.reason = reason;
    ++r.count;
    r.lastMs = m_clock.nowMs();
    qCWarning(lcIngest).noquote() << "Rejected a report from" << deviceUid << ":" << reason;
    emit rejected(deviceUid, reason);
    scheduleFlush();
}

void DeviceReportIngest::scheduleFlush()
{
    if (m_queue.messages >= maxBatchMessages) {
        // After a failed batch the timer retries; flushing on every message would only fail
        // faster. A writer thread with enough to do gets the batch when it has written one
        // (deliverResults()); until then the queue keeps coalescing.
        const bool canWrite =
            m_writerThread ? m_writerThread->backlog() < maxWriterBacklog : !m_lastFlushFailed;
        if (canWrite) {
            (void)writeQueued(false);
            return;
        }
    }
    if (!m_timer.isActive())
        m_timer.start();
}

Status DeviceReportIngest::flush()
{
    return writeQueued(true);
}

qsizetype DeviceReportIngest::queuedMessages() const
{
    return m_queue.messages + (m_writerThread ? m_writerThread->unwrittenMessages() : 0);
}

Status DeviceReportIngest::writeQueued(bool allSeqs)
{
    m_timer.stop();
    const qint64 nowMs = m_clock.nowMs();
    const bool withHeartbeatSeqs =
        m_guard.hasUnsavedHeartbeats() &&
        (allSeqs || nowMs - m_heartbeatSeqsWrittenMs >= heartbeatSeqIntervalMs);
    if (m_queue.isEmpty() && !withHeartbeatSeqs) {
        // Heartbeat seqs still to store: the timer comes back for them.
        if (m_guard.hasUnsavedHeartbeats())
            m_timer.start();
        if (allSeqs && m_writerThread) {
            Status s = m_writerThread->waitUntilWritten();
            deliverResults();
            return s;
        }
        return {};
    }
    if (m_writerThread && !allSeqs && m_writerThread->backlog() >= maxWriterBacklog) {
        // The writer is behind (or retrying a failed batch): keep coalescing meanwhile.
        m_timer.start();
        return {};
    }
    IngestBatch batch = std::exchange(m_queue, {});
    // The next batch will be about as large: growing the hash from nothing again cost a
    // rehash of the whole queue every time it doubled.
    m_queue.pending.reserve(std::max(batch.pending.size(), maxBatchMessages));
    // The reports' storage of a written batch, when there is one: a fresh block of a few MB
    // per batch cost page faults on every first touch.
    if (m_spareItems.capacity() >= batch.items.size())
        m_queue.items = std::exchange(m_spareItems, {});
    else
        m_queue.items.reserve(batch.items.size());
    batch.cutMs = nowMs;
    if (withHeartbeatSeqs) {
        auto unsaved = m_guard.takeUnsavedHeartbeats();
        if (batch.heartbeatSeqs.empty()) {
            batch.heartbeatSeqs = std::move(unsaved);
        } else {
            // A batch that failed before carries older ones already; the store keeps the higher.
            batch.heartbeatSeqs.insert(batch.heartbeatSeqs.end(),
                                       std::make_move_iterator(unsaved.begin()),
                                       std::make_move_iterator(unsaved.end()));
        }
        m_heartbeatSeqsWrittenMs = nowMs;
    } else if (m_guard.hasUnsavedHeartbeats()) {
        m_timer.start();
    }
    if (m_writerThread) {
        m_writerThread->submit(std::move(batch));
        if (!allSeqs)
            return {};
        Status s = m_writerThread->waitUntilWritten();
        deliverResults();
        return s;
    }
    auto result = m_inlineWriter->write(batch);
    m_lastFlushFailed = !result;
    if (!result) {
        qCWarning(lcIngest).noquote() << "Writing" << batch.messages
                                      << "device reports failed, will retry:" << result.message();
        // Nothing arrived since the batch was cut: it becomes the queue again, whole.
        m_queue = std::move(batch);
        m_timer.start();
        return result.status();
    }
    deliver(result.value());
    keepItemsStorage(batch);
    return {};
}

void DeviceReportIngest::keepItemsStorage(IngestBatch &written)
{
    // Not the storage of a batch that grew far beyond the usual (the writer was held up): that
    // much memory is given back.
    const std::size_t capacity = written.items.capacity();
    if (capacity <= std::size_t(4 * maxBatchMessages) && capacity > m_spareItems.capacity()) {
        written.items.clear();
        m_spareItems = std::move(written.items);
    }
}

void DeviceReportIngest::deliverResults()
{
    if (!m_writerThread)
        return;
    for (const IngestBatchResult &result : m_writerThread->takeResults())
        deliver(result);
    // Freed here, where they were allocated, rather than on the writer thread; the largest
    // block, the reports' storage, is kept for the next batch.
    for (IngestBatch &written : m_writerThread->takeWrittenBatches())
        keepItemsStorage(written);
    // The writer has room again: a queue that filled up meanwhile goes at once.
    if (m_queue.messages >= maxBatchMessages && m_writerThread->backlog() < maxWriterBacklog)
        (void)writeQueued(false);
}

void DeviceReportIngest::deliver(const IngestBatchResult &result)
{
    m_jobReportsWritten += result.jobReports;
    emit batchCommitted(result.messages, result.changedDeviceIds);
    if (!result.changedJobRows.isEmpty())
        emit jobsChanged(result.changedJobRows);
}

} // namespace fleet

namespace fleet {

Result<qint64> DeviceReportIngest::jobRowFor(const QString &deviceUid, const QString &jobId)
{
    auto stmt = m_db.prepare(QStringLiteral("SELECT j.id, d.uid FROM jobs j JOIN devices d ON "
                                            "d.id = j.device_id WHERE j.job_id = ?"));
    if (!stmt)
        return Error::failed(
            QStringLiteral("cannot check job '%1': %2").arg(jobId, stmt.message()));
    stmt->bind(1, jobId);
    if (!stmt->next()) {
        if (!stmt->lastStepError().isEmpty())
            return Error::failed(
                QStringLiteral("cannot check job '%1': %2").arg(jobId, stmt->lastStepError()));
        return Error::invalid(
            QStringLiteral("job '%1' is not a job Fleetdesk sent (unknown job id)").arg(jobId));
    }
    if (stmt->text(1) != deviceUid)
        return Error::invalid(QStringLiteral("job '%1' was sent to another device, not to '%2'")
                                  .arg(jobId, deviceUid));
    return stmt->int64(0);
}

} // namespace fleet
