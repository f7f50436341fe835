#include "DisplayCheck.h"

#include <QtGlobal>
#include <cstring>

namespace fleet {

bool DisplayCheck::displayAvailable(int argc, char **argv)
{
#ifdef Q_OS_LINUX
    if (!qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        return true;
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "-platform") == 0 || std::strcmp(argv[i], "--platform") == 0)
            return true;
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
#else
    Q_UNUSED(argc);
    Q_UNUSED(argv);
    return true;
#endif
}

QString DisplayCheck::advice()
{
    return QStringLiteral(
        "fleetdesk: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
        "Fleetdesk is a desktop application. On a machine without a screen, run it under a\n"
        "virtual X server:\n"
        "    xvfb-run -a fleetdesk\n"
        "or, to only render a screenshot of the main window:\n"
        "    QT_QPA_PLATFORM=offscreen fleetdesk --screenshot window.png\n"
        "For scripting and servers, fleetctl does everything without a display.\n");
}

} // namespace fleet
