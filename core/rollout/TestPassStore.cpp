#include "rollout/TestPassStore.h"

#include "audit/AuditLog.h"
#include "crypto/Ed25519PrivateKey.h"
#include "firmware/ReleaseRepository.h"
#include "firmware/SigningKeyStore.h"
#include "storage/SqliteDatabase.h"
#include "storage/SqliteStatement.h"
#include "util/Clock.h"

#include <QHash>
#include <QJsonObject>

namespace fleet {

namespace {

constexpr int kMaxSummaryLength = 4000; // as release_test_passes checks it

QString actorName(const AuditLog &audit)
{
    return audit.actor().operatorName.isEmpty() ? audit.actor().osUser : audit.actor().operatorName;
}

} // namespace

QByteArray TestPassRecord::statement() const
{
    // A fixed header names the format, so a signature over another kind of statement (a
    // release's) can never be taken for a test pass.
    return QStringLiteral("fleetdesk-test-pass-v1\nrelease=%1\nsha256=%2\nsource=%3\n"
                          "recorded_by=%4\nrecorded_ms=%5\nsummary=%6\n")
        .arg(releaseId)
        .arg(sha256, sourceName(source), recordedBy)
        .arg(recordedMs)
        .arg(summary)
        .toUtf8();
}

QString TestPassRecord::sourceName(Source source)
{
    return source == Source::Pilot ? QStringLiteral("pilot") : QStringLiteral("bench");
}

Result<TestPassRecord::Source> TestPassRecord::parseSource(const QString &name)
{
    if (name == QLatin1String("pilot"))
        return Source::Pilot;
    if (name == QLatin1String("bench"))
        return Source::Bench;
    return Error::invalid(
        QStringLiteral("'%1' is not a test pass source (pilot, bench)").arg(name));
}

TestPassStore::TestPassStore(SqliteDatabase &db, AuditLog &audit)
    : m_db(db)
    , m_audit(audit)
{}

Result<TestPassRecord> TestPassStore::record(qint64 releaseId, TestPassRecord::Source source,
                                             const QString &summary, const Ed25519PrivateKey &key)
{
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    auto record = recordWithin(releaseId, source, summary, key);
    if (!record)
        return record.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    return record;
}

Result<TestPassRecord> TestPassStore::recordWithin(qint64 releaseId, TestPassRecord::Source source,
                                                   const QString &summary,
                                                   const Ed25519PrivateKey &key)
{
    const QString text = summary.trimmed();
    if (text.isEmpty() || text.size() > kMaxSummaryLength)
        return Error::invalid(QStringLiteral("A test pass needs a summary of 1 to %1 characters: "
                                             "what was tested and how it went")
                                  .arg(kMaxSummaryLength));
    if (key.isNull())
        return Error::invalid(QStringLiteral("A test pass must be signed: unlock the signing key"));
    ReleaseRepository releases(m_db);
    auto release = releases.load(releaseId);
    if (!release)
        return release.error();
    if (release->state != ReleaseState::Approved)
        return Error::invalid(
            QStringLiteral("Release %1 %2 is %3: only an approved release can "
                           "have a test pass")
                .arg(release->name, release->version.toString(), releaseStateName(release->state)));
    SigningKeyStore keys(m_db, m_audit, {});
    auto active = keys.activeKey();
    if (!active)
        return active.error();
    const QString fingerprint = key.publicKey().fingerprint();
    if (!active->has_value() || active->value().fingerprint != fingerprint)
        return Error::invalid(QStringLiteral("The key %1 is not the workspace's active signing "
                                             "key, so its signature could not be checked")
                                  .arg(fingerprint));

    TestPassRecord r;
    r.releaseId = releaseId;
    r.sha256 = release->sha256;
    r.source = source;
    r.summary = text;
    r.recordedBy = actorName(m_audit);
    r.recordedMs = m_audit.clock().nowMs();
    r.keyFingerprint = fingerprint;
    auto signature = key.sign(r.statement());
    if (!signature)
        return signature.error();
    r.signature = QString::fromLatin1(signature->toBase64());
    r.verified = true;
    if (Status s = m_db.execute(
            QStringLiteral("INSERT INTO release_test_passes (release_id, sha256, source, summary, "
                           "recorded_by, recorded_ms, key_fingerprint, signature) VALUES "
                           "(?, ?, ?, ?, ?, ?, ?, ?)"),
            {r.releaseId, r.sha256, TestPassRecord::sourceName(r.source), r.summary, r.recordedBy,
             r.recordedMs, r.keyFingerprint, r.signature});
        !s)
        return s.error();
    r.id = m_db.lastInsertRowId();
    if (Status s =
            m_audit
                .append(
                    {QStringLiteral("release.test-pass"),
                     QStringLiteral("release"),
                     QStringLiteral("%1 %2").arg(release->name, release->version.toString()),
                     {},
                     QJsonObject{{QStringLiteral("sha256"), r.sha256},
                                 {QStringLiteral("source"), TestPassRecord::sourceName(r.source)},
                                 {QStringLiteral("key"), r.keyFingerprint},
                                 {QStringLiteral("pass"), r.id}},
                     r.summary})
                .status();
        !s)
        return s.error();
    return r;
}

Result<QList<TestPassRecord>> TestPassStore::forHash(const QString &sha256)
{
    return read(m_db, sha256);
}

Result<QList<TestPassRecord>> TestPassStore::read(SqliteDatabase &db, const QString &sha256)
{
    auto s = db.prepare(QStringLiteral(
        "SELECT t.id, t.release_id, t.sha256, t.source, t.summary, t.recorded_by, "
        "t.recorded_ms, t.key_fingerprint, t.signature, k.public_key_pem FROM "
        "release_test_passes t LEFT JOIN signing_keys k ON k.fingerprint = t.key_fingerprint "
        "WHERE t.sha256 = ? ORDER BY t.recorded_ms DESC, t.id DESC"));
    if (!s)
        return s.error();
    s->bindAll({sha256.toLower()});
    QList<TestPassRecord> records;
    while (s->next()) {
        TestPassRecord r;
        r.id = s->int64(0);
        r.releaseId = s->int64(1);
        r.sha256 = s->text(2);
        auto source = TestPassRecord::parseSource(s->text(3));
        r.source = source ? source.value() : TestPassRecord::Source::Bench;
        r.summary = s->text(4);
        r.recordedBy = s->text(5);
        r.recordedMs = s->int64(6);
        r.keyFingerprint = s->text(7);
        r.signature = s->text(8);
        // A record only counts when its key is known and its signature covers what the row
        // says now: an edited summary, hash or signer breaks it.
        if (source && !s->isNull(9)) {
            auto key = Ed25519PublicKey::fromPem(s->text(9).toUtf8());
            r.verified =
                key && key->verify(r.statement(), QByteArray::fromBase64(r.signature.toLatin1()));
        }
        records << r;
    }
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return records;
}

Result<bool> TestPassStore::gatePassed(const QString &sha256)
{
    auto records = forHash(sha256);
    if (!records)
        return records.error();
    for (const TestPassRecord &r : records.value())
        if (r.verified)
            return true;
    return false;
}

} // namespace fleet
