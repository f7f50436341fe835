#pragma once

#include "util/Result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <optional>

namespace fleet {

class AuditedChange;

// What became of one device handed to a transport.
struct TransportHandOff
{
    struct Handed
    {
        qint64 deviceId = 0;
        qint64 jobRow = 0;
    };
    struct Refused
    {
        qint64 deviceId = 0;
        QString reason;
    };
    QList<Handed> handed;
    QList<Refused> refused;
};

// Where a handed job stands, as the transport knows it: the job states of core/jobs
// ("created", "sent", "downloading" ... "succeeded", "failed", "rolled_back").
struct TransportJobState
{
    QString state;
    QString reason;
    qint64 updatedMs = 0;
    bool finished = false;
};

// A device to put back on its known-good release.
struct RollbackTarget
{
    qint64 deviceId = 0;
    QString knownGoodVersion;
};

// How the rollout engine reaches devices. The engine decides who starts when; a transport only
// hands work over and reports what the devices said. Every hand-off happens inside the
// engine's transaction (the AuditedChange passed in), together with the device's move to
// "notified": a crash leaves both or neither, so no device is handed the same install twice.
//
// JobRolloutTransport is the workspace's: MQTT jobs and DDI actions, picked per device by its
// connection. The lab bench (serial) is the next adapter behind the same interface.
class RolloutTransport
{
public:
    virtual ~RolloutTransport() = default;

    virtual Result<TransportHandOff> startInstall(AuditedChange &tx, qint64 releaseId,
                                                  const QList<qint64> &deviceIds,
                                                  const QString &reason) = 0;
    // Puts devices back on their known-good version.
    virtual Result<TransportHandOff> startRollback(AuditedChange &tx,
                                                   const QList<RollbackTarget> &targets,
                                                   const QString &reason) = 0;
    // The state of each job row asked for (rows the transport does not know are left out).
    virtual Result<QHash<qint64, TransportJobState>> jobStates(const QList<qint64> &jobRows) = 0;
    // Withdraws a handed job that the device has not acted on yet; a job already underway is
    // left alone (the engine never cancels a device that started installing).
    virtual Status cancel(AuditedChange &tx, qint64 jobRow, const QString &reason) = 0;
};

} // namespace fleet
