#include "jobs/JobDispatcher.h"

#include "mqtt/MqttClient.h"
#include "protocol/DeviceTopic.h"
#include "storage/SqliteDatabase.h"
#include "util/Clock.h"

#include <QJsonObject>
#include <QLoggingCategory>
#include <algorithm>

Q_LOGGING_CATEGORY(lcJobs, "fleet.jobs")

namespace fleet {

JobDispatcher::JobDispatcher(SqliteDatabase &db, const Clock &clock, const QString &headAnchorPath,
                             QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_clock(clock)
    , m_store(db)
    , m_audit(db, clock, Actor::system(), headAnchorPath)
{
    m_timer.setInterval(defaultPollIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &JobDispatcher::poll);
    m_ackTimer.setSingleShot(true);
    m_ackTimer.setInterval(ackFlushIntervalMs);
    connect(&m_ackTimer, &QTimer::timeout, this, [this] { (void)flushAcknowledged(); });
}

JobDispatcher::~JobDispatcher()
{
    // Nobody listens any more; a failure leaves the jobs "created", sent again next time.
    blockSignals(true);
    (void)flushAcknowledged();
}

void JobDispatcher::attach(MqttClient &client)
{
    if (m_client)
        disconnect(m_client, nullptr, this, nullptr);
    m_client = &client;
    m_inFlight.clear();
    m_inFlightRows.clear();
    m_inFlightDevices.clear();
    connect(&client, &MqttClient::stateChanged, this, &JobDispatcher::onStateChanged);
    connect(&client, &MqttClient::published, this, &JobDispatcher::onPublished);
    m_timer.start();
    poll();
}

int JobDispatcher::windowSize() const
{
    const int window =
        m_client ? m_client->profile().inflightWindow : MqttBrokerProfile::DefaultInflightWindow;
    return std::max(1, window);
}

void JobDispatcher::onStateChanged()
{
    // Whatever was in flight on the old connection is void: those message ids will not be
    // acknowledged. The jobs are still "created" and go out again once connected.
    m_inFlight.clear();
    m_inFlightRows.clear();
    m_inFlightDevices.clear();
    m_moreUnsent = true;
    if (m_client && m_client->state() == MqttClient::State::Connected)
        poll();
}

bool JobDispatcher::tableChanged()
{
    // data_version moves when another connection commits; total_changes() when this one
    // writes. Either may have created jobs.
    auto version = m_db.scalar(QStringLiteral("PRAGMA data_version"));
    auto changes = m_db.scalar(QStringLiteral("SELECT total_changes()"));
    if (!version || !changes)
        return true;
    const qint64 v = version->toLongLong();
    const qint64 c = changes->toLongLong();
    const bool changed = v != m_dataVersion || c != m_totalChanges;
    m_dataVersion = v;
    m_totalChanges = c;
    return changed;
}

void JobDispatcher::poll()
{
    QList<qint64> changed;
    if (Status s = timeOutOverdue(changed); !s)
        qCWarning(lcJobs).noquote() << "Cannot time out overdue jobs:" << s.message();
    if (!changed.isEmpty())
        emit jobsChanged(changed);
    if (!m_client || m_client->state() != MqttClient::State::Connected)
        return;
    // Evaluated first so the marker is always brought up to date.
    const bool changedOnDisk = tableChanged();
    if (changedOnDisk || m_moreUnsent)
        publishUnsent();
}

Status JobDispatcher::timeOutOverdue(QList<qint64> &changed)
{
    const qint64 nowMs = m_clock.nowMs();
    auto overdue = m_store.overdue(nowMs);
    if (!overdue)
        return overdue.status();
    if (overdue->isEmpty())
        return {};
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus();
    QList<qint64> rows;
    for (const Job &job : overdue.value()) {
        const QString deadline =
            QDateTime::fromMSecsSinceEpoch(*job.deadlineMs, Qt::UTC).toString(Qt::ISODateWithMs);
        const QString reason =
            QStringLiteral("no result from the device before the deadline %1").arg(deadline);
        if (Status s =
                m_store.applyState(job.row, Job::timedOutState(), std::nullopt, reason, nowMs);
            !s)
            return s;
        if (Status s = m_store.recordEvent(
                job.row, {0, nowMs, std::nullopt, Job::timedOutState(), std::nullopt, reason});
            !s)
            return s;
        if (Status s = tx.record({QStringLiteral("job.timeout"), QStringLiteral("job"), job.jobId,
                                  QJsonObject{{QStringLiteral("state"), job.state}},
                                  QJsonObject{{QStringLiteral("state"), Job::timedOutState()},
                                              {QStringLiteral("device"), job.deviceUid}},
                                  reason});
            !s)
            return s;
        rows << job.row;
    }
    if (Status s = tx.commit(); !s)
        return s;
    changed << rows;
    return {};
}

void JobDispatcher::publishUnsent()
{
    int room = windowSize() - int(m_inFlight.size());
    if (room <= 0) {
        m_moreUnsent = true;
        return;
    }
    // Jobs in flight or acknowledged but not yet marked are still "created", and so are jobs
    // waiting for an earlier job of their device: ask for enough to see past those.
    const int limit = windowSize() + int(m_inFlightRows.size() + m_acked.size()) + 64;
    auto unsent = m_store.unsent(limit);
    if (!unsent) {
        qCWarning(lcJobs).noquote() << "Cannot read the jobs to send:" << unsent.message();
        m_moreUnsent = true;
        return;
    }
    m_moreUnsent = unsent->size() >= limit;
    QSet<qint64> waiting; // devices with an earlier unsent job in this list
    for (const Job &job : unsent.value()) {
        if (m_inFlightRows.contains(job.row) || m_acked.contains(job.row))
            continue;
        // Oldest first per device: a later job waits until the earlier one is acknowledged.
        if (m_inFlightDevices.contains(job.deviceId) || waiting.contains(job.deviceId)) {
            waiting.insert(job.deviceId);
            m_moreUnsent = true;
            continue;
        }
        if (room == 0) {
            m_moreUnsent = true;
            break;
        }
        auto topic = DeviceTopic::make(job.deviceUid, DeviceTopic::Channel::Jobs);
        if (!topic) {
            // Cannot happen for a job JobService built; a hand-edited row is reported, not sent.
            emit dispatchFailed(job.jobId, topic.message());
            waiting.insert(job.deviceId);
            continue;
        }
        auto mid = m_client->publish(topic->toString(), job.payload, 1, false);
        if (!mid) {
            qCWarning(lcJobs).noquote()
                << "Cannot publish job" << job.jobId << ":" << mid.message();
            emit dispatchFailed(job.jobId, mid.message());
            m_moreUnsent = true;
            break;
        }
        m_inFlight.insert(mid.value(), {job.row, job.deviceId});
        m_inFlightRows.insert(job.row);
        m_inFlightDevices.insert(job.deviceId);
        ++m_published;
        --room;
    }
}

void JobDispatcher::onPublished(int messageId)
{
    const auto it = m_inFlight.find(messageId);
    if (it == m_inFlight.end())
        return; // someone else's message on the same client
    const qint64 row = it->row;
    m_inFlightDevices.remove(it->deviceId);
    m_inFlight.erase(it);
    m_inFlightRows.remove(row);
    ++m_acknowledged;
    // Marked "sent" in batches: one transaction (and fsync) per acknowledgement would cap a
    // large rollout at the disk's sync rate. Until then the row is kept from being republished.
    m_acked.insert(row, m_clock.nowMs());
    if (m_acked.size() >= maxAckBatch)
        (void)flushAcknowledged();
    else if (!m_ackTimer.isActive())
        m_ackTimer.start();
    if (m_moreUnsent && m_client && m_client->state() == MqttClient::State::Connected)
        publishUnsent();
}

Status JobDispatcher::flushAcknowledged()
{
    m_ackTimer.stop();
    if (m_acked.isEmpty())
        return {};
    Status s;
    {
        SqliteTransaction tx(m_db);
        s = tx.beginStatus();
        for (auto it = m_acked.cbegin(); s && it != m_acked.cend(); ++it) {
            auto first = m_store.markSent(it.key(), it.value());
            if (!first)
                s = first.status();
            else if (first.value())
                s = m_store.recordEvent(
                    it.key(), {0, it.value(), std::nullopt, Job::sentState(), std::nullopt, {}});
        }
        if (s)
            s = tx.commit();
    }
    if (!s) {
        // The broker has the jobs; they stay "created" and are marked on the next try.
        qCWarning(lcJobs).noquote()
            << "Cannot mark" << m_acked.size() << "jobs sent, will retry:" << s.message();
        m_ackTimer.start();
        return s;
    }
    QList<qint64> rows = m_acked.keys();
    std::sort(rows.begin(), rows.end());
    m_acked.clear();
    emit jobsChanged(rows);
    return {};
}

} // namespace fleet
