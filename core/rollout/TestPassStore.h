#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace fleet {

class AuditLog;
class Ed25519PrivateKey;
class SqliteDatabase;

// One signed record that a release's artifact passed its tests: a rollout's pilot, or a run on
// the lab bench. The rollout's test gate asks for one for the exact artifact hash.
struct TestPassRecord
{
    enum class Source { Pilot, Bench };

    qint64 id = 0;
    qint64 releaseId = 0;
    QString sha256;
    Source source = Source::Bench;
    QString summary; // "pilot of rollout 'line 1': 4 of 4 succeeded and validated"
    QString recordedBy;
    qint64 recordedMs = 0;
    QString keyFingerprint;
    QString signature;     // base64 Ed25519 over statement()
    bool verified = false; // set when read: the signature checks against the stored public key

    // The exact bytes signed: every field that gives the record its meaning, one per line.
    QByteArray statement() const;
    static QString sourceName(Source source); // "pilot", "bench"
    static Result<Source> parseSource(const QString &name);
};

// Records and reads test pass records (table release_test_passes). A record is signed with the
// operator's key (the workspace's Ed25519 signing key, unlocked with its passphrase), so the gate
// is a statement a named person signed, not a checkbox; a row altered in the file no longer
// verifies and does not open the gate.
class TestPassStore
{
public:
    TestPassStore(SqliteDatabase &db, AuditLog &audit);

    // Signs and stores a record for the release's current artifact hash, audited as
    // "release.test-pass". Refused: unknown or unapproved release, an empty summary, a key that
    // is not the workspace's active signing key.
    Result<TestPassRecord> record(qint64 releaseId, TestPassRecord::Source source,
                                  const QString &summary, const Ed25519PrivateKey &key);
    // Inside the caller's open audited transaction (the engine records a pilot's pass with the
    // resume that approved it).
    Result<TestPassRecord> recordWithin(qint64 releaseId, TestPassRecord::Source source,
                                        const QString &summary, const Ed25519PrivateKey &key);

    // Every record for that artifact hash, newest first, each with `verified` set.
    Result<QList<TestPassRecord>> forHash(const QString &sha256);
    // Whether a record that verifies exists for the hash: the gate.
    Result<bool> gatePassed(const QString &sha256);
    // forHash() for readers without an audit log (status views).
    static Result<QList<TestPassRecord>> read(SqliteDatabase &db, const QString &sha256);

private:
    SqliteDatabase &m_db;
    AuditLog &m_audit;
};

} // namespace fleet
