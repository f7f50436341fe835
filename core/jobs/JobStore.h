#pragma once

#include "jobs/Job.h"
#include "util/Result.h"

#include <QList>
#include <QVariantList>
#include <optional>

namespace fleet {

class SqliteDatabase;

// What `job list` and the jobs view filter on; empty fields match everything.
struct JobListFilter
{
    QString deviceUid;
    QString state;
    bool unfinishedOnly = false;
};

// The SQL for jobs and their events: the only place that writes `jobs` and `job_events`.
// Every method runs inside whatever transaction the caller holds (JobService's audited change,
// the ingest's batch, the dispatcher's short updates), so a state change and its event and
// audit entry commit together.
class JobStore
{
public:
    explicit JobStore(SqliteDatabase &db);

    // Fleetdesk's next seq for a device: the highest of its jobs plus one (0 for the first).
    // Call inside the transaction that inserts the job, so two writers cannot take one seq.
    Result<qint64> nextSeq(qint64 deviceId);
    Result<bool> jobIdExists(const QString &jobId);
    // A new Job::makeId() that no stored job has (call inside the inserting transaction).
    Result<QString> uniqueJobId(const QDateTime &nowUtc);
    // The device's unfinished update or rollback, if any: a device runs one at a time.
    Result<std::optional<Job>> openInstall(qint64 deviceId);
    // The device's DDI action the server offers next: the oldest unfinished DDI job.
    Result<std::optional<Job>> openDdiAction(qint64 deviceId);
    // Asks for (or withdraws the request for) the cancellation of an unfinished DDI action.
    Status setCancelRequested(qint64 row, std::optional<qint64> atMs);
    // Inserts the job (row is ignored) and returns its row id.
    Result<qint64> insert(const Job &job);

    Result<Job> load(qint64 row);
    Result<Job> loadByJobId(const QString &jobId); // Error::notFound when there is none
    Result<std::optional<Job>> findByJobId(const QString &jobId);
    // Newest first.
    Result<QList<Job>> list(const JobListFilter &filter, qint64 offset = 0, int limit = 200);
    Result<qint64> count(const JobListFilter &filter);
    // Jobs still in state "created", oldest first: what the dispatcher has to publish.
    Result<QList<Job>> unsent(int limit);
    // Unfinished jobs whose deadline is before nowMs.
    Result<QList<Job>> overdue(qint64 nowMs);
    Result<QList<JobEvent>> events(qint64 row);

    Status recordEvent(qint64 row, const JobEvent &event);
    // Sets state, percent (kept when not given), reason, updated_ms; finished_ms when the state
    // is final. Refuses to touch a finished job: Error::invalid.
    Status applyState(qint64 row, const QString &state, std::optional<int> percent,
                      const QString &reason, qint64 nowMs);
    // The broker acknowledged the job: "created" becomes "sent" (a state a device report or an
    // operator already moved on is kept), and sent_ms is set. False when it was already set
    // (an acknowledgement of a job published again).
    Result<bool> markSent(qint64 row, qint64 nowMs);

    // The statements unsent() and overdue() run, for EXPLAIN QUERY PLAN checks: the
    // dispatcher runs them every second, so they must read the partial index of unfinished
    // jobs, not the whole history.
    struct Statement
    {
        QString sql;
        QVariantList binds;
    };
    static Statement unsentStatement(int limit);
    static Statement overdueStatement(qint64 nowMs);

private:
    Result<QList<Job>> query(const QString &whereAndOrder, const QVariantList &binds);
    Result<QList<Job>> run(const Statement &statement);

    SqliteDatabase &m_db;
};

} // namespace fleet
