#pragma once

#include "CommandSpec.h"

#include <QList>
#include <QString>
#include <memory>
#include <vector>

namespace fleet {

class CommandGroup;

// The --help texts: for fleetctl as a whole, for a command group, and for one command. Written
// by hand rather than by QCommandLineParser::helpText() so that every level reads the same way
// and shows the full command words ("fleetctl audit verify") instead of the binary's path.
class HelpFormatter
{
public:
    static constexpr int kWidth = 80;

    static QString topLevel(const std::vector<std::unique_ptr<CommandGroup>> &groups);
    static QString group(CommandGroup &group);
    static QString command(const QString &commandPath, const CommandSpec &spec);
    // "fleetctl inventory list [options] [FILE]"
    static QString usageLine(const QString &commandPath, const CommandSpec &spec);

    // Word-wraps `text` to kWidth, indenting every line by `indent` spaces; keeps blank lines
    // between paragraphs.
    static QString wrap(const QString &text, int indent);
    // "  --limit N              Show at most N devices ..." with the description wrapped.
    static QString optionList(const QList<QCommandLineOption> &options);
    static QString version();
};

} // namespace fleet
