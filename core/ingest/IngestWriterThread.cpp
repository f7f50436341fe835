#include "ingest/IngestWriterThread.h"

#include "ingest/IngestBatchWriter.h"
#include "storage/SqliteDatabase.h"

#include <QLoggingCategory>
#include <chrono>

Q_DECLARE_LOGGING_CATEGORY(lcIngest)

namespace fleet {

IngestWriterThread::IngestWriterThread(std::unique_ptr<SqliteDatabase> connection,
                                       const QString &headAnchorPath,
                                       std::function<void()> committed)
    : m_connection(std::move(connection))
    , m_headAnchorPath(headAnchorPath)
    , m_committed(std::move(committed))
{
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->setObjectName(QStringLiteral("ingest-writer"));
    m_thread->start();
    std::unique_lock lock(m_mutex);
    m_progress.wait(lock, [this] { return m_started; });
}

IngestWriterThread::~IngestWriterThread()
{
    if (!m_thread)
        return; // stopped already, and told
    if (Status s = stop(); !s)
        qCWarning(lcIngest).noquote() << s.message();
}

void IngestWriterThread::setRetryDelayMs(int ms)
{
    std::lock_guard lock(m_mutex);
    m_retryDelayMs = ms;
}

void IngestWriterThread::submit(IngestBatch batch)
{
    {
        std::lock_guard lock(m_mutex);
        m_unwrittenMessages += batch.messages;
        ++m_submitted;
        m_queue.push_back(std::move(batch));
    }
    m_wake.notify_one();
}

int IngestWriterThread::backlog() const
{
    std::lock_guard lock(m_mutex);
    return int(m_queue.size());
}

qsizetype IngestWriterThread::unwrittenMessages() const
{
    std::lock_guard lock(m_mutex);
    return m_unwrittenMessages;
}

Status IngestWriterThread::waitUntilWritten()
{
    std::unique_lock lock(m_mutex);
    const quint64 target = m_submitted;
    const quint64 attemptsBefore = m_attempts;
    // A batch waiting for its retry is tried now: the caller wants to know.
    m_retryNow = true;
    m_wake.notify_one();
    m_progress.wait(lock, [&] {
        return m_committedCount >= target || m_failedAttempt > attemptsBefore || m_finished;
    });
    if (m_committedCount >= target)
        return {};
    if (m_failedAttempt > attemptsBefore)
        return m_lastError;
    return m_stopStatus.ok() ? Status(Error::failed(QStringLiteral("the ingest writer stopped")))
                             : m_stopStatus;
}

std::vector<IngestBatchResult> IngestWriterThread::takeResults()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_results, {});
}

std::vector<IngestBatch> IngestWriterThread::takeWrittenBatches()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_written, {});
}

Status IngestWriterThread::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    if (m_thread) {
        m_thread->wait();
        m_thread.reset();
    }
    std::lock_guard lock(m_mutex);
    return m_stopStatus;
}

void IngestWriterThread::run()
{
    IngestBatchWriter writer(*m_connection, m_headAnchorPath);
    std::unique_lock lock(m_mutex);
    m_started = true;
    m_progress.notify_all();
    bool lastFailed = false;
    // While stopping, a failing batch is tried twice more, not forever.
    int attemptsWhileStopping = 0;
    for (;;) {
        if (m_queue.empty()) {
            if (m_stopping)
                break;
            m_wake.wait(lock);
            continue;
        }
        if (lastFailed && !m_retryNow && !m_stopping) {
            // After a failure the next attempt waits: the database is locked, full or refusing,
            // and trying again at once would only fail faster.
            const auto delay = std::chrono::milliseconds(m_retryDelayMs);
            if (m_wake.wait_for(lock, delay, [&] { return m_retryNow || m_stopping; }))
                continue;
        }
        m_retryNow = false;
        if (m_stopping && ++attemptsWhileStopping > 2) {
            qsizetype lost = 0;
            for (const IngestBatch &batch : m_queue)
                lost += batch.messages;
            m_stopStatus = Error::failed(
                QStringLiteral("%1 device reports could not be written before the ingest "
                               "stopped: %2")
                    .arg(lost)
                    .arg(m_lastError.message()));
            m_queue.clear();
            m_unwrittenMessages = 0;
            break;
        }
        // The head stays in the deque while it is written: submit() only appends, which keeps
        // references to the elements valid, and only this thread removes them.
        const IngestBatch &batch = m_queue.front();
        const quint64 attempt = ++m_attempts;
        lock.unlock();
        auto result = writer.write(batch);
        lock.lock();
        lastFailed = !result;
        if (!result) {
            m_lastError = result.status();
            m_failedAttempt = attempt;
            qCWarning(lcIngest).noquote()
                << "Writing" << batch.messages
                << "device reports failed, will retry:" << result.message();
            m_progress.notify_all();
            continue;
        }
        attemptsWhileStopping = 0;
        m_unwrittenMessages -= batch.messages;
        // Handed back (takeWrittenBatches()) unless nobody takes them.
        constexpr std::size_t keptWritten = 4;
        if (m_written.size() < keptWritten)
            m_written.push_back(std::move(m_queue.front()));
        m_queue.pop_front();
        m_results.push_back(std::move(result.value()));
        // The callback before the waiters: waitUntilWritten() returns after it has run.
        if (m_committed) {
            lock.unlock();
            m_committed();
            lock.lock();
        }
        ++m_committedCount;
        m_progress.notify_all();
    }
    m_finished = true;
    m_progress.notify_all();
}

} // namespace fleet
