#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QString>

class QCommandLineParser;

namespace fleet {

// The options every fleetctl command accepts, before or after the command words:
// --workspace, --json, --operator, --help and --version.
class GlobalOptions
{
public:
    static QList<QCommandLineOption> options();
    // Names of the global options that take a value: the dispatcher must skip their values
    // when it looks for the command words.
    static QStringList namesTakingValue();
    // Read from a parser that the options() were added to.
    static GlobalOptions fromParser(const QCommandLineParser &parser);
    // --workspace, else $FLEETDESK_WORKSPACE, else Workspace::defaultPath().
    static QString defaultWorkspacePath();

    QString workspacePath;
    QString operatorName;
    bool json = false;
    bool help = false;
    bool version = false;
};

} // namespace fleet
