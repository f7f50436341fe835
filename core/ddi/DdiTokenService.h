#pragma once

#include "ddi/DdiCredentialStore.h"
#include "util/Result.h"

namespace fleet {

class AuditLog;
class SqliteDatabase;

// A token just issued: the plain token is shown to the operator once and never stored.
struct IssuedDdiToken
{
    QString token;
    QString fingerprint;
    bool replacedOld = false; // a token existed and stopped working
};

// The operator's side of DDI credentials (fleetctl device token, gateway token, the window):
// each issue, rotation and revocation is one audited transaction. Audit entries carry the
// token's fingerprint, never the token.
//
// Issuing a device token also marks the device as a DDI device (devices.connection = 'ddi'):
// releases assigned to it then become DDI actions its client fetches, not MQTT jobs.
class DdiTokenService
{
public:
    DdiTokenService(SqliteDatabase &db, AuditLog &audit);

    Result<IssuedDdiToken> issueDeviceToken(const QString &deviceUid);
    Result<IssuedDdiToken> issueGatewayToken(const QString &gatewayName);
    // Revocations are risky (the device or gateway can no longer update): a reason is needed.
    Status revokeDeviceToken(const QString &deviceUid, const QString &reason);
    Status revokeGatewayToken(const QString &gatewayName, const QString &reason);

private:
    SqliteDatabase &m_db;
    AuditLog &m_audit;
};

} // namespace fleet
