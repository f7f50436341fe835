#include "jobs/JobStore.h"

#include "storage/SqliteDatabase.h"

namespace fleet {

namespace {

const char *const kSelectJob =
    "SELECT j.id, j.job_id, j.device_id, d.uid, j.kind, j.seq, j.payload, j.target_version, "
    "j.origin, j.state, j.percent, j.reason, j.created_ms, j.sent_ms, j.updated_ms, "
    "j.finished_ms, j.deadline_ms, j.transport, j.release_id, j.cancel_requested_ms FROM jobs j "
    "JOIN devices d ON d.id = j.device_id ";
// The same columns, reading only unfinished jobs through the partial index jobs_unfinished.
const char *const kSelectJobUnfinished =
    "SELECT j.id, j.job_id, j.device_id, d.uid, j.kind, j.seq, j.payload, j.target_version, "
    "j.origin, j.state, j.percent, j.reason, j.created_ms, j.sent_ms, j.updated_ms, "
    "j.finished_ms, j.deadline_ms, j.transport, j.release_id, j.cancel_requested_ms FROM jobs j "
    "INDEXED BY jobs_unfinished JOIN devices d ON d.id = j.device_id ";

std::optional<qint64> optionalInt(const SqliteStatement &s, int column)
{
    if (s.isNull(column))
        return std::nullopt;
    return s.int64(column);
}

Job readJob(const SqliteStatement &s)
{
    Job j;
    j.row = s.int64(0);
    j.jobId = s.text(1);
    j.deviceId = s.int64(2);
    j.deviceUid = s.text(3);
    j.kind = s.text(4);
    j.seq = s.int64(5);
    j.payload = s.text(6).toUtf8();
    j.targetVersion = s.text(7);
    j.origin = s.text(8);
    j.state = s.text(9);
    if (!s.isNull(10))
        j.percent = int(s.int64(10));
    j.reason = s.text(11);
    j.createdMs = s.int64(12);
    j.sentMs = optionalInt(s, 13);
    j.updatedMs = s.int64(14);
    j.finishedMs = optionalInt(s, 15);
    j.deadlineMs = optionalInt(s, 16);
    j.transport = s.text(17);
    j.releaseId = optionalInt(s, 18);
    j.cancelRequestedMs = optionalInt(s, 19);
    return j;
}

QVariant orNull(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant();
}

QVariant orNull(const std::optional<int> &v)
{
    return v ? QVariant(*v) : QVariant();
}

QString where(const JobListFilter &filter, QVariantList &binds)
{
    QStringList clauses;
    if (!filter.deviceUid.isEmpty()) {
        clauses << QStringLiteral("d.uid = ?");
        binds << filter.deviceUid;
    }
    if (!filter.state.isEmpty()) {
        clauses << QStringLiteral("j.state = ?");
        binds << filter.state;
    }
    if (filter.unfinishedOnly)
        clauses << QStringLiteral("j.finished_ms IS NULL");
    return clauses.isEmpty() ? QString()
                             : QStringLiteral("WHERE ") + clauses.join(QStringLiteral(" AND "));
}

} // namespace

JobStore::JobStore(SqliteDatabase &db)
    : m_db(db)
{}

Result<qint64> JobStore::nextSeq(qint64 deviceId)
{
    auto v =
        m_db.scalar(QStringLiteral("SELECT max(seq) FROM jobs WHERE device_id = ?"), {deviceId});
    if (!v)
        return v.error();
    return v->isNull() ? qint64(0) : v->toLongLong() + 1;
}

Result<bool> JobStore::jobIdExists(const QString &jobId)
{
    auto v = m_db.scalar(QStringLiteral("SELECT 1 FROM jobs WHERE job_id = ?"), {jobId});
    if (!v)
        return v.error();
    return v->isValid();
}

Result<QString> JobStore::uniqueJobId(const QDateTime &nowUtc)
{
    for (;;) {
        const QString id = Job::makeId(nowUtc);
        auto exists = jobIdExists(id);
        if (!exists)
            return exists.error();
        if (!exists.value())
            return id;
    }
}

Result<std::optional<Job>> JobStore::openInstall(qint64 deviceId)
{
    auto jobs = query(QStringLiteral("WHERE j.device_id = ? AND j.finished_ms IS NULL AND j.kind "
                                     "IN ('update', 'rollback') ORDER BY j.id LIMIT 1"),
                      {deviceId});
    if (!jobs)
        return jobs.error();
    return jobs->isEmpty() ? std::optional<Job>() : std::optional<Job>(jobs->first());
}

Result<std::optional<Job>> JobStore::openDdiAction(qint64 deviceId)
{
    auto jobs = query(QStringLiteral("WHERE j.device_id = ? AND j.finished_ms IS NULL AND "
                                     "j.transport = 'ddi' ORDER BY j.id LIMIT 1"),
                      {deviceId});
    if (!jobs)
        return jobs.error();
    return jobs->isEmpty() ? std::optional<Job>() : std::optional<Job>(jobs->first());
}

Status JobStore::setCancelRequested(qint64 row, std::optional<qint64> atMs)
{
    return m_db.execute(QStringLiteral("UPDATE jobs SET cancel_requested_ms = ? WHERE id = ? AND "
                                       "finished_ms IS NULL"),
                        {orNull(atMs), row});
}

Result<qint64> JobStore::insert(const Job &job)
{
    Status s = m_db.execute(
        QStringLiteral("INSERT INTO jobs (job_id, device_id, kind, seq, payload, target_version, "
                       "origin, state, percent, reason, created_ms, sent_ms, updated_ms, "
                       "finished_ms, deadline_ms, transport, release_id, cancel_requested_ms) VALUES (?, ?, ?, "
                       "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {job.jobId, job.deviceId, job.kind, job.seq, QString::fromUtf8(job.payload),
         job.targetVersion, job.origin, job.state, orNull(job.percent), job.reason, job.createdMs,
         orNull(job.sentMs), job.updatedMs, orNull(job.finishedMs), orNull(job.deadlineMs),
         job.transport, orNull(job.releaseId), orNull(job.cancelRequestedMs)});
    if (!s)
        return s.error();
    return m_db.lastInsertRowId();
}

Result<QList<Job>> JobStore::query(const QString &whereAndOrder, const QVariantList &binds)
{
    return run({QLatin1String(kSelectJob) + whereAndOrder, binds});
}

Result<QList<Job>> JobStore::run(const Statement &statement)
{
    auto stmt = m_db.prepare(statement.sql);
    if (!stmt)
        return stmt.error();
    stmt->bindAll(statement.binds);
    QList<Job> jobs;
    while (stmt->next())
        jobs << readJob(stmt.value());
    if (!stmt->lastStepError().isEmpty())
        return Error::failed(stmt->lastStepError());
    return jobs;
}

Result<Job> JobStore::load(qint64 row)
{
    auto jobs = query(QStringLiteral("WHERE j.id = ?"), {row});
    if (!jobs)
        return jobs.error();
    if (jobs->isEmpty())
        return Error::notFound(QStringLiteral("No job with row id %1").arg(row));
    return jobs->first();
}

Result<std::optional<Job>> JobStore::findByJobId(const QString &jobId)
{
    auto jobs = query(QStringLiteral("WHERE j.job_id = ?"), {jobId});
    if (!jobs)
        return jobs.error();
    if (jobs->isEmpty())
        return std::optional<Job>();
    return std::optional<Job>(jobs->first());
}

Result<Job> JobStore::loadByJobId(const QString &jobId)
{
    auto job = findByJobId(jobId);
    if (!job)
        return job.error();
    if (!job.value())
        return Error::notFound(QStringLiteral("No job with id '%1'").arg(jobId));
    return *job.value();
}

Result<QList<Job>> JobStore::list(const JobListFilter &filter, qint64 offset, int limit)
{
    QVariantList binds;
    const QString clause = where(filter, binds);
    binds << qint64(limit) << offset;
    return query(clause + QStringLiteral(" ORDER BY j.created_ms DESC, j.id DESC LIMIT ? OFFSET ?"),
                 binds);
}

Result<qint64> JobStore::count(const JobListFilter &filter)
{
    QVariantList binds;
    const QString clause = where(filter, binds);
    auto v = m_db.scalar(
        QStringLiteral("SELECT count(*) FROM jobs j JOIN devices d ON d.id = j.device_id ") +
            clause,
        binds);
    if (!v)
        return v.error();
    return v->toLongLong();
}

Result<QList<Job>> JobStore::unsent(int limit)
{
    return run(unsentStatement(limit));
}

Result<QList<Job>> JobStore::overdue(qint64 nowMs)
{
    return run(overdueStatement(nowMs));
}

JobStore::Statement JobStore::overdueStatement(qint64 nowMs)
{
    // Runs every second in the dispatcher: it must read only the unfinished jobs (the partial
    // index), never scan the whole history, which the planner would otherwise do.
    return {QLatin1String(kSelectJobUnfinished) +
                QStringLiteral("WHERE j.finished_ms IS NULL AND j.deadline_ms IS NOT NULL AND "
                               "j.deadline_ms < ? ORDER BY j.id"),
            {nowMs}};
}

JobStore::Statement JobStore::unsentStatement(int limit)
{
    // "state = 'created' AND finished_ms IS NULL" reads the partial index jobs_unfinished.
    // DDI jobs are never published: the device fetches them when it polls.
    return {QLatin1String(kSelectJob) +
                QStringLiteral("WHERE j.state = 'created' AND j.finished_ms IS NULL AND "
                               "j.transport = 'mqtt' ORDER BY j.id LIMIT ?"),
            {qint64(limit)}};
}

Result<QList<JobEvent>> JobStore::events(qint64 row)
{
    auto stmt = m_db.prepare(QStringLiteral("SELECT id, at_ms, device_seq, state, percent, reason "
                                            "FROM job_events WHERE job_row = ? ORDER BY id"));
    if (!stmt)
        return stmt.error();
    stmt->bind(1, row);
    QList<JobEvent> events;
    while (stmt->next()) {
        JobEvent e;
        e.id = stmt->int64(0);
        e.atMs = stmt->int64(1);
        e.deviceSeq = optionalInt(stmt.value(), 2);
        e.state = stmt->text(3);
        if (!stmt->isNull(4))
            e.percent = int(stmt->int64(4));
        e.reason = stmt->text(5);
        events << e;
    }
    if (!stmt->lastStepError().isEmpty())
        return Error::failed(stmt->lastStepError());
    return events;
}

Status JobStore::recordEvent(qint64 row, const JobEvent &event)
{
    return m_db.execute(QStringLiteral("INSERT INTO job_events (job_row, at_ms, device_seq, state, "
                                       "percent, reason) VALUES (?, ?, ?, ?, ?, ?)"),
                        {row, event.atMs, orNull(event.deviceSeq), event.state,
                         orNull(event.percent), event.reason});
}

Status JobStore::applyState(qint64 row, const QString &state, std::optional<int> percent,
                            const QString &reason, qint64 nowMs)
{
    const bool final = Job::isFinalState(state);
    Status s = m_db.execute(
        QStringLiteral("UPDATE jobs SET state = ?, percent = coalesce(?, percent), reason = ?, "
                       "updated_ms = ?, finished_ms = ? WHERE id = ? AND finished_ms IS NULL"),
        {state, orNull(percent), reason, nowMs, final ? QVariant(nowMs) : QVariant(), row});
    if (!s)
        return s;
    if (m_db.changes() == 0)
        return Error::invalid(
            QStringLiteral("Job row %1 is finished or does not exist; its state stays").arg(row));
    return {};
}

Result<bool> JobStore::markSent(qint64 row, qint64 nowMs)
{
    Status s = m_db.execute(
        QStringLiteral("UPDATE jobs SET sent_ms = ?, state = CASE WHEN state = 'created' THEN "
                       "'sent' ELSE state END, updated_ms = CASE WHEN state = 'created' THEN ? "
                       "ELSE updated_ms END WHERE id = ? AND sent_ms IS NULL"),
        {nowMs, nowMs, row});
    if (!s)
        return s.error();
    return m_db.changes() > 0;
}

} // namespace fleet
