#pragma once

#include "ingest/IngestBatch.h"
#include "protocol/DeviceReports.h"
#include "protocol/SequenceGuard.h"
#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>
#include <memory>
#include <utility>

namespace fleet {

class Clock;
class IngestBatchWriter;
class IngestWriterThread;
class MqttClient;
class SqliteDatabase;

// Brings what devices publish (presence, inventory, heartbeat, job progress and results) into the
// workspace. Messages are
// checked (topic, payload, sequence) as they arrive and queued in memory; a batch writer writes
// the queue in one transaction every flushInterval or when maxBatchMessages are queued, because
// thousands of devices heart-beating must not mean thousands of transactions. A batch is
// all-or-nothing: when it fails, it is kept whole and retried, before anything that arrived
// after it is written.
//
// The last seq of every device stream is stored (device_stream_seq, one upsert per device and
// stream) and loaded back into the SequenceGuard on construction, so a report replayed after a
// restart is still a replay. Presence, inventory and job streams are stored with the batch that
// applies the report. Heartbeat streams are stored at most every heartbeatSeqIntervalMs and by
// every flush() (what an orderly stop calls), not with every batch: a heartbeat is the one
// message every device sends all the time, and its upsert was a sixth of a batch's time. The
// exact guarantee: after an orderly stop every replay is recognised; after a crash, a heartbeat
// applied in the last heartbeatSeqIntervalMs before it can be applied once more if replayed,
// which sets online, last_seen (to the time it arrives) and health as that heartbeat said - no
// more than the device's next heartbeat overwrites. Presence, inventory and job reports are
// never applied twice. Job reports must name a job Fleetdesk
// sent to that very device; each fresh one becomes a job event and moves the job's state (a
// finished job - cancelled, timed out, or with a result - only gets the event).
//
// Where batches are written: by an IngestBatchWriter on this object's thread (the first
// constructor), or by an IngestWriterThread with its own connection (the second), so that
// receiving and checking batch N+1 overlaps writing batch N. The guarantees above hold for
// both: batches are written in order, one transaction each, a failed one is retried before any
// later one, and flush() returns once everything queued before it is committed (or the error).
class DeviceReportIngest : public QObject
{
    Q_OBJECT

public:
    static constexpr int defaultFlushIntervalMs = 200;
    static constexpr qsizetype maxBatchMessages = 5000;
    // How long the last seq of heartbeat streams may go unstored (see above).
    static constexpr qint64 heartbeatSeqIntervalMs = 5000;
    // What the inventory gets when it cannot tell which device sent a message (bad topic).
    static QString unknownDeviceUid();

    // `db` is the ingest's own connection to the workspace (Workspace::openConnection()), used
    // only from this object's thread; `headAnchorPath` is the workspace's audit head anchor.
    DeviceReportIngest(SqliteDatabase &db, const Clock &clock, const QString &headAnchorPath,
                       QObject *parent = nullptr);
    // Writes on a writer thread through `writerConnection`, a second connection to the same
    // workspace (Workspace::openConnection()), used only by that thread; `db` is then only read
    // (job look-ups, the sequence memory).
    DeviceReportIngest(SqliteDatabase &db, std::unique_ptr<SqliteDatabase> writerConnection,
                       const Clock &clock, const QString &headAnchorPath,
                       QObject *parent = nullptr);
    ~DeviceReportIngest() override;

    // Loads the stored last seq per device and stream into the guard (also done on
    // construction; a failure there is logged). Keeps the higher of stored and known.
    Status loadSequenceMemory();

    void setFlushInterval(int ms);
    int flushInterval() const { return m_timer.interval(); }

    // The filters ingest subscribes to, with their QoS from docs/device-protocol.md.
    static QList<std::pair<QString, int>> subscriptions();
    // Feeds the client's messages to handleMessage() and subscribes to subscriptions().
    void attach(MqttClient &client);

    // Writes everything queued in one transaction, the last seq of every stream included, and
    // with a writer thread waits until it and every batch before it are committed. For
    // shutdown; the timer and a full queue write batches without waiting for it.
    Status flush();
    bool hasWriterThread() const { return m_writerThread != nullptr; }

    // Accepted messages not yet written, counted before coalescing (with a writer thread, those
    // it has not committed yet included).
    qsizetype queuedMessages() const;
    qint64 duplicateCount() const { return m_duplicates; }
    qint64 replayCount() const { return m_replays; }
    qint64 rejectedCount() const { return m_rejected; }
    qint64 jobReportCount() const { return m_jobReportsWritten; }

public slots:
    void handleMessage(const QString &topic, const QByteArray &payload);

signals:
    void batchCommitted(int messages, const QList<qint64> &changedDeviceIds);
    void rejected(const QString &deviceUid, const QString &reason);
    // Job rows a committed batch changed (state, percent or a new event), sorted.
    void jobsChanged(const QList<qint64> &jobRows);

private:
    using Received = IngestBatch::Received;
    // Batches a writer thread may hold (one being written, one waiting) before the queue stops
    // being cut at maxBatchMessages and keeps coalescing: bounded memory while it is slow.
    static constexpr int maxWriterBacklog = 2;

    void reject(const QString &deviceUid, const QString &reason);
    void scheduleFlush();
    // Cuts the queue into a batch and writes it (or hands it to the writer thread); the heartbeat
    // streams' seqs go with it only when `allSeqs` or their interval is over.
    Status writeQueued(bool allSeqs);
    // With a writer thread: emits what it committed since the last call.
    void deliverResults();
    void deliver(const IngestBatchResult &result);
    // Keeps a written batch's report storage, emptied, for the next batch (see m_spareItems).
    void keepItemsStorage(IngestBatch &written);
    // The job's row when `jobId` is a job sent to `deviceUid`; otherwise why the report is
    // refused.
    Result<qint64> jobRowFor(const QString &deviceUid, const QString &jobId);

    SqliteDatabase &m_db;
    const Clock &m_clock;
    SequenceGuard m_guard;
    QTimer m_timer;
    // Exactly one of the two writes.
    std::unique_ptr<IngestBatchWriter> m_inlineWriter;
    std::unique_ptr<IngestWriterThread> m_writerThread;

    // What arrived since the last batch was cut.
    IngestBatch m_queue;
    // Storage for IngestBatch::items taken from a written batch, emptied, for the next one.
    std::vector<Received> m_spareItems;
    // When a batch last took the heartbeat streams' seqs (m_guard knows which moved since; see
    // the class comment).
    qint64 m_heartbeatSeqsWrittenMs = 0;
    quint64 m_nextOrder = 0;
    bool m_lastFlushFailed = false;

    qint64 m_duplicates = 0;
    qint64 m_replays = 0;
    qint64 m_rejected = 0;
    qint64 m_jobReportsWritten = 0;
};

} // namespace fleet
