#include "CommandLine.h"

#include "storage/Workspace.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace fleet {

CommandLine CommandLine::parse(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "fleet::CommandLine",
        "Keep IoT device fleets inventoried, updated, patched and compliant."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption workspace(
        QStringLiteral("workspace"),
        QCoreApplication::translate("fleet::CommandLine",
                                    "Open the workspace at <path> (created if missing)."),
        QStringLiteral("path"), Workspace::defaultPath());
    const QCommandLineOption operatorName(
        QStringLiteral("operator"),
        QCoreApplication::translate("fleet::CommandLine",
                                    "Record changes in the audit trail under <name>."),
        QStringLiteral("name"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("fleet::CommandLine",
                                    "Show the main window, save it to <file.png> once the "
                                    "device table has loaded, and exit."),
        QStringLiteral("file.png"));
    const QCommandLineOption noDemo(
        QStringLiteral("no-demo"),
        QCoreApplication::translate("fleet::CommandLine",
                                    "Leave a newly created workspace empty instead of filling "
                                    "it with a demo fleet."));
    const QCommandLineOption noConnect(
        QStringLiteral("no-connect"),
        QCoreApplication::translate("fleet::CommandLine",
                                    "Do not connect to the workspace's active MQTT broker or "
                                    "start its update server at start (the Settings menu does "
                                    "both later)."));
    parser.addOptions({workspace, operatorName, screenshot, noDemo, noConnect});
    parser.process(app);

    CommandLine c;
    c.workspacePath = parser.value(workspace);
    c.operatorName = parser.value(operatorName);
    c.screenshotPath = parser.value(screenshot);
    c.seedDemo = !parser.isSet(noDemo);
    c.connect = !parser.isSet(noConnect);
    return c;
}

} // namespace fleet
