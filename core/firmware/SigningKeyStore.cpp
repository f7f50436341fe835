#include "SigningKeyStore.h"

#include "audit/AuditLog.h"
#include "storage/SqliteDatabase.h"
#include "util/Clock.h"

#include <QFile>
#include <QSaveFile>

namespace fleet {

namespace {

QJsonObject fingerprintJson(const QString &fp)
{
    QJsonObject o;
    o.insert(QStringLiteral("fingerprint"), fp);
    return o;
}

Result<QByteArray> readAllOf(const QString &path)
{
    QFile f(path);
    if (!f.exists())
        return Error::notFound(QStringLiteral("No signing key file '%1'").arg(path));
    if (!f.open(QIODevice::ReadOnly))
        return Error::failed(
            QStringLiteral("Cannot read the signing key '%1': %2").arg(path, f.errorString()));
    return f.read(64 * 1024);
}

Status writeKeyFile(const QString &path, const QByteArray &pem)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Error::failed(
            QStringLiteral("Cannot write the signing key '%1': %2").arg(path, f.errorString()));
    // Owner-only before a single byte is written.
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    if (f.write(pem) != pem.size() || !f.commit())
        return Error::failed(
            QStringLiteral("Cannot write the signing key '%1': %2").arg(path, f.errorString()));
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    return {};
}

} // namespace

SigningKeyStore::SigningKeyStore(SqliteDatabase &db, AuditLog &audit, QString workspacePath)
    : m_db(db)
    , m_audit(audit)
    , m_workspacePath(std::move(workspacePath))
{}

QString SigningKeyStore::keyPathForWorkspace(const QString &workspacePath)
{
    return workspacePath + QStringLiteral(".signing-key.pem");
}

Result<SigningKeyStore::KeyInfo> SigningKeyStore::create(const QByteArray &passphrase, bool replace)
{
    auto key = Ed25519PrivateKey::generate();
    if (!key)
        return key.error();
    return install(*key, passphrase, replace, QStringLiteral("firmware.signing-key.create"));
}

Result<SigningKeyStore::KeyInfo> SigningKeyStore::importPem(const QByteArray &pem,
                                                            const QByteArray &pemPassphrase,
                                                            const QByteArray &passphrase,
                                                            bool replace)
{
    auto key = Ed25519PrivateKey::fromPem(pem, pemPassphrase);
    if (!key)
        return key.error();
    return install(*key, passphrase, replace, QStringLiteral("firmware.signing-key.import"));
}

Result<SigningKeyStore::KeyInfo> SigningKeyStore::install(const Ed25519PrivateKey &key,
                                                          const QByteArray &passphrase,
                                                          bool replace, const QString &action)
{
    if (passphrase.size() < MinPassphraseLength)
        return Error::invalid(QStringLiteral("The signing key's passphrase must be at least %1 "
                                             "characters")
                                  .arg(MinPassphraseLength));
    auto current = activeKey();
    if (!current)
        return current.error();
    const Ed25519PublicKey pub = key.publicKey();
    const QString fingerprint = pub.fingerprint();
    if (current.value() && current.value()->fingerprint != fingerprint && !replace)
        return Error::invalid(QStringLiteral("This workspace already has a release-signing key "
                                             "(fingerprint %1). Replacing it is deliberate: ask "
                                             "for it explicitly (--replace); releases it signed "
                                             "stay verifiable.")
                                  .arg(current.value()->fingerprint));
    auto pem = key.toPem(passphrase);
    if (!pem)
        return pem.error();
    auto publicPem = pub.toPem();
    if (!publicPem)
        return publicPem.error();

    // The file is written first and put back if the database refuses the change, so the
    // workspace never names a key whose private half is not on disk.
    const QString path = keyPath();
    std::optional<QByteArray> previous;
    if (QFile::exists(path)) {
        auto old = readAllOf(path);
        if (!old)
            return old.error();
        previous = *old;
    }
    if (Status s = writeKeyFile(path, *pem); !s)
        return s.error();
    auto restore = [&]() {
        if (previous)
            (void)writeKeyFile(path, *previous);
        else
            QFile::remove(path);
    };

    KeyInfo info;
    info.fingerprint = fingerprint;
    info.publicKeyPem = *publicPem;
    info.createdMs = m_audit.clock().nowMs();
    info.active = true;
    AuditedChange tx(m_db, m_audit);
    Status s = tx.beginStatus();
    if (s)
        s = m_db.execute(QStringLiteral("UPDATE signing_keys SET active = 0 WHERE active = 1"));
    if (s)
        s = m_db.execute(QStringLiteral("INSERT INTO signing_keys (fingerprint, public_key_pem, "
                                        "created_ms, active) VALUES (?, ?, ?, 1) ON "
                                        "CONFLICT(fingerprint) DO UPDATE SET active = 1"),
                         {fingerprint, QString::fromLatin1(*publicPem), info.createdMs});
    if (s)
        s = tx.record(
            {action,
             QStringLiteral("signing-key"),
             fingerprint,
             current.value() ? fingerprintJson(current.value()->fingerprint) : QJsonObject(),
             fingerprintJson(fingerprint),
             {}});
    if (s)
        s = tx.commit();
    if (!s) {
        restore();
        return s.error();
    }
    return info;
}

