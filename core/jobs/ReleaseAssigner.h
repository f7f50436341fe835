#pragma once

#include "audit/AuditEntry.h"
#include "firmware/InstallPolicy.h"
#include "inventory/Device.h"
#include "jobs/Job.h"
#include "util/Result.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace fleet {

class AuditLog;
class AuditedChange;
class SqliteDatabase;

// An operator's "install this release on these devices" (fleetctl firmware assign, the window,
// later the rollout engine for each device it starts).
struct AssignmentRequest
{
    qint64 releaseId = 0;
    QList<qint64> deviceIds;
    InstallPolicy::Intent intent = InstallPolicy::Intent::Update;
    QString reason;     // required for a rollback
    QString origin;     // "fleetctl", "fleetdesk"
    QDateTime deadline; // optional: the job times out after it
    // Assign to the devices that may take the release and list the others, instead of
    // refusing the whole request when one device may not.
    bool skipRefused = false;
    // Where MQTT devices download from: the update server's base URL as they reach it
    // (https://host:port). Without it, MQTT devices are refused.
    QUrl artifactBaseUrl;
    QString tenant = QStringLiteral("default");
};

struct AssignmentRefusal
{
    QString deviceUid;
    QStringList reasons;
};

struct AssignmentOutcome
{
    QList<Job> assigned;
    QList<AssignmentRefusal> refused;
};

// Turns an assignment into one job per device, in one audited transaction, after the
// install policy (approved, model, hardware revision, minimum version, no silent downgrade)
// and the one-install-at-a-time rule allowed it. The job's transport follows the device's
// connection: a DDI device gets a DDI action (its client fetches it on the next poll); an MQTT
// device gets an update (or rollback) job whose artifact is a signed link to the update server
// (ArtifactLink) with the release's size, SHA-256 and signature; other connections are refused.
class ReleaseAssigner
{
public:
    ReleaseAssigner(SqliteDatabase &db, AuditLog &audit);

    Result<AssignmentOutcome> assign(const AssignmentRequest &request);
    // The same inside the caller's open transaction (the rollout engine hands devices their
    // jobs in the transaction that moves them to "notified"). Nothing is committed here.
    Result<AssignmentOutcome> assignWithin(AuditedChange &tx, const AssignmentRequest &request);

    // What a DDI job keeps as its payload: the release as it was when assigned.
    static QByteArray ddiPayload(const Release &release);

    // What the server now wants the device on (devices.fw_assigned): the drift scanner compares
    // it with what the device reports.
    Status recordAssignedVersion(qint64 deviceId, const QString &version);

private:
    static AuditRecord assignRecord(const Device &device, const Release &release, const Job &job,
                                    const QString &reason);

    SqliteDatabase &m_db;
    AuditLog &m_audit;
};

} // namespace fleet
