#pragma once

#include "audit/AuditLog.h"
#include "inventory/DeviceRepository.h"
#include "jobs/JobStore.h"
#include "protocol/DeviceReports.h"
#include "protocol/SequenceGuard.h"
#include "util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>
#include <optional>
#include <unordered_map>
#include <utility>

namespace fleet {

class Clock;
class MqttClient;
class SqliteDatabase;

// Brings what devices publish (presence, inventory, heartbeat, job progress and results) into the
// workspace. Messages are
// checked (topic, payload, sequence) as they arrive and queued in memory; a batch writer writes
// the queue in one transaction every flushInterval or when maxBatchMessages are queued, because
// thousands of devices heart-beating must not mean thousands of transactions. A batch is
// all-or-nothing: when it fails, the whole queue stays and is retried on the next flush.
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

    // Loads the stored last seq per device and stream into the guard (also done on
    // construction; a failure there is logged). Keeps the higher of stored and known.
    Status loadSequenceMemory();
    // Loads which devices have unknown fields kept per channel (device_reported_extra), so a
    // report without any only deletes where there is something to delete. Also done on
    // construction and after a failed batch.
    Status loadExtraMemory();
    // Loads every device's id and liveness columns, so the first report of each after a start
    // needs no look-up and writes only what changed. Also done on construction; without it,
    // devices are looked up one by one as they report.
    Status loadKnownDevices();

    void setFlushInterval(int ms);
    int flushInterval() const { return m_timer.interval(); }

    // The filters ingest subscribes to, with their QoS from docs/device-protocol.md.
    static QList<std::pair<QString, int>> subscriptions();
    // Feeds the client's messages to handleMessage() and subscribes to subscriptions().
    void attach(MqttClient &client);

    // Writes everything queued in one transaction, the last seq of every stream included. For
    // shutdown; the timer and a full queue write batches without waiting for it.
    Status flush();

    // Accepted messages not yet written, counted before coalescing.
    qsizetype queuedMessages() const { return m_queued; }
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
    struct Received
    {
        DeviceReport report;
        qint64 receivedMs = 0;
        quint64 order = 0; // arrival order within the queue
    };
    // What is queued for one device. Only the latest presence and heartbeat matter; every
    // inventory is kept so each firmware change lands in the history.
    struct PendingDevice
    {
        std::optional<Received> presence;
        std::optional<Received> heartbeat;
        QList<Received> inventories;
    };
    struct QueuedJobReport
    {
        QString deviceUid;
        qint64 jobRow = 0;
        Received item;
    };
    struct Rejection
    {
        QString reason;
        qint64 count = 0;
        qint64 lastMs = 0;
    };

    void reject(const QString &deviceUid, const QString &reason);
    void scheduleFlush();
    // One batch; the heartbeat streams' seqs only when `allSeqs` or their interval is over.
    Status writeQueued(bool allSeqs);
    Status writeBatch(QList<qint64> &changed, QList<qint64> &changedJobs, bool withHeartbeatSeqs);
    Status writeInventory(const QString &uid, const Received &item, QList<qint64> &changed);
    Status writeLiveness(const QString &uid, const Received &item, QList<qint64> &changed);
    Status writeExtra(qint64 deviceId, const DeviceReport &report, qint64 nowMs);
    // What this ingest knows of a device: nullptr when no device has this uid.
    struct KnownDevice;
    Result<KnownDevice *> knownDevice(const QString &uid);
    // Sets online, last_seen and (for a heartbeat, non-null `health`) health of the device;
    // false when no row matched (the device is gone, or its id now belongs to another one).
    Result<bool> updateLiveness(const QString &uid, KnownDevice &device, int online,
                                const QString &health, qint64 nowMs);
    // The job's row when `jobId` is a job sent to `deviceUid`; otherwise why the report is
    // refused.
    Result<qint64> jobRowFor(const QString &deviceUid, const QString &jobId);
    Status writeJobReport(const QueuedJobReport &queued, QList<qint64> &changedJobs, bool &audited);
    Status writeStreamSeqs(bool withHeartbeats);
    // SqliteDatabase::execute with the statement prepared once and kept (hot path).
    Status executeCached(const QString &sql, const QVariantList &binds);
    // The statement for `sql`, prepared once and kept; reset and ready to bind.
    Result<SqliteStatement *> cachedStatement(const QString &sql);
    // Forgets what the in-memory shortcuts below assume, after a batch was rolled back.
    void forgetWrittenState();

    SqliteDatabase &m_db;
    const Clock &m_clock;
    DeviceRepository m_repository;
    JobStore m_jobs;
    AuditLog m_audit;
    SequenceGuard m_guard;
    QTimer m_timer;

    // Per device uid, its row id and the liveness columns as this ingest last wrote or found
    // them. Only a shortcut: every statement that relies on it also checks it in its WHERE
    // clause (id AND uid, and online/health for the narrow update) and falls back to looking
    // the device up again when no row matched, so devices deleted or changed by others are
    // still handled right.
    struct KnownDevice
    {
        qint64 id = 0;
        int online = -1; // -1: not known
        QString health;  // null: not known
    };
    QHash<QString, KnownDevice> m_known;
    // Channel bits (1 << channel) per device id that have a device_reported_extra row. Only
    // this class writes that table, so a report without unknown fields skips the delete when
    // the bit is clear (most devices never send any).
    QHash<qint64, quint8> m_extraChannels;
    bool m_extraKnown = false; // m_extraChannels was loaded; if not, every report deletes

    QHash<QString, PendingDevice> m_pending;
    QHash<QString, Rejection> m_rejections;
    QList<QueuedJobReport> m_jobReports; // in arrival order
    // The highest fresh seq per (device uid, stream) since the last batch, to store with it.
    QHash<std::pair<QString, QString>, qint64> m_streamSeqs;
    // The same for heartbeat streams, by device uid, kept until written (see the class comment).
    QHash<QString, qint64> m_heartbeatSeqs;
    qint64 m_heartbeatSeqsWrittenMs = 0;
    std::unordered_map<QString, SqliteStatement> m_statements; // by SQL, see executeCached()
    qsizetype m_queued = 0;
    quint64 m_nextOrder = 0;
    bool m_lastFlushFailed = false;

    qint64 m_duplicates = 0;
    qint64 m_replays = 0;
    qint64 m_rejected = 0;
    qint64 m_jobReportsWritten = 0;
};

} // namespace fleet