Result<std::optional<SigningKeyStore::KeyInfo>> SigningKeyStore::activeKey()
{
    auto all = keys();
    if (!all)
        return all.error();
    for (const KeyInfo &k : std::as_const(all.value()))
        if (k.active)
            return std::optional<KeyInfo>(k);
    return std::optional<KeyInfo>();
}

Result<QList<SigningKeyStore::KeyInfo>> SigningKeyStore::keys()
{
    auto s = m_db.prepare(QStringLiteral("SELECT fingerprint, public_key_pem, created_ms, active "
                                         "FROM signing_keys ORDER BY id"));
    if (!s)
        return s.error();
    QList<KeyInfo> out;
    while (s->next())
        out << KeyInfo{s->text(0), s->text(1).toLatin1(), s->int64(2), s->int64(3) != 0};
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return out;
}

Result<Ed25519PublicKey> SigningKeyStore::publicKey(const QString &fingerprint)
{
    auto pem =
        m_db.scalar(QStringLiteral("SELECT public_key_pem FROM signing_keys WHERE fingerprint = ?"),
                    {fingerprint});
    if (!pem)
        return pem.error();
    if (!pem->isValid() || pem->isNull())
        return Error::notFound(
            QStringLiteral("No signing key with fingerprint %1 in this workspace")
                .arg(fingerprint));
    auto key = Ed25519PublicKey::fromPem(pem->toString().toLatin1());
    if (!key)
        return key.error();
    // The stored fingerprint must be the key's own; a row edited behind our back fails here.
    if (key->fingerprint() != fingerprint)
        return Error::failed(QStringLiteral("The stored public key does not match its "
                                            "fingerprint %1")
                                 .arg(fingerprint));
    return key;
}

Result<Ed25519PrivateKey> SigningKeyStore::unlock(const QByteArray &passphrase)
{
    auto active = activeKey();
    if (!active)
        return active.error();
    if (!active.value())
        return Error::notFound(QStringLiteral("This workspace has no release-signing key yet: "
                                              "create one with 'fleetctl firmware keygen'"));
    auto pem = readAllOf(keyPath());
    if (!pem)
        return pem.error();
    auto key = Ed25519PrivateKey::fromPem(*pem, passphrase);
    if (!key)
        return key.error();
    if (key->publicKey().fingerprint() != active.value()->fingerprint)
        return Error::invalid(
            QStringLiteral("The key file '%1' holds key %2, but the workspace's "
                           "signing key is %3")
                .arg(keyPath(), key->publicKey().fingerprint(), active.value()->fingerprint));
    return key;
}

} // namespace fleet
