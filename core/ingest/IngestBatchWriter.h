#pragma once

#include "audit/AuditLog.h"
#include "ingest/IngestBatch.h"
#include "inventory/DeviceRepository.h"
#include "jobs/JobStore.h"
#include "storage/SqliteStatement.h"
#include "util/Clock.h"
#include "util/Result.h"

#include <QHash>
#include <QString>
#include <unordered_map>

namespace fleet {

class SqliteDatabase;

// Writes one IngestBatch in one transaction: devices discovered or updated from their inventory
// (audited), liveness (online, last_seen, health), unknown fields kept per channel, job events
// and states (final results audited with the device as the actor), the last seq per stream and
// the rejections. All or nothing: on failure the transaction is rolled back, what this writer
// remembered about written rows is forgotten, and the caller keeps the batch to try again.
//
// Synchronous and single-threaded: DeviceReportIngest calls it on its own thread, or an
// IngestWriterThread on the writer's. `db` is used only by that thread.
class IngestBatchWriter
{
public:
    IngestBatchWriter(SqliteDatabase &db, const QString &headAnchorPath);

    Result<IngestBatchResult> write(const IngestBatch &batch);

    // Loads which devices have unknown fields kept per channel (device_reported_extra), so a
    // report without any only deletes where there is something to delete. Also done on
    // construction and after a failed batch.
    Status loadExtraMemory();
    // Loads every device's id and liveness columns, so the first report of each after a start
    // needs no look-up and writes only what changed. Also done on construction; without it,
    // devices are looked up one by one as they report.
    Status loadKnownDevices();

private:
    using Received = IngestBatch::Received;

    Status writeBatch(const IngestBatch &batch, IngestBatchResult &result);
    Status writeInventory(const QString &uid, const Received &item, QList<qint64> &changed);
    // What this writer knows of a device: nullptr when no device has this uid.
    struct KnownDevice;
    Result<KnownDevice *> knownDevice(const QString &uid);
    Status writeLiveness(const QString &uid, KnownDevice *&device, const Received &item,
                         QList<qint64> &changed);
    // Sets online, last_seen and (for a heartbeat, non-null `health`) health of the device;
    // false when no row matched (the device is gone, or its id now belongs to another one).
    Result<bool> updateLiveness(const QString &uid, KnownDevice &device, int online,
                                const QString &health, qint64 nowMs);
    Status writeExtra(qint64 deviceId, const DeviceReport &report, qint64 nowMs);
    Status writeJobReport(const IngestBatch::QueuedJobReport &queued, QList<qint64> &changedJobs,
                          bool &audited);
    Status writeStreamSeqs(const IngestBatch &batch);
    // SqliteDatabase::execute with the statement prepared once and kept (hot path).
    Status executeCached(const QString &sql, const QVariantList &binds);
    // The statement for `sql`, prepared once and kept; reset and ready to bind.
    Result<SqliteStatement *> cachedStatement(const QString &sql);
    // Forgets what the in-memory shortcuts below assume, after a batch was rolled back.
    void forgetWrittenState();

    SqliteDatabase &m_db;
    // The time of the batch being written (IngestBatch::cutMs), for the audit entries.
    ManualClock m_batchClock;
    DeviceRepository m_repository;
    JobStore m_jobs;
    AuditLog m_audit;

    // Per device uid, its row id and the liveness columns as this writer last wrote or found
    // them. Only a shortcut: every statement that relies on it also checks it in its WHERE
    // clause (id AND uid, and online/health for the narrow update) and falls back to looking
    // the device up again when no row matched, so devices deleted or changed by others are
    // still handled right. A node-based map: pointers into it stay valid while a batch adds
    // and removes other devices.
    struct KnownDevice
    {
        qint64 id = 0;
        int online = -1; // -1: not known
        QString health;  // null: not known
    };
    std::unordered_map<QString, KnownDevice> m_known;
    // Channel bits (1 << channel) per device id that have a device_reported_extra row. Only
    // this class writes that table, so a report without unknown fields skips the delete when
    // the bit is clear (most devices never send any).
    QHash<qint64, quint8> m_extraChannels;
    bool m_extraKnown = false; // m_extraChannels was loaded; if not, every report deletes
    std::unordered_map<QString, SqliteStatement> m_statements; // by SQL, see executeCached()
};

} // namespace fleet
