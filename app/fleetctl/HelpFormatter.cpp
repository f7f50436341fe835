#include "HelpFormatter.h"

#include "CommandGroup.h"
#include "ExitCode.h"
#include "GlobalOptions.h"
#include "storage/Migrations.h"

#include <QCoreApplication>

namespace fleet {

namespace {

constexpr int kTermColumn = 24; // where descriptions start in option and command lists

QString optionTerm(const QCommandLineOption &option)
{
    QStringList names;
    for (const QString &n : option.names())
        names << (n.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + n;
    QString term = names.join(QStringLiteral(", "));
    if (!option.valueName().isEmpty())
        term += QLatin1Char(' ') + option.valueName();
    return term;
}

// "  term   description", the description wrapped and aligned at kTermColumn.
QString definition(const QString &term, const QString &description)
{
    const QString lead = QStringLiteral("  ") + term;
    if (description.trimmed().isEmpty())
        return lead + QLatin1Char('\n');
    const QString body = HelpFormatter::wrap(description, kTermColumn);
    if (lead.size() + 2 <= kTermColumn)
        return lead + body.mid(lead.size());
    return lead + QLatin1Char('\n') + body;
}

QString commandWords(const CommandGroup &group, const CommandSpec &spec)
{
    return spec.name.isEmpty() ? group.name() : group.name() + QLatin1Char(' ') + spec.name;
}

} // namespace

QString HelpFormatter::wrap(const QString &text, int indent)
{
    const QString pad(indent, QLatin1Char(' '));
    QStringList lines;
    const QStringList paragraphs = text.split(QLatin1Char('\n'));
    for (const QString &paragraph : paragraphs) {
        if (paragraph.trimmed().isEmpty()) {
            lines << QString();
            continue;
        }
        // Keep a paragraph's own leading spaces (indented examples, lists).
        qsizetype own = 0;
        while (own < paragraph.size() && paragraph.at(own) == QLatin1Char(' '))
            ++own;
        const QString linePad = pad + QString(own, QLatin1Char(' '));
        QString line = linePad;
        bool empty = true;
        for (const QString &word : paragraph.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (!empty && line.size() + 1 + word.size() > kWidth) {
                lines << line;
                line = linePad;
                empty = true;
            }
            if (!empty)
                line += QLatin1Char(' ');
            line += word;
            empty = false;
        }
        lines << line;
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QString HelpFormatter::optionList(const QList<QCommandLineOption> &options)
{
    QString out;
    for (const QCommandLineOption &o : options)
        out += definition(optionTerm(o), o.description());
    return out;
}

QString HelpFormatter::version()
{
    return QStringLiteral("fleetctl %1 (workspace schema version %2)\n")
        .arg(QCoreApplication::applicationVersion())
        .arg(Migrations::latestVersion());
}

QString HelpFormatter::topLevel(const std::vector<std::unique_ptr<CommandGroup>> &groups)
{
    QString out =
        QStringLiteral("fleetctl - keep an IoT device fleet inventoried from the command line\n\n"
                       "Usage: fleetctl COMMAND [SUBCOMMAND] [options] [arguments]\n\n");
    out += wrap(QStringLiteral("Everything Fleetdesk can do, fleetctl can do, on the same "
                               "workspace file, also while Fleetdesk has it open. Every change "
                               "is recorded in the workspace's audit trail."),
                0);
    out += QStringLiteral("\nCommands:\n");
    for (const auto &group : groups) {
        for (const CommandSpec &spec : group->commands())
            out += definition(commandWords(*group, spec), spec.summary);
    }
    out += QStringLiteral("\nGlobal options (accepted by every command):\n");
    out += optionList(GlobalOptions::options());
    out += QStringLiteral("\n");
    out += wrap(QStringLiteral("Run 'fleetctl COMMAND SUBCOMMAND --help' (or 'fleetctl help "
                               "COMMAND SUBCOMMAND') for a command's options and examples."),
                0);
    out += QStringLiteral("\n") + ExitCodes::helpSection();
    return out;
}

QString HelpFormatter::group(CommandGroup &group)
{
    QString out =
        QStringLiteral("Usage: fleetctl %1 SUBCOMMAND [options] [arguments]\n\n").arg(group.name());
    out += wrap(group.summary(), 0);
    out += QStringLiteral("\nSubcommands:\n");
    for (const CommandSpec &spec : group.commands())
        out += definition(spec.name, spec.summary);
    out += QStringLiteral("\n");
    out += wrap(QStringLiteral("Run 'fleetctl %1 SUBCOMMAND --help' for a subcommand's options.")
                    .arg(group.name()),
                0);
    return out;
}

QString HelpFormatter::usageLine(const QString &commandPath, const CommandSpec &spec)
{
    QString line = QStringLiteral("fleetctl %1").arg(commandPath);
    if (!spec.options.isEmpty())
        line += QStringLiteral(" [options]");
    for (const CommandSpec::Argument &a : spec.arguments) {
        QString term = a.name;
        if (a.repeatable)
            term += QStringLiteral("...");
        if (!a.required)
            term = QLatin1Char('[') + term + QLatin1Char(']');
        line += QLatin1Char(' ') + term;
    }
    return line;
}

QString HelpFormatter::command(const QString &commandPath, const CommandSpec &spec)
{
    QString out = QStringLiteral("Usage: %1\n\n").arg(usageLine(commandPath, spec));
    out += wrap(spec.description.isEmpty() ? spec.summary : spec.description, 0);
    if (!spec.arguments.isEmpty()) {
        out += QStringLiteral("\nArguments:\n");
        for (const CommandSpec::Argument &a : spec.arguments)
            out += definition(a.name, a.description);
    }
    if (!spec.options.isEmpty()) {
        out += QStringLiteral("\nOptions:\n");
        out += optionList(spec.options);
    }
    // Only named here: their descriptions are in 'fleetctl --help', and repeating them on every
    // command would bury the command's own options.
    out += QStringLiteral("\n");
    out += wrap(QStringLiteral("Global options: --workspace PATH, --json, --operator NAME, "
                               "--help (see 'fleetctl --help')."),
                0);
    if (!spec.examples.isEmpty()) {
        out += QStringLiteral("\nExamples:\n");
        for (const QString &example : spec.examples)
            out += QStringLiteral("  fleetctl %1\n").arg(example);
    }
    out += QStringLiteral("\nExit codes are listed in 'fleetctl --help'.\n");
    return out;
}

} // namespace fleet
