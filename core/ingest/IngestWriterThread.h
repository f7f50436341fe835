#pragma once

#include "ingest/IngestBatch.h"
#include "util/Result.h"

#include <QString>
#include <QThread>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace fleet {

class SqliteDatabase;

// Writes DeviceReportIngest's batches on a thread of its own, through a connection of its own,
// while the ingest's thread receives and checks the next batch: the two halves of a heartbeat's
// cost (receiving and parsing; the UPDATE and the commit) then run on two cores instead of one.
//
// Batches are written one at a time in the order submitted, each in one transaction by an
// IngestBatchWriter. A batch that fails stays at the head of the queue and is retried after
// retryDelayMs (at once when waitUntilWritten() asks), so no later batch overtakes it and
// nothing is lost while the database refuses writes. stop() - and the destructor - write
// everything still queued before the thread ends.
class IngestWriterThread
{
public:
    static constexpr int defaultRetryDelayMs = 200;

    // `connection` is used only by the writer thread from now on; the IngestBatchWriter is
    // created there and loads its device memory there, and the constructor returns once it has
    // (as DeviceReportIngest's own loading always did: the first batch finds the memory ready).
    // `committed` is called on the writer thread after every commit, without locks held:
    // takeResults() has something.
    IngestWriterThread(std::unique_ptr<SqliteDatabase> connection, const QString &headAnchorPath,
                       std::function<void()> committed);
    ~IngestWriterThread();
    IngestWriterThread(const IngestWriterThread &) = delete;
    IngestWriterThread &operator=(const IngestWriterThread &) = delete;

    void setRetryDelayMs(int ms);
    // Not after stop().
    void submit(IngestBatch batch);

    // Batches submitted and not committed yet, the one being written included.
    int backlog() const;
    // Their messages (IngestBatch::messages).
    qsizetype unwrittenMessages() const;
    // Blocks until every batch submitted so far is committed (ok), or until a batch fails in
    // an attempt made after the call (its error; the batch stays queued for the next retry).
    Status waitUntilWritten();
    // What committed batches changed, oldest first, each returned once.
    std::vector<IngestBatchResult> takeResults();
    // The committed batches themselves, for their memory to be freed by the caller: on the
    // thread that allocated it, and not on the writer's, which has the slower half of the work.
    // Without a caller, the writer frees them itself beyond a few.
    std::vector<IngestBatch> takeWrittenBatches();

    // Writes what is queued (a failing batch gets two more attempts), then ends the thread.
    // The error of a batch that could not be written, which is then lost. Idempotent.
    Status stop();

private:
    void run();

    std::unique_ptr<SqliteDatabase> m_connection;
    const QString m_headAnchorPath;
    const std::function<void()> m_committed;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;     // the writer: work, a retry request or stop
    std::condition_variable m_progress; // waiters: a batch was committed or failed
    std::deque<IngestBatch> m_queue;    // the head is the one being written
    std::vector<IngestBatchResult> m_results;
    std::vector<IngestBatch> m_written;
    qsizetype m_unwrittenMessages = 0;
    quint64 m_submitted = 0; // batches ever submitted
    quint64 m_committedCount = 0;
    quint64 m_attempts = 0;      // write attempts ever made
    quint64 m_failedAttempt = 0; // the last attempt that failed (0: none)
    Status m_lastError;
    bool m_retryNow = false;
    bool m_stopping = false;
    bool m_started = false;  // the IngestBatchWriter is ready
    bool m_finished = false; // run() returned
    int m_retryDelayMs = defaultRetryDelayMs;
    Status m_stopStatus;
    std::unique_ptr<QThread> m_thread;
};

} // namespace fleet
