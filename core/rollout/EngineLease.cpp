#include "rollout/EngineLease.h"

#include "storage/SqliteDatabase.h"
#include "storage/SqliteStatement.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QUuid>
#include <cerrno>
#include <csignal>
#ifdef Q_OS_UNIX
#include <sys/types.h>
#endif

namespace fleet {

namespace {

// Whether a process with that id exists on this host. Windows: assume it does (the lease then
// runs out by time).
bool processAlive(qint64 pid)
{
#ifdef Q_OS_UNIX
    if (pid <= 0)
        return false;
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
#else
    Q_UNUSED(pid);
    return true;
#endif
}

} // namespace

EngineLease::EngineLease(SqliteDatabase &db, QString name, QString holder, qint64 termMs)
    : m_db(db)
    , m_name(std::move(name))
    , m_holder(
          QStringLiteral("%1 [%2]").arg(holder, QUuid::createUuid().toString(QUuid::Id128).left(8)))
    , m_termMs(termMs)
{}

Result<bool> EngineLease::acquire(qint64 nowMs)
{
    const QString host = QHostInfo::localHostName();
    const qint64 pid = QCoreApplication::applicationPid();
    {
        // Scoped: a statement left on its row keeps a read transaction open, and the write
        // below would then fail with SQLITE_BUSY at once (WAL cannot upgrade a stale snapshot,
        // and the busy timeout does not apply).
        auto s = m_db.prepare(QStringLiteral(
            "SELECT host, pid, expires_ms, holder FROM engine_leases WHERE name = ?"));
        if (!s)
            return s.error();
        s->bindAll({m_name});
        if (s->next()) {
            const QString theirHost = s->text(0);
            const qint64 theirPid = s->int64(1);
            const qint64 expires = s->int64(2);
            // Two engines in one process (the window's, a test's) are told apart by the holder.
            const bool mine = theirHost == host && theirPid == pid && s->text(3) == m_holder;
            const bool gone = theirHost == host && !processAlive(theirPid);
            if (!mine && !gone && expires > nowMs)
                return false;
        }
        if (!s->lastStepError().isEmpty())
            return Error::failed(s->lastStepError());
    }
    if (Status w = m_db.execute(
            QStringLiteral("INSERT INTO engine_leases (name, holder, host, pid, expires_ms) "
                           "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = "
                           "excluded.holder, host = excluded.host, pid = excluded.pid, "
                           "expires_ms = excluded.expires_ms"),
            {m_name, m_holder, host, pid, nowMs + m_termMs});
        !w)
        return w.error();
    return true;
}

Status EngineLease::release()
{
    return m_db.execute(
        QStringLiteral("DELETE FROM engine_leases WHERE name = ? AND host = ? AND pid = ? AND "
                       "holder = ?"),
        {m_name, QHostInfo::localHostName(), QCoreApplication::applicationPid(), m_holder});
}

Result<QString> EngineLease::holderDescription()
{
    auto s =
        m_db.prepare(QStringLiteral("SELECT holder, host, pid FROM engine_leases WHERE name = ?"));
    if (!s)
        return s.error();
    s->bindAll({m_name});
    if (!s->next())
        return QString();
    return QStringLiteral("%1 on %2, pid %3").arg(s->text(0), s->text(1)).arg(s->int64(2));
}

} // namespace fleet
