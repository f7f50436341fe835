#pragma once

#include "util/Result.h"

#include <QList>
#include <QString>
#include <optional>

namespace fleet {

class SqliteDatabase;

// Who a DDI request speaks for once its token checked out: one device (TargetToken) or a
// gateway that may speak for any device (GatewayToken).
struct DdiIdentity
{
    enum class Kind { Target, Gateway };
    Kind kind = Kind::Target;
    qint64 deviceId = 0; // Target only
    QString gatewayName; // Gateway only
};

// One credential as listed for operators: never the token, only a short fingerprint of its
// hash so two listings can be compared.
struct DdiCredential
{
    DdiIdentity::Kind kind = DdiIdentity::Kind::Target;
    qint64 deviceId = 0;
    QString deviceUid;
    QString gatewayName;
    QString fingerprint; // first 8 hex digits of the token's SHA-256
    qint64 createdMs = 0;
};

// The SQL for table ddi_credentials. Tokens are generated here and only their SHA-256 is
// stored; the plain token is returned once, to be handed to the device. Issuing a token for a
// device or gateway that has one replaces it, so the old token stops working at once
// (rotation). Runs inside the caller's transaction.
class DdiCredentialStore
{
public:
    // 32 characters of lower-case base32: 160 random bits from the system's CSPRNG.
    static constexpr int tokenLength = 32;

    explicit DdiCredentialStore(SqliteDatabase &db);

    static QString generateToken();
    static QString hashToken(const QString &token);
    // What a token looks like (length and alphabet), checked before any look-up.
    static bool isWellFormedToken(const QString &token);

    Result<QString> issueTargetToken(qint64 deviceId, qint64 nowMs);
    Result<QString> issueGatewayToken(const QString &gatewayName, qint64 nowMs);
    // False when there was nothing to revoke.
    Result<bool> revokeTargetToken(qint64 deviceId);
    Result<bool> revokeGatewayToken(const QString &gatewayName);

    // The identity a token stands for, nullopt for an unknown token (or a token of the other
    // kind: a TargetToken sent as a GatewayToken is not accepted).
    Result<std::optional<DdiIdentity>> authenticate(DdiIdentity::Kind kind, const QString &token);
    Result<std::optional<DdiCredential>> targetCredential(qint64 deviceId);
    Result<QList<DdiCredential>> list();

    static QString kindName(DdiIdentity::Kind kind);

private:
    Result<QString> insert(DdiIdentity::Kind kind, std::optional<qint64> deviceId,
                           const QString &gatewayName, qint64 nowMs);

    SqliteDatabase &m_db;
};

} // namespace fleet
