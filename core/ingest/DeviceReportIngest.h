#pragma once

#include "audit/AuditLog.h"
#include "inventory/DeviceRepository.h"
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

namespace fleet {

class Clock;
class MqttClient;
class SqliteDatabase;

// Brings what devices publish (presence, inventory, heartbeat) into the inventory. Messages are
// checked (topic, payload, sequence) as they arrive and queued in memory; a batch writer writes
// the queue in one transaction every flushInterval or when maxBatchMessages are queued, because
// thousands of devices heart-beating must not mean thousands of transactions. A batch is
// all-or-nothing: when it fails, the whole queue stays and is retried on the next flush.
class DeviceReportIngest : public QObject
{
    Q_OBJECT

public:
    static constexpr int defaultFlushIntervalMs = 200;
    static constexpr qsizetype maxBatchMessages = 5000;
    // What the inventory gets when it cannot tell which device sent a message (bad topic).
    static QString unknownDeviceUid();

    // `db` is the ingest's own connection to the workspace (Workspace::openConnection()), used
    // only from this object's thread; `headAnchorPath` is the workspace's audit head anchor.
    DeviceReportIngest(SqliteDatabase &db, const Clock &clock, const QString &headAnchorPath,
                       QObject *parent = nullptr);

    void setFlushInterval(int ms);
    int flushInterval() const { return m_timer.interval(); }

    // The filters ingest subscribes to, with their QoS from docs/device-protocol.md.
    static QList<std::pair<QString, int>> subscriptions();
    // Feeds the client's messages to handleMessage() and subscribes to subscriptions().
    void attach(MqttClient &client);

    // Writes everything queued in one transaction. For shutdown, and what the timer calls.
    Status flush();

    // Accepted messages not yet written, counted before coalescing.
    qsizetype queuedMessages() const { return m_queued; }
    qint64 duplicateCount() const { return m_duplicates; }
    qint64 replayCount() const { return m_replays; }
    qint64 rejectedCount() const { return m_rejected; }

public slots:
    void handleMessage(const QString &topic, const QByteArray &payload);

signals:
    void batchCommitted(int messages, const QList<qint64> &changedDeviceIds);
    void rejected(const QString &deviceUid, const QString &reason);

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
    struct Rejection
    {
        QString reason;
        qint64 count = 0;
        qint64 lastMs = 0;
    };

    void reject(const QString &deviceUid, const QString &reason);
    void scheduleFlush();
    Status writeBatch(QList<qint64> &changed);
    Status writeInventory(const QString &uid, const Received &item, QList<qint64> &changed);
    Status writeLiveness(const QString &uid, const Received &item, QList<qint64> &changed);
    Status writeExtra(qint64 deviceId, const QString &channel, const ReportHeader &header,
                      qint64 nowMs);

    SqliteDatabase &m_db;
    const Clock &m_clock;
    DeviceRepository m_repository;
    AuditLog m_audit;
    SequenceGuard m_guard;
    QTimer m_timer;

    QHash<QString, PendingDevice> m_pending;
    QHash<QString, Rejection> m_rejections;
    qsizetype m_queued = 0;
    quint64 m_nextOrder = 0;
    bool m_lastFlushFailed = false;

    qint64 m_duplicates = 0;
    qint64 m_replays = 0;
    qint64 m_rejected = 0;
};

} // namespace fleet
