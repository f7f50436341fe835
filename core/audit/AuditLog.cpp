#include "AuditLog.h"

#include "storage/SqliteDatabase.h"
#include "util/Clock.h"

#include <QJsonDocument>
#include <QtDebug>

namespace fleet {

namespace {
QString compactJson(const QJsonObject &o)
{
    if (o.isEmpty())
        return {};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}
} // namespace

AuditLog::AuditLog(SqliteDatabase &db, const Clock &clock, Actor actor, QString headAnchorPath)
    : m_db(db)
    , m_clock(clock)
    , m_actor(std::move(actor))
    , m_anchor(std::move(headAnchorPath))
{}

Result<AuditEntry> AuditLog::append(const AuditRecord &record, bool risky)
{
    if (record.action.isEmpty() || record.objectType.isEmpty())
        return Error::invalid(QStringLiteral("An audit entry needs an action and an object type"));
    if (risky && record.reason.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("'%1' on %2 %3 is a risky action: give a reason")
                                  .arg(record.action, record.objectType, record.objectId));

    auto tail =
        m_db.prepare(QStringLiteral("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
    if (!tail)
        return tail.error();
    auto hasRow = tail->step();
    if (!hasRow)
        return hasRow.error();

    AuditEntry e;
    e.seq = hasRow.value() ? tail->int64(0) + 1 : 1;
    e.prevHash = hasRow.value() ? tail->text(1) : AuditEntry::genesisHash();
    e.tsMs = m_clock.nowMs();
    e.osUser = m_actor.osUser;
    e.operatorName = m_actor.operatorName;
    e.host = m_actor.host;
    e.action = record.action;
    e.objectType = record.objectType;
    e.objectId = record.objectId;
    e.beforeJson = compactJson(record.before);
    e.afterJson = compactJson(record.after);
    e.reason = record.reason.trimmed();
    e.hash = e.computeHash();

    auto insert = m_db.prepare(QStringLiteral(
        "INSERT INTO audit_log (seq, ts_ms, os_user, operator, host, action, object_type, "
        "object_id, before_json, after_json, reason, prev_hash, hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
    if (!insert)
        return insert.error();
    insert->bind(1, e.seq);
    insert->bind(2, e.tsMs);
    insert->bind(3, e.osUser);
    insert->bind(4, e.operatorName);
    insert->bind(5, e.host);
    insert->bind(6, e.action);
    insert->bind(7, e.objectType);
    insert->bind(8, e.objectId);
    insert->bind(9, e.beforeJson);
    insert->bind(10, e.afterJson);
    insert->bind(11, e.reason);
    insert->bind(12, e.prevHash);
    insert->bind(13, e.hash);
    if (Status s = insert->exec(); !s)
        return Error::failed(QStringLiteral("Could not write the audit entry for '%1': %2")
                                 .arg(record.action, s.message()));
    return e;
}

Status AuditLog::anchorHead()
{
    auto tail =
        m_db.prepare(QStringLiteral("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
    if (!tail)
        return tail.status();
    auto hasRow = tail->step();
    if (!hasRow)
        return hasRow.status();
    if (!hasRow.value())
        return {};
    return m_anchor.advance({tail->int64(0), tail->text(1)});
}

AuditedChange::AuditedChange(SqliteDatabase &db, AuditLog &log)
    : m_db(db)
    , m_log(log)
{
    m_begin = m_db.exec(QStringLiteral("BEGIN IMMEDIATE"));
    m_open = m_begin.ok();
}

AuditedChange::~AuditedChange()
{
    if (m_open)
        (void)m_db.exec(QStringLiteral("ROLLBACK"));
}

Status AuditedChange::record(const AuditRecord &record, bool risky)
{
    if (!m_open)
        return m_begin.ok() ? Status(Error::failed(QStringLiteral("The change has ended")))
                            : m_begin;
    return m_log.append(record, risky).status();
}

Status AuditedChange::commit()
{
    if (!m_open)
        return m_begin.ok() ? Status(Error::failed(QStringLiteral("The change has ended")))
                            : m_begin;
    if (Status s = m_db.exec(QStringLiteral("COMMIT")); !s) {
        (void)m_db.exec(QStringLiteral("ROLLBACK"));
        m_open = false;
        return Error::failed(QStringLiteral("Nothing was changed: %1").arg(s.message()));
    }
    m_open = false;
    // The change is durable; a head that could not be anchored only weakens tail detection
    // until the next successful anchor, so it is logged but does not undo anything.
    if (Status anchored = m_log.anchorHead(); !anchored)
        qWarning("audit: %s", qUtf8Printable(anchored.message()));
    return {};
}

} // namespace fleet
