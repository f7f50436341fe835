#pragma once

#include "CommandGroup.h"

#include <QStringList>
#include <memory>
#include <vector>

namespace fleet {

class Clock;
class Output;

// Finds the command named by the first words of the command line, parses its options together
// with the global ones, answers --help and --version, and runs it. Global options may come
// before or after the command words: `fleetctl --json inventory list` and
// `fleetctl inventory list --json` are the same.
class CommandRegistry
{
public:
    explicit CommandRegistry(const Clock &clock);
    void add(std::unique_ptr<CommandGroup> group);
    // `arguments` as QCoreApplication::arguments(): the program first. Returns the exit code.
    int run(const QStringList &arguments);

private:
    // Indexes (into `arguments`) of the first `maxWords` words that are not options or values
    // of global options.
    static QList<qsizetype> commandWordIndexes(const QStringList &arguments, int maxWords);
    CommandGroup *findGroup(const QString &name) const;
    int runTopLevel(const QStringList &arguments, Output &out);
    int runCommand(const QString &commandPath, const CommandSpec &spec,
                   const QStringList &arguments, Output &out);
    static int usageError(Output &out, const QString &message, const QString &helpCommand);

    const Clock &m_clock;
    std::vector<std::unique_ptr<CommandGroup>> m_groups;
};

} // namespace fleet
