#pragma once

#include "util/Result.h"

#include <QString>

namespace fleet {

class SqliteDatabase;

// Who may run a workspace's rollouts right now (table engine_leases). Two engines on one
// workspace (the window and `fleetctl serve`) would both start devices; the lease lets one run
// and the other wait. The holder renews it on every tick; a holder that was killed stops
// renewing, and its lease is taken over once it has run out, or at once when the holder was a
// process on this host that no longer exists.
class EngineLease
{
public:
    static constexpr qint64 defaultTermMs = 15'000;

    // `holder`: what is shown to the other side ("fleetctl serve", "Fleetdesk window").
    EngineLease(SqliteDatabase &db, QString name, QString holder, qint64 termMs = defaultTermMs);

    // Takes or renews the lease at `nowMs` (in the caller's transaction or its own). True when
    // this process holds it afterwards.
    Result<bool> acquire(qint64 nowMs);
    // Gives it up (on a clean stop), so another engine need not wait for it to run out.
    Status release();
    // Who holds it now, for the message of the engine that waits ("fleetctl serve on bench-1,
    // pid 4242").
    Result<QString> holderDescription();

private:
    SqliteDatabase &m_db;
    QString m_name;
    QString m_holder;
    qint64 m_termMs;
};

} // namespace fleet
