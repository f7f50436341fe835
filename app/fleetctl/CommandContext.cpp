#include "CommandContext.h"

#include "storage/Migrations.h"
#include "storage/SqliteDatabase.h"

#include <QFileInfo>
#include <QJsonObject>

namespace fleet {

CommandContext::CommandContext(QString commandPath, const QCommandLineParser &parser,
                               GlobalOptions globals, Output &output, const Clock &clock)
    : m_commandPath(std::move(commandPath))
    , m_parser(parser)
    , m_globals(std::move(globals))
    , m_out(output)
    , m_clock(clock)
{}

Actor CommandContext::actor() const
{
    return Actor::current(m_globals.operatorName);
}

Result<qint64> CommandContext::integerOption(const QString &option, qint64 fallback, qint64 minimum,
                                             qint64 maximum) const
{
    if (!m_parser.isSet(option))
        return fallback;
    const QString text = m_parser.value(option).trimmed();
    bool ok = false;
    const qint64 n = text.toLongLong(&ok);
    if (!ok || n < minimum || n > maximum)
        return Error::invalid(QStringLiteral("--%1 expects a whole number from %2 to %3, not '%4'")
                                  .arg(option)
                                  .arg(minimum)
                                  .arg(maximum)
                                  .arg(text));
    return n;
}

Result<std::unique_ptr<WorkspaceSession>> CommandContext::openSession(Access access)
{
    m_hint.clear();
    Workspace::OpenOptions options;
    options.create = false;
    options.readOnly = access == Access::ReadOnly;
    auto session = WorkspaceSession::open(m_globals.workspacePath, options, m_clock, actor());
    if (!session) {
        const Error &e = session.error();
        if (e.kind == Error::Kind::NotFound && !QFileInfo::exists(m_globals.workspacePath)) {
            m_hint = QStringLiteral("Create a workspace with 'fleetctl workspace init', or name "
                                    "another one with --workspace PATH.");
        } else if (e.kind == Error::Kind::Incompatible && access == Access::ReadOnly) {
            auto version = schemaVersionOnDisk();
            if (version && version.value() > 0 && version.value() < Migrations::latestVersion())
                m_hint = QStringLiteral("Run 'fleetctl db upgrade' to upgrade it; the current "
                                        "file is kept as a backup.");
        }
        return session.error();
    }
    const Workspace &ws = session.value()->workspace();
    if (access == Access::ReadWrite && ws.isReadOnly())
        // The core fell back to read-only because the file failed its integrity check; a
        // change would be refused by SQLite anyway, so say why before trying.
        return Error{Error::Kind::Damaged, ws.warning()};
    if (ws.isReadOnly() && !ws.warning().isEmpty())
        m_out.warning(ws.warning());
    else if (!ws.warning().isEmpty())
        m_out.note(ws.warning()); // what opening did, e.g. a schema upgrade: news, not a problem
    return session;
}

QJsonObject CommandContext::errorDocument(ExitCode code, const QString &kind,
                                          const QString &message)
{
    QJsonObject error;
    error.insert(QStringLiteral("exit_code"), ExitCodes::value(code));
    error.insert(QStringLiteral("kind"), kind);
    error.insert(QStringLiteral("message"), message);
    QJsonObject doc;
    doc.insert(QStringLiteral("error"), error);
    return doc;
}

Result<int> CommandContext::schemaVersionOnDisk() const
{
    if (!QFileInfo::exists(m_globals.workspacePath))
        return Error::notFound(QStringLiteral("No workspace at %1")
                                   .arg(QFileInfo(m_globals.workspacePath).absoluteFilePath()));
    auto db = SqliteDatabase::open(m_globals.workspacePath, SqliteDatabase::Access::ReadOnly);
    if (!db)
        return db.error();
    return Migrations::currentVersion(*db.value());
}

int CommandContext::fail(const Error &error)
{
    const ExitCode code = ExitCodes::forErrorKind(error.kind);
    m_out.error(error.message);
    if (!m_hint.isEmpty())
        m_out.note(m_hint);
    if (m_out.isJson())
        m_out.json(errorDocument(code, ExitCodes::kindName(error.kind), error.message));
    return ExitCodes::value(code);
}

int CommandContext::usageError(const QString &message)
{
    m_out.error(message);
    m_out.note(QStringLiteral("Run 'fleetctl %1 --help' for usage.").arg(m_commandPath));
    if (m_out.isJson())
        m_out.json(errorDocument(ExitCode::Usage, QStringLiteral("usage"), message));
    return ExitCodes::value(ExitCode::Usage);
}

} // namespace fleet
