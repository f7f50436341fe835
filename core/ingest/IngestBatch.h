#pragma once

#include "protocol/DeviceReports.h"
#include "protocol/DeviceTopic.h"

#include <QHash>
#include <QList>
#include <QString>
#include <utility>
#include <vector>

namespace fleet {

// What DeviceReportIngest has checked and queued since the last batch, handed as a whole to an
// IngestBatchWriter, which writes it in one transaction (all or nothing). A plain value: the
// ingest fills it on its thread and moves it to the writer, which may run on another thread.
struct IngestBatch
{
    struct Received
    {
        DeviceReport report;
        qint64 receivedMs = 0;
        quint64 order = 0; // arrival order within the batch
    };
    // What is queued for one device, as indices into `items`. Only the latest presence and
    // heartbeat matter; every inventory is kept so each firmware change lands in the history.
    // (Indices rather than the reports: a small hash node is cheap to insert and move.)
    struct PendingDevice
    {
        qsizetype presence = -1;
        qsizetype heartbeat = -1;
        QList<qsizetype> inventories;
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

    // Presence, heartbeat and inventory reports; a later presence or heartbeat of the same
    // device replaces the earlier one in place.
    std::vector<Received> items;
    QHash<QString, PendingDevice> pending; // by device uid
    QList<QueuedJobReport> jobReports;     // in arrival order
    QHash<QString, Rejection> rejections;  // by device uid
    // The highest fresh seq per (device uid, stream) of presence, inventory and job streams.
    QHash<std::pair<QString, QString>, qint64> streamSeqs;
    // The heartbeat streams' last seqs (device uid, seq) to store with this batch; often empty,
    // see DeviceReportIngest::heartbeatSeqIntervalMs. A device may appear twice (after a failed
    // batch took more): the store keeps the higher seq.
    std::vector<std::pair<QString, qint64>> heartbeatSeqs;
    // Accepted messages in the batch, counted before coalescing.
    qsizetype messages = 0;
    // When the batch was cut: the time of the audit entries it writes (the writer may run on
    // another thread, where the ingest's clock must not be read).
    qint64 cutMs = 0;

    // Queues a presence, heartbeat or inventory report of `uid` and counts it.
    void add(const QString &uid, DeviceTopic::Channel channel, Received item)
    {
        ++messages;
        PendingDevice &device = pending[uid];
        qsizetype *slot = channel == DeviceTopic::Channel::Presence    ? &device.presence
                          : channel == DeviceTopic::Channel::Heartbeat ? &device.heartbeat
                                                                       : nullptr;
        if (slot && *slot >= 0) {
            items[std::size_t(*slot)] = std::move(item);
            return;
        }
        items.push_back(std::move(item));
        const qsizetype index = qsizetype(items.size()) - 1;
        if (slot)
            *slot = index;
        else
            device.inventories.append(index);
    }
    const Received &item(qsizetype index) const { return items[std::size_t(index)]; }

    bool isEmpty() const
    {
        return pending.isEmpty() && jobReports.isEmpty() && rejections.isEmpty() &&
               streamSeqs.isEmpty() && heartbeatSeqs.empty();
    }
};

// What a committed batch changed, for DeviceReportIngest's signals.
struct IngestBatchResult
{
    int messages = 0;
    QList<qint64> changedDeviceIds; // sorted, unique
    QList<qint64> changedJobRows;   // sorted, unique
    qsizetype jobReports = 0;
};

} // namespace fleet
