#pragma once

#include "rollout/RolloutTransport.h"

#include <QString>
#include <QUrl>

namespace fleet {

class AuditLog;
class SqliteDatabase;

// The workspace's transport: each device gets a job in the `jobs` table, which reaches it as an
// MQTT job (published by the JobDispatcher) or as a DDI action (fetched by the device's DDI
// client from the update server), depending on how the device is connected. Installs go
// through ReleaseAssigner, so the install policy and the one-install-at-a-time rule hold for
// rollouts exactly as for a hand assignment.
//
// A rollback installs the catalog's approved release of the known-good version for the device's
// model when there is one (MQTT or DDI); otherwise an MQTT device is told to switch back to its
// other slot (a rollback job without artifact), and a DDI device cannot be rolled back.
class JobRolloutTransport : public RolloutTransport
{
public:
    // `artifactBaseUrl`: where MQTT devices download from (the update server as they reach it);
    // empty refuses MQTT devices with that reason.
    JobRolloutTransport(SqliteDatabase &db, AuditLog &audit, QUrl artifactBaseUrl,
                        QString tenant = QStringLiteral("default"));

    Result<TransportHandOff> startInstall(AuditedChange &tx, qint64 releaseId,
                                          const QList<qint64> &deviceIds,
                                          const QString &reason) override;
    Result<TransportHandOff> startRollback(AuditedChange &tx, const QList<RollbackTarget> &targets,
                                           const QString &reason) override;
    Result<QHash<qint64, TransportJobState>> jobStates(const QList<qint64> &jobRows) override;
    Status cancel(AuditedChange &tx, qint64 jobRow, const QString &reason) override;

    static QString origin() { return QStringLiteral("rollout"); }

private:
    SqliteDatabase &m_db;
    AuditLog &m_audit;
    QUrl m_artifactBaseUrl;
    QString m_tenant;
};

} // namespace fleet
