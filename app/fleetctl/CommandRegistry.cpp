#include "CommandRegistry.h"

#include "CommandContext.h"
#include "ExitCode.h"
#include "GlobalOptions.h"
#include "HelpFormatter.h"
#include "Output.h"

#include <QCommandLineParser>

namespace fleet {

namespace {

bool hasHelpFlag(const QStringList &arguments)
{
    return arguments.contains(QStringLiteral("--help")) || arguments.contains(QStringLiteral("-h"));
}

QStringList subcommandNames(const QList<CommandSpec> &specs)
{
    QStringList names;
    for (const CommandSpec &s : specs)
        names << s.name;
    return names;
}

} // namespace

CommandRegistry::CommandRegistry(const Clock &clock)
    : m_clock(clock)
{}

void CommandRegistry::add(std::unique_ptr<CommandGroup> group)
{
    m_groups.push_back(std::move(group));
}

CommandGroup *CommandRegistry::findGroup(const QString &name) const
{
    for (const auto &g : m_groups)
        if (g->name() == name)
            return g.get();
    return nullptr;
}

QList<qsizetype> CommandRegistry::commandWordIndexes(const QStringList &arguments, int maxWords)
{
    const QStringList valued = GlobalOptions::namesTakingValue();
    QList<qsizetype> words;
    for (qsizetype i = 1; i < arguments.size() && words.size() < maxWords; ++i) {
        const QString &a = arguments.at(i);
        if (a == QLatin1String("--"))
            break;
        if (a.startsWith(QLatin1Char('-')) && a.size() > 1) {
            if (a.startsWith(QLatin1String("--")) && !a.contains(QLatin1Char('=')) &&
                valued.contains(a.mid(2)))
                ++i; // "--workspace PATH": PATH is not a command word
            continue;
        }
        words << i;
    }
    return words;
}

int CommandRegistry::usageError(Output &out, const QString &message, const QString &helpCommand)
{
    out.error(message);
    out.note(QStringLiteral("Run '%1 --help' for usage.").arg(helpCommand));
    if (out.isJson())
        out.json(CommandContext::errorDocument(ExitCode::Usage, QStringLiteral("usage"), message));
    return ExitCodes::value(ExitCode::Usage);
}

int CommandRegistry::run(const QStringList &arguments)
{
    // Decided before parsing, so that even a malformed command line gets its error in the form
    // the caller asked for.
    Output out(arguments.contains(QStringLiteral("--json")));

    QList<qsizetype> words = commandWordIndexes(arguments, 3);
    if (!words.isEmpty() && arguments.at(words[0]) == QLatin1String("help")) {
        // `fleetctl help audit verify` is `fleetctl audit verify --help`.
        QStringList asHelp = arguments;
        asHelp.removeAt(words[0]);
        asHelp << QStringLiteral("--help");
        return run(asHelp);
    }
    words = words.mid(0, 2);
    if (words.isEmpty())
        return runTopLevel(arguments, out);

    const QString groupName = arguments.at(words[0]);
    CommandGroup *group = findGroup(groupName);
    if (!group)
        return usageError(out, QStringLiteral("Unknown command '%1'.").arg(groupName),
                          QStringLiteral("fleetctl"));

    const QList<CommandSpec> specs = group->commands();
    QStringList rest = arguments;
    if (specs.size() == 1 && specs.first().name.isEmpty()) {
        rest.removeAt(words[0]);
        return runCommand(groupName, specs.first(), rest, out);
    }
    if (words.size() < 2) {
        if (hasHelpFlag(arguments)) {
            out.raw(HelpFormatter::group(*group).toUtf8());
            return ExitCodes::value(ExitCode::Ok);
        }
        return usageError(out,
                          QStringLiteral("'fleetctl %1' needs a subcommand: %2.")
                              .arg(groupName, subcommandNames(specs).join(QStringLiteral(", "))),
                          QStringLiteral("fleetctl %1").arg(groupName));
    }
    const QString subName = arguments.at(words[1]);
    for (const CommandSpec &spec : specs) {
        if (spec.name != subName)
            continue;
        rest.removeAt(words[1]);
        rest.removeAt(words[0]);
        return runCommand(groupName + QLatin1Char(' ') + subName, spec, rest, out);
    }
    return usageError(
        out,
        QStringLiteral("Unknown subcommand '%1 %2'; '%1' has: %3.")
            .arg(groupName, subName, subcommandNames(specs).join(QStringLiteral(", "))),
        QStringLiteral("fleetctl %1").arg(groupName));
}

int CommandRegistry::runTopLevel(const QStringList &arguments, Output &out)
{
    QCommandLineParser parser;
    parser.addOptions(GlobalOptions::options());
    if (!parser.parse(arguments))
        return usageError(out, parser.errorText(), QStringLiteral("fleetctl"));
    const GlobalOptions globals = GlobalOptions::fromParser(parser);
    if (globals.version) {
        out.raw(HelpFormatter::version().toUtf8());
        return ExitCodes::value(ExitCode::Ok);
    }
    const QString help = HelpFormatter::topLevel(m_groups);
    if (globals.help) {
        out.raw(help.toUtf8());
        return ExitCodes::value(ExitCode::Ok);
    }
    // A bare `fleetctl` is someone finding their way: show what there is, but as a usage error
    // so that a script that lost its arguments does not carry on as if it had succeeded.
    out.note(help);
    if (out.isJson())
        out.json(CommandContext::errorDocument(ExitCode::Usage, QStringLiteral("usage"),
                                               QStringLiteral("No command given.")));
    return ExitCodes::value(ExitCode::Usage);
}

int CommandRegistry::runCommand(const QString &commandPath, const CommandSpec &spec,
                                const QStringList &arguments, Output &out)
{
    const QString helpCommand = QStringLiteral("fleetctl ") + commandPath;
    QCommandLineParser parser;
    parser.addOptions(GlobalOptions::options());
    parser.addOptions(spec.options);
    if (!parser.parse(arguments))
        return usageError(out, parser.errorText(), helpCommand);
    const GlobalOptions globals = GlobalOptions::fromParser(parser);
    if (globals.help) {
        out.raw(HelpFormatter::command(commandPath, spec).toUtf8());
        return ExitCodes::value(ExitCode::Ok);
    }
    if (globals.version) {
        out.raw(HelpFormatter::version().toUtf8());
        return ExitCodes::value(ExitCode::Ok);
    }

    const QStringList positional = parser.positionalArguments();
    if (positional.size() < spec.minimumArguments()) {
        QStringList missing;
        for (qsizetype i = positional.size(); i < spec.arguments.size(); ++i)
            if (spec.arguments[i].required)
                missing << spec.arguments[i].name;
        return usageError(out,
                          QStringLiteral("Missing argument %1. Usage: %2")
                              .arg(missing.join(QStringLiteral(", ")),
                                   HelpFormatter::usageLine(commandPath, spec)),
                          helpCommand);
    }
    const qsizetype maximum = spec.maximumArguments();
    if (maximum >= 0 && positional.size() > maximum)
        return usageError(
            out,
            QStringLiteral("Unexpected argument '%1'. Usage: %2")
                .arg(positional.at(maximum), HelpFormatter::usageLine(commandPath, spec)),
            helpCommand);

    CommandContext context(commandPath, parser, globals, out, m_clock);
    const int code = spec.run(context);
    out.flush();
    return code;
}

} // namespace fleet
