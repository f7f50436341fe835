#include "ddi/DdiTokenService.h"

#include "audit/AuditLog.h"
#include "inventory/DeviceRepository.h"
#include "storage/SqliteDatabase.h"
#include "util/Clock.h"

#include <QJsonObject>

namespace fleet {

namespace {

QString fingerprintOf(const QString &token)
{
    return DdiCredentialStore::hashToken(token).left(8);
}

} // namespace

DdiTokenService::DdiTokenService(SqliteDatabase &db, AuditLog &audit)
    : m_db(db)
    , m_audit(audit)
{}

Result<IssuedDdiToken> DdiTokenService::issueDeviceToken(const QString &deviceUid)
{
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    DeviceRepository devices(m_db);
    auto device = devices.loadByUid(deviceUid);
    if (!device)
        return device.error();
    DdiCredentialStore store(m_db);
    auto old = store.targetCredential(device->id);
    if (!old)
        return old.error();
    auto token = store.issueTargetToken(device->id, m_audit.clock().nowMs());
    if (!token)
        return token.error();
    if (Status s = m_db.execute(
            QStringLiteral("UPDATE devices SET connection = 'ddi' WHERE id = ?"), {device->id});
        !s)
        return s.error();
    IssuedDdiToken issued{token.value(), fingerprintOf(token.value()), old->has_value()};
    QJsonObject before;
    if (old->has_value())
        before.insert(QStringLiteral("token"), old->value().fingerprint);
    before.insert(QStringLiteral("connection"), device->connection);
    if (Status s = tx.record({issued.replacedOld ? QStringLiteral("ddi.token.rotate")
                                                 : QStringLiteral("ddi.token.issue"),
                              QStringLiteral("device"),
                              deviceUid,
                              before,
                              QJsonObject{{QStringLiteral("token"), issued.fingerprint},
                                          {QStringLiteral("connection"), QStringLiteral("ddi")}},
                              {}});
        !s)
        return s.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return issued;
}

Result<IssuedDdiToken> DdiTokenService::issueGatewayToken(const QString &gatewayName)
{
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    DdiCredentialStore store(m_db);
    auto list = store.list();
    if (!list)
        return list.error();
    QString oldFingerprint;
    for (const DdiCredential &c : list.value())
        if (c.kind == DdiIdentity::Kind::Gateway && c.gatewayName == gatewayName.trimmed())
            oldFingerprint = c.fingerprint;
    auto token = store.issueGatewayToken(gatewayName, m_audit.clock().nowMs());
    if (!token)
        return token.error();
    IssuedDdiToken issued{token.value(), fingerprintOf(token.value()), !oldFingerprint.isEmpty()};
    QJsonObject before;
    if (issued.replacedOld)
        before.insert(QStringLiteral("token"), oldFingerprint);
    if (Status s = tx.record({issued.replacedOld ? QStringLiteral("ddi.gateway-token.rotate")
                                                 : QStringLiteral("ddi.gateway-token.issue"),
                              QStringLiteral("gateway"),
                              gatewayName.trimmed(),
                              before,
                              QJsonObject{{QStringLiteral("token"), issued.fingerprint}},
                              {}});
        !s)
        return s.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return issued;
}

Status DdiTokenService::revokeDeviceToken(const QString &deviceUid, const QString &reason)
{
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus();
    DeviceRepository devices(m_db);
    auto device = devices.loadByUid(deviceUid);
    if (!device)
        return device.error();
    DdiCredentialStore store(m_db);
    auto old = store.targetCredential(device->id);
    if (!old)
        return old.error();
    if (!old->has_value())
        return Error::notFound(QStringLiteral("Device %1 has no DDI token").arg(deviceUid));
    if (auto r = store.revokeTargetToken(device->id); !r)
        return r.error();
    if (Status s = tx.record({QStringLiteral("ddi.token.revoke"),
                              QStringLiteral("device"),
                              deviceUid,
                              QJsonObject{{QStringLiteral("token"), old->value().fingerprint}},
                              {},
                              reason},
                             true);
        !s)
        return s;
    return tx.commit();
}

Status DdiTokenService::revokeGatewayToken(const QString &gatewayName, const QString &reason)
{
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus();
    DdiCredentialStore store(m_db);
    auto revoked = store.revokeGatewayToken(gatewayName);
    if (!revoked)
        return revoked.error();
    if (!revoked.value())
        return Error::notFound(QStringLiteral("There is no gateway called '%1'").arg(gatewayName));
    if (Status s = tx.record({QStringLiteral("ddi.gateway-token.revoke"),
                              QStringLiteral("gateway"),
                              gatewayName.trimmed(),
                              {},
                              {},
                              reason},
                             true);
        !s)
        return s;
    return tx.commit();
}

} // namespace fleet
