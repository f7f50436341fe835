#include "ddi/DdiCredentialStore.h"

#include "storage/SqliteDatabase.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace fleet {

namespace {

const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

const char *const kSelectCredential =
    "SELECT c.kind, coalesce(c.device_id, 0), coalesce(d.uid, ''), coalesce(c.gateway_name, ''), "
    "c.token_sha256, c.created_ms FROM ddi_credentials c LEFT JOIN devices d ON d.id = "
    "c.device_id ";

DdiCredential readCredential(const SqliteStatement &s)
{
    DdiCredential c;
    c.kind = s.text(0) == QLatin1String("gateway") ? DdiIdentity::Kind::Gateway
                                                   : DdiIdentity::Kind::Target;
    c.deviceId = s.int64(1);
    c.deviceUid = s.text(2);
    c.gatewayName = s.text(3);
    c.fingerprint = s.text(4).left(8);
    c.createdMs = s.int64(5);
    return c;
}

} // namespace

DdiCredentialStore::DdiCredentialStore(SqliteDatabase &db)
    : m_db(db)
{}

QString DdiCredentialStore::generateToken()
{
    QString token;
    token.reserve(tokenLength);
    // 32 characters × 5 bits = 160 bits, from four 64-bit draws.
    quint64 bits = 0;
    int available = 0;
    for (int i = 0; i < tokenLength; ++i) {
        if (available < 5) {
            bits = QRandomGenerator::system()->generate64();
            available = 64;
        }
        token += QLatin1Char(kAlphabet[bits & 31]);
        bits >>= 5;
        available -= 5;
    }
    return token;
}

QString DdiCredentialStore::hashToken(const QString &token)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

bool DdiCredentialStore::isWellFormedToken(const QString &token)
{
    if (token.size() != tokenLength)
        return false;
    for (QChar c : token) {
        const char16_t u = c.unicode();
        if (!((u >= 'a' && u <= 'z') || (u >= '2' && u <= '7')))
            return false;
    }
    return true;
}

QString DdiCredentialStore::kindName(DdiIdentity::Kind kind)
{
    return kind == DdiIdentity::Kind::Gateway ? QStringLiteral("gateway")
                                              : QStringLiteral("target");
}

Result<QString> DdiCredentialStore::insert(DdiIdentity::Kind kind, std::optional<qint64> deviceId,
                                           const QString &gatewayName, qint64 nowMs)
{
    const QString token = generateToken();
    Status s = m_db.execute(
        QStringLiteral("INSERT INTO ddi_credentials (kind, device_id, gateway_name, "
                       "token_sha256, created_ms) VALUES (?, ?, ?, ?, ?)"),
        {kindName(kind), deviceId ? QVariant(*deviceId) : QVariant(),
         gatewayName.isEmpty() ? QVariant() : QVariant(gatewayName), hashToken(token), nowMs});
    if (!s)
        return s.error();
    return token;
}

Result<QString> DdiCredentialStore::issueTargetToken(qint64 deviceId, qint64 nowMs)
{
    if (auto r = revokeTargetToken(deviceId); !r)
        return r.error();
    return insert(DdiIdentity::Kind::Target, deviceId, {}, nowMs);
}

Result<QString> DdiCredentialStore::issueGatewayToken(const QString &gatewayName, qint64 nowMs)
{
    const QString name = gatewayName.trimmed();
    if (name.isEmpty() || name.size() > 128)
        return Error::invalid(QStringLiteral("A gateway needs a name of 1 to 128 characters"));
    if (auto r = revokeGatewayToken(name); !r)
        return r.error();
    return insert(DdiIdentity::Kind::Gateway, std::nullopt, name, nowMs);
}

Result<bool> DdiCredentialStore::revokeTargetToken(qint64 deviceId)
{
    if (Status s = m_db.execute(
            QStringLiteral("DELETE FROM ddi_credentials WHERE kind = 'target' AND device_id = ?"),
            {deviceId});
        !s)
        return s.error();
    return m_db.changes() > 0;
}

Result<bool> DdiCredentialStore::revokeGatewayToken(const QString &gatewayName)
{
    if (Status s = m_db.execute(QStringLiteral("DELETE FROM ddi_credentials WHERE kind = "
                                               "'gateway' AND gateway_name = ?"),
                                {gatewayName.trimmed()});
        !s)
        return s.error();
    return m_db.changes() > 0;
}

Result<std::optional<DdiIdentity>> DdiCredentialStore::authenticate(DdiIdentity::Kind kind,
                                                                    const QString &token)
{
    if (!isWellFormedToken(token))
        return std::optional<DdiIdentity>();
    auto s = m_db.prepare(QStringLiteral("SELECT coalesce(device_id, 0), coalesce(gateway_name, "
                                         "'') FROM ddi_credentials WHERE token_sha256 = ? AND "
                                         "kind = ?"));
    if (!s)
        return s.error();
    s->bind(1, hashToken(token));
    s->bind(2, kindName(kind));
    auto row = s->step();
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<DdiIdentity>();
    DdiIdentity identity;
    identity.kind = kind;
    identity.deviceId = s->int64(0);
    identity.gatewayName = s->text(1);
    return std::optional<DdiIdentity>(identity);
}

Result<std::optional<DdiCredential>> DdiCredentialStore::targetCredential(qint64 deviceId)
{
    auto s = m_db.prepare(QLatin1String(kSelectCredential) +
                          QStringLiteral("WHERE c.kind = 'target' AND c.device_id = ?"));
    if (!s)
        return s.error();
    s->bind(1, deviceId);
    auto row = s->step();
    if (!row)
        return row.error();
    if (!row.value())
        return std::optional<DdiCredential>();
    return std::optional<DdiCredential>(readCredential(s.value()));
}

Result<QList<DdiCredential>> DdiCredentialStore::list()
{
    auto s = m_db.prepare(QLatin1String(kSelectCredential) +
                          QStringLiteral("ORDER BY c.kind, d.uid, c.gateway_name"));
    if (!s)
        return s.error();
    QList<DdiCredential> out;
    while (s->next())
        out << readCredential(s.value());
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return out;
}

} // namespace fleet
