#include "GlobalOptions.h"

#include "storage/Workspace.h"

#include <QCommandLineParser>

namespace fleet {

QList<QCommandLineOption> GlobalOptions::options()
{
    return {
        QCommandLineOption(
            QStringLiteral("workspace"),
            QStringLiteral("The workspace file to use (default: $FLEETDESK_WORKSPACE "
                           "if set, else %1).")
                .arg(Workspace::defaultPath()),
            QStringLiteral("PATH")),
        QCommandLineOption(QStringLiteral("json"),
                           QStringLiteral("Print the result as one JSON document on stdout, for "
                                          "scripts. Errors still go to stderr.")),
        QCommandLineOption(QStringLiteral("operator"),
                           QStringLiteral("Who is making the change, as recorded in the audit "
                                          "trail (default: the OS user)."),
                           QStringLiteral("NAME")),
        QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")},
                           QStringLiteral("Show help: for fleetctl, or for the command given.")),
        QCommandLineOption(QStringLiteral("version"), QStringLiteral("Show the version.")),
    };
}

QStringList GlobalOptions::namesTakingValue()
{
    return {QStringLiteral("workspace"), QStringLiteral("operator")};
}

QString GlobalOptions::defaultWorkspacePath()
{
    const QString fromEnvironment = qEnvironmentVariable("FLEETDESK_WORKSPACE");
    return fromEnvironment.isEmpty() ? Workspace::defaultPath() : fromEnvironment;
}

GlobalOptions GlobalOptions::fromParser(const QCommandLineParser &parser)
{
    GlobalOptions g;
    g.workspacePath = parser.isSet(QStringLiteral("workspace"))
                          ? parser.value(QStringLiteral("workspace"))
                          : defaultWorkspacePath();
    g.operatorName = parser.value(QStringLiteral("operator"));
    g.json = parser.isSet(QStringLiteral("json"));
    g.help = parser.isSet(QStringLiteral("help"));
    g.version = parser.isSet(QStringLiteral("version"));
    return g;
}

} // namespace fleet
