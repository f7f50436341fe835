#pragma once

#include "audit/AuditLog.h"
#include "jobs/JobStore.h"
#include "util/Result.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace fleet {

class Clock;
class MqttClient;
class SqliteDatabase;

// Publishes the jobs in the workspace to their devices. Jobs are written (state "created") by
// JobService in any process — fleetctl may create them while `fleetctl serve` or the window is
// connected — so the dispatcher polls the table on a timer; a poll that finds nothing new
// costs two pragmas (PRAGMA data_version for other connections' commits, total_changes() for
// this one's).
//
// Each job goes out with its stored payload, byte for byte, at QoS 1. When the broker
// acknowledges it (MqttClient::published) the job becomes "sent". A job published but not
// acknowledged when the connection drops stays "created" and is published again after the
// reconnect — the same job id and seq, which the device treats as a duplicate. At most the
// profile's in-flight window of jobs is unacknowledged at once, and at most one per device: a
// device refuses a job whose seq is not above the last it accepted, so a later job must never
// overtake an earlier one that is sent again after a lost acknowledgement. An unfinished job
// past its deadline becomes "timed_out" (audited, by the injected clock).
//
// lives on the thread that owns the MqttClient; `db` is a connection used only from there.
class JobDispatcher : public QObject
{
    Q_OBJECT

public:
    static constexpr int defaultPollIntervalMs = 1000;
    // Acknowledged jobs are marked "sent" together, after this long or this many.
    static constexpr int ackFlushIntervalMs = 100;
    static constexpr int maxAckBatch = 500;

    JobDispatcher(SqliteDatabase &db, const Clock &clock, const QString &headAnchorPath,
                  QObject *parent = nullptr);
    // Marks what the broker acknowledged as sent before going away.
    ~JobDispatcher() override;

    void setPollInterval(int ms) { m_timer.setInterval(ms); }
    int pollInterval() const { return m_timer.interval(); }

    // Starts dispatching whenever `client` is connected. One client at a time.
    void attach(MqttClient &client);

    // Unacknowledged publishes right now.
    int inFlight() const { return int(m_inFlight.size()); }
    int windowSize() const;
    qint64 publishedCount() const { return m_published; }
    qint64 acknowledgedCount() const { return m_acknowledged; }

    // Marks every acknowledged job "sent" in one transaction now (the ack timer does it
    // otherwise). For shutdown and tests.
    Status flushAcknowledged();

public slots:
    // One round: time out overdue jobs, then publish unsent ones while the window allows. What
    // the timer calls; call it after creating jobs in this process to skip the wait.
    void poll();

signals:
    // Job rows whose state changed (sent, timed out), sorted, for views to refresh.
    void jobsChanged(const QList<qint64> &jobRows);
    // A job could not be published or its state not written; it is retried on the next poll.
    void dispatchFailed(const QString &jobId, const QString &message);

private:
    void onStateChanged();
    void onPublished(int messageId);
    Status timeOutOverdue(QList<qint64> &changed);
    void publishUnsent();
    bool tableChanged();

    SqliteDatabase &m_db;
    const Clock &m_clock;
    JobStore m_store;
    AuditLog m_audit;
    QTimer m_timer;
    QTimer m_ackTimer;
    QPointer<MqttClient> m_client;

    struct InFlight
    {
        qint64 row = 0;
        qint64 deviceId = 0;
    };
    QHash<int, InFlight> m_inFlight; // message id -> job
    QSet<qint64> m_inFlightRows;
    QSet<qint64> m_inFlightDevices;
    QHash<qint64, qint64> m_acked; // job row -> when the broker acknowledged it
    // The last data_version / total_changes seen; a change means jobs may have been written.
    qint64 m_dataVersion = -1;
    qint64 m_totalChanges = -1;
    // Set when a publish found more unsent jobs than the window allowed.
    bool m_moreUnsent = true;
    qint64 m_published = 0;
    qint64 m_acknowledged = 0;
};

} // namespace fleet
