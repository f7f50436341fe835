#pragma once

#include <QString>

class QCoreApplication;

namespace fleet {

// What fleetdesk was asked to do on its command line.
struct CommandLine
{
    QString workspacePath;  // --workspace, else Workspace::defaultPath()
    QString operatorName;   // --operator, else the saved one
    QString screenshotPath; // --screenshot: render the main window to this PNG and exit
    bool seedDemo = true;   // off with --no-demo
    bool connect = true;    // broker and update server at start; off with --no-connect

    // Parses the application's arguments; exits with usage on --help or a bad argument.
    static CommandLine parse(const QCoreApplication &app);
};

} // namespace fleet
