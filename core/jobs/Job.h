#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>
#include <optional>

namespace fleet {

// One job as the workspace stores it (table `jobs`): what was sent to which device, the exact
// payload, and what became of it. The payload is kept byte for byte so a job sent again after a
// lost connection is the same message, with the same id and seq, which the device recognises
// as a duplicate.
//
// States: "created" (written, not yet acknowledged by the broker), "sent" (the broker took it),
// the device's running states (queued, downloading, installing, rebooting, verifying), and the
// final ones: the device's (succeeded, failed, rejected, rolled_back) and Fleetdesk's own
// ("timed_out" when the deadline passed without a result, "cancelled" by an operator).
struct Job
{
    qint64 row = 0; // jobs.id
    QString jobId;  // "j-20260302-ab3k9q2m", what the device sees
    qint64 deviceId = 0;
    QString deviceUid;
    QString kind; // JobMessage::kindName()
    qint64 seq = 0;
    QByteArray payload;
    QString targetVersion;
    QString origin; // who created it: "fleetctl", "fleetdesk", ...
    QString state = QStringLiteral("created");
    std::optional<int> percent;
    QString reason;
    qint64 createdMs = 0;
    std::optional<qint64> sentMs;
    qint64 updatedMs = 0;
    std::optional<qint64> finishedMs;
    std::optional<qint64> deadlineMs;
    // How the job reaches the device: "mqtt" (published as a job message) or "ddi" (offered to
    // the device's DDI client when it polls the built-in update server; the DDI action id is
    // `row`).
    QString transport = mqttTransport();
    std::optional<qint64> releaseId; // the catalog release an update or rollback installs
    // An operator asked to cancel a DDI action the device has already been offered; the job
    // ends as "cancelled" when the device confirms, or goes on when it refuses.
    std::optional<qint64> cancelRequestedMs;

    bool isFinished() const { return finishedMs.has_value(); }

    static QString createdState() { return QStringLiteral("created"); }
    static QString sentState() { return QStringLiteral("sent"); }
    static QString timedOutState() { return QStringLiteral("timed_out"); }
    static QString cancelledState() { return QStringLiteral("cancelled"); }
    // A DDI client finished downloading and waits to install (hawkBit's "downloaded").
    static QString downloadedState() { return QStringLiteral("downloaded"); }
    static QString mqttTransport() { return QStringLiteral("mqtt"); }
    static QString ddiTransport() { return QStringLiteral("ddi"); }
    // Every state a job can be in, in the order of a job's life.
    static QStringList stateNames();
    // The states after which nothing changes a job any more.
    static QStringList finalStates();
    static bool isFinalState(const QString &state);

    // A new job id: "j-" + the UTC date + "-" + 10 random base32 characters (50 bits), readable
    // on a phone call and unique without asking the database.
    static QString makeId(const QDateTime &nowUtc);
};

// One thing that happened to a job (table `job_events`): created, sent, a device report,
// cancelled, timed out.
struct JobEvent
{
    qint64 id = 0;
    qint64 atMs = 0;
    std::optional<qint64> deviceSeq; // the device's seq, for events a device reported
    QString state;
    std::optional<int> percent;
    QString reason;
};

} // namespace fleet
