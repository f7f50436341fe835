#pragma once

#include "audit/Actor.h"
#include "audit/AuditEntry.h"
#include "audit/AuditHeadAnchor.h"
#include "util/Result.h"

namespace fleet {

class Clock;
class SqliteDatabase;

// Appends entries to the hash-chained audit trail. append() runs inside the caller's
// transaction, next to the change it records: if the entry cannot be written the transaction
// fails and the change with it. After the commit, anchorHead() copies the head outside the DB.
class AuditLog
{
public:
    AuditLog(SqliteDatabase &db, const Clock &clock, Actor actor, QString headAnchorPath);

    const Actor &actor() const { return m_actor; }
    void setActor(Actor actor) { m_actor = std::move(actor); }
    const Clock &clock() const { return m_clock; }

    // Appends one entry. `risky` actions are refused without a reason. Requires an open
    // IMMEDIATE transaction on the same connection, so the chain's tail cannot move under us.
    Result<AuditEntry> append(const AuditRecord &record, bool risky = false);
    // Advances the external head anchor to the chain's current head. Call after commit.
    Status anchorHead();

private:
    SqliteDatabase &m_db;
    const Clock &m_clock;
    Actor m_actor;
    AuditHeadAnchor m_anchor;
};

// One transaction that carries a change and its audit entries; anchors the head on commit.
// Destroyed without commit(), it rolls everything back.
class AuditedChange
{
public:
    AuditedChange(SqliteDatabase &db, AuditLog &log);
    ~AuditedChange();
    AuditedChange(const AuditedChange &) = delete;
    AuditedChange &operator=(const AuditedChange &) = delete;

    const Status &beginStatus() const { return m_begin; }
    Status record(const AuditRecord &record, bool risky = false);
    Status commit();

private:
    SqliteDatabase &m_db;
    AuditLog &m_log;
    Status m_begin;
    bool m_open = false;
};

} // namespace fleet
