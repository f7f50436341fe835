#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

namespace fleet {

class CommandContext;

// One runnable command ("inventory list"): what --help says about it, the options and
// arguments it accepts, and the function that runs it and returns the exit code.
struct CommandSpec
{
    struct Argument
    {
        QString name; // as shown in the usage line: "UID", "FILE"
        QString description;
        bool required = true;
        bool repeatable = false; // "UID..."
    };

    QString name;        // the subcommand word; empty when the group itself is the command
    QString summary;     // one line, for the command lists
    QString description; // what --help explains above the options
    QList<Argument> arguments;
    QList<QCommandLineOption> options;
    QStringList examples; // command lines without the leading "fleetctl "
    std::function<int(CommandContext &)> run;

    qsizetype minimumArguments() const;
    qsizetype maximumArguments() const; // -1: unlimited
};

} // namespace fleet
