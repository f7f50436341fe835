#include "ReleaseRepository.h"

#include "storage/SqliteDatabase.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace fleet {

namespace {

const char *const kColumns =
    "id, name, version, kind, file_name, artifact_path, sha256, size, models_json, "
    "hw_revisions_json, min_version, notes, details_json, channel, state, known_good, signature, "
    "signing_key_fingerprint, revoked_reason, created_ms, approved_ms, revoked_ms, sha1, md5";

QString jsonList(const QStringList &list)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

QStringList listFromJson(const QString &text)
{
    QStringList out;
    for (const QJsonValue &v : QJsonDocument::fromJson(text.toUtf8()).array())
        out << v.toString();
    return out;
}

Result<Release> fromRow(const SqliteStatement &s)
{
    Release r;
    r.id = s.int64(0);
    r.name = s.text(1);
    auto version = SemanticVersion::parse(s.text(2));
    if (!version)
        return Error::failed(QStringLiteral("Release %1 has an unreadable version in the "
                                            "workspace: %2")
                                 .arg(r.id)
                                 .arg(version.message()));
    r.version = *version;
    const auto kind = artifactKindFromName(s.text(3));
    const auto channel = releaseChannelFromName(s.text(13));
    const auto state = releaseStateFromName(s.text(14));
    if (!kind || !channel || !state)
        return Error::failed(
            QStringLiteral("Release %1 has an unknown kind, channel or state").arg(r.id));
    r.kind = *kind;
    r.fileName = s.text(4);
    r.artifactPath = s.text(5);
    r.sha256 = s.text(6);
    r.size = s.int64(7);
    r.models = listFromJson(s.text(8));
    r.hwRevisions = listFromJson(s.text(9));
    if (!s.text(10).isEmpty()) {
        auto min = SemanticVersion::parse(s.text(10));
        if (!min)
            return Error::failed(QStringLiteral("Release %1 has an unreadable minimum version: %2")
                                     .arg(r.id)
                                     .arg(min.message()));
        r.minVersion = *min;
    }
    r.notes = s.text(11);
    r.details = QJsonDocument::fromJson(s.text(12).toUtf8()).object();
    r.channel = *channel;
    r.state = *state;
    r.knownGood = s.int64(15) != 0;
    r.signature = s.text(16);
    r.signingKeyFingerprint = s.text(17);
    r.revokedReason = s.text(18);
    r.createdMs = s.int64(19);
    if (!s.isNull(20))
        r.approvedMs = s.int64(20);
    if (!s.isNull(21))
        r.revokedMs = s.int64(21);
    r.sha1 = s.text(22);
    r.md5 = s.text(23);
    return r;
}

} // namespace

ReleaseRepository::ReleaseRepository(SqliteDatabase &db)
    : m_db(db)
{}

Result<qint64> ReleaseRepository::insert(const Release &r)
{
    const Status s = m_db.execute(
        QStringLiteral("INSERT INTO releases (name, version, version_sort, kind, file_name, "
                       "artifact_path, sha256, size, models_json, hw_revisions_json, min_version, "
                       "notes, details_json, channel, state, known_good, created_ms) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {r.name, r.version.toString(), r.version.sortKey(), artifactKindName(r.kind), r.fileName,
         r.artifactPath, r.sha256, r.size, jsonList(r.models), jsonList(r.hwRevisions),
         r.minVersion.toString(), r.notes,
         QString::fromUtf8(QJsonDocument(r.details).toJson(QJsonDocument::Compact)),
         releaseChannelName(r.channel), releaseStateName(r.state), r.knownGood ? 1 : 0,
         r.createdMs});
    if (!s)
        return s.error();
    return m_db.lastInsertRowId();
}

Result<Release> ReleaseRepository::load(qint64 id)
{
    auto s = m_db.prepare(
        QStringLiteral("SELECT %1 FROM releases WHERE id = ?").arg(QLatin1String(kColumns)));
    if (!s)
        return s.error();
    s->bind(1, id);
    auto row = s->step();
    if (!row)
        return row.error();
    if (!row.value())
        return Error::notFound(QStringLiteral("No release with id %1").arg(id));
    return fromRow(*s);
}

Result<std::optional<qint64>> ReleaseRepository::idForSha256(const QString &sha256)
{
    auto v = m_db.scalar(QStringLiteral("SELECT id FROM releases WHERE sha256 = ?"), {sha256});
    if (!v)
        return v.error();
    if (!v->isValid() || v->isNull())
        return std::optional<qint64>();
    return std::optional<qint64>(v->toLongLong());
}

Result<QList<Release>> ReleaseRepository::list()
{
    auto s = m_db.prepare(QStringLiteral("SELECT %1 FROM releases ORDER BY name, version_sort "
                                         "DESC, id DESC")
                              .arg(QLatin1String(kColumns)));
    if (!s)
        return s.error();
    QList<Release> out;
    while (s->next()) {
        auto r = fromRow(*s);
        if (!r)
            return r.error();
        out << *r;
    }
    if (!s->lastStepError().isEmpty())
        return Error::failed(s->lastStepError());
    return out;
}

Status ReleaseRepository::updateOne(qint64 id, const QString &sql, const QVariantList &binds)
{
    if (Status s = m_db.execute(sql, QVariantList(binds) << id); !s)
        return s;
    if (m_db.changes() != 1)
        return Error::notFound(QStringLiteral("No release with id %1").arg(id));
    return {};
}

Status ReleaseRepository::setChannel(qint64 id, ReleaseChannel channel)
{
    return updateOne(id, QStringLiteral("UPDATE releases SET channel = ? WHERE id = ?"),
                     {releaseChannelName(channel)});
}

Status ReleaseRepository::setDigests(qint64 id, const QString &sha1, const QString &md5)
{
    return updateOne(id, QStringLiteral("UPDATE releases SET sha1 = ?, md5 = ? WHERE id = ?"),
                     {sha1, md5});
}

Status ReleaseRepository::setNotes(qint64 id, const QString &notes)
{
    return updateOne(id, QStringLiteral("UPDATE releases SET notes = ? WHERE id = ?"), {notes});
}

Status ReleaseRepository::setKnownGood(qint64 id, bool knownGood)
{
    return updateOne(id, QStringLiteral("UPDATE releases SET known_good = ? WHERE id = ?"),
                     {knownGood ? 1 : 0});
}

Status ReleaseRepository::setTargets(qint64 id, const QStringList &models,
                                     const QStringList &hwRevisions)
{
    return updateOne(id,
                     QStringLiteral("UPDATE releases SET models_json = ?, hw_revisions_json = ? "
                                    "WHERE id = ?"),
                     {jsonList(models), jsonList(hwRevisions)});
}

Status ReleaseRepository::markApproved(qint64 id, const QString &signature,
                                       const QString &fingerprint, qint64 atMs)
{
    return updateOne(id,
                     QStringLiteral("UPDATE releases SET state = 'approved', signature = ?, "
                                    "signing_key_fingerprint = ?, approved_ms = ? WHERE id = ?"),
                     {signature, fingerprint, atMs});
}

Status ReleaseRepository::markRevoked(qint64 id, const QString &reason, qint64 atMs)
{
    return updateOne(id,
                     QStringLiteral("UPDATE releases SET state = 'revoked', revoked_reason = ?, "
                                    "revoked_ms = ? WHERE id = ?"),
                     {reason, atMs});
}

} // namespace fleet
