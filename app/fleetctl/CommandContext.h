#pragma once

#include "ExitCode.h"
#include "GlobalOptions.h"
#include "Output.h"
#include "audit/Actor.h"
#include "storage/WorkspaceSession.h"
#include "util/Result.h"

#include <QCommandLineParser>
#include <QStringList>
#include <memory>

namespace fleet {

class Clock;

// What a running command works with: its parsed options and arguments, the global options,
// the output, and the workspace. Also the one place that turns errors into messages and exit
// codes, so every command reports failures the same way.
class CommandContext
{
public:
    enum class Access {
        ReadOnly, // list, show, export, verify, check, backup: never writes, never creates
        ReadWrite,
    };

    CommandContext(QString commandPath, const QCommandLineParser &parser, GlobalOptions globals,
                   Output &output, const Clock &clock);

    // "inventory list": used in messages and help hints.
    const QString &commandPath() const { return m_commandPath; }
    Output &out() { return m_out; }
    const Clock &clock() const { return m_clock; }
    const GlobalOptions &globals() const { return m_globals; }
    QString workspacePath() const { return m_globals.workspacePath; }
    Actor actor() const;

    QStringList arguments() const { return m_parser.positionalArguments(); }
    QString argument(qsizetype index) const { return arguments().value(index); }
    bool isSet(const QString &option) const { return m_parser.isSet(option); }
    QString value(const QString &option) const { return m_parser.value(option); }
    QStringList values(const QString &option) const { return m_parser.values(option); }
    // A whole number option within [minimum, maximum]; `fallback` when not given. The error
    // is a usage error message.
    Result<qint64> integerOption(const QString &option, qint64 fallback, qint64 minimum,
                                 qint64 maximum) const;

    // Opens the workspace named by --workspace. Never creates one. A damaged workspace opens
    // read-only with a warning on stderr; asked for ReadWrite it is refused. ReadWrite upgrades
    // an older schema (keeping a copy of the file); ReadOnly refuses it.
    Result<std::unique_ptr<WorkspaceSession>> openSession(Access access);
    // PRAGMA user_version of the workspace file, read without any of Workspace::open's checks.
    Result<int> schemaVersionOnDisk() const;

    // Reports `error` (stderr, and a JSON error document with --json) and returns its exit code.
    int fail(const Error &error);
    // Same for a mistake in the command line: exit code 2, with a pointer to --help.
    int usageError(const QString &message);

    // The error document printed on stdout with --json, for scripts.
    static QJsonObject errorDocument(ExitCode code, const QString &kind, const QString &message);

private:
    QString m_commandPath;
    const QCommandLineParser &m_parser;
    GlobalOptions m_globals;
    Output &m_out;
    const Clock &m_clock;
    QString m_hint; // what to do about the last openSession() failure, printed by fail() //
                    // openSession() found no workspace: fail() says how to make one
};

} // namespace fleet
