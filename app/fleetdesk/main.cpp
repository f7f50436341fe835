// Fleetdesk: the desktop application.
#include "CommandLine.h"
#include "DisplayCheck.h"
#include "MainWindow.h"
#include "ScreenshotTaker.h"
#include "common/OperatorSettings.h"
#include "settings/ConnectionController.h"
#include "demo/DemoFleet.h"
#include "storage/WorkspaceSession.h"
#include "util/Clock.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QTranslator>
#include <cstdio>

using namespace fleet;

namespace {

void installTranslators(QApplication &app)
{
    auto *qt = new QTranslator(&app);
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
    auto *own = new QTranslator(&app);
    if (own->load(QLocale(), QStringLiteral("fleetdesk"), QStringLiteral("_"),
                  QStringLiteral(":/i18n")))
        QApplication::installTranslator(own);
}

// Before the event loop runs, a failure is reported on stderr when taking a screenshot
// (nobody is watching) and in a message box otherwise.
int reportStartupError(const CommandLine &options, const QString &message)
{
    if (!options.screenshotPath.isEmpty()) {
        std::fprintf(stderr, "fleetdesk: %s\n", qUtf8Printable(message));
    } else {
        QMessageBox box(QMessageBox::Critical, QObject::tr("Fleetdesk"), message);
        box.exec(); // the only window: nothing else is running yet
    }
    return 1;
}

} // namespace

int main(int argc, char *argv[])
{
    // --help and --version only print: they need no screen, so run them offscreen.
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v" ||
            arg == "--version")
            qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    if (!DisplayCheck::displayAvailable(argc, argv)) {
        std::fputs(qUtf8Printable(DisplayCheck::advice()), stderr);
        return 2;
    }

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Fleetdesk"));
    QApplication::setApplicationName(QStringLiteral("Fleetdesk"));
    QApplication::setApplicationVersion(QStringLiteral(FLEETDESK_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/fleetdesk.svg")));
    installTranslators(app);

    const CommandLine options = CommandLine::parse(app);
    const QString operatorName =
        options.operatorName.isEmpty() ? OperatorSettings::load() : options.operatorName;

    QDir().mkpath(QFileInfo(options.workspacePath).absolutePath());
    // The whole-file integrity check runs after the window shows (see MainWindow); a screenshot
    // is taken of a checked workspace, so it waits for the check instead.
    Workspace::OpenOptions openOptions;
    openOptions.deferIntegrityCheck = options.screenshotPath.isEmpty();
    auto session = WorkspaceSession::open(options.workspacePath, openOptions,
                                          SystemClock::instance(), Actor::current(operatorName));
    if (!session)
        return reportStartupError(options, QObject::tr("Cannot open the workspace %1:\n%2")
                                               .arg(options.workspacePath, session.message()));
    if (session.value()->workspace().wasCreated() && options.seedDemo) {
        if (Status s = DemoFleet::seed(session.value()->db(), session.value()->audit(),
                                       session.value()->clock());
            !s)
            return reportStartupError(
                options, QObject::tr("Cannot fill the new workspace with the demo fleet:\n%1")
                             .arg(s.message()));
    }

    MainWindow window(*session.value());
    window.show();
    // Like any client, the window goes back to the broker it was last told to use. A screenshot
    // shows the workspace as it is on disk, not what a live broker happens to send.
    if (options.connect && options.screenshotPath.isEmpty())
        window.connectToBrokerIfActive();
    // The update server starts with the window when its settings say so (--no-connect: not).
    if (options.connect && options.screenshotPath.isEmpty())
        window.startUpdateServerIfEnabled();

    ScreenshotTaker screenshot(window, options.screenshotPath);
    if (!options.screenshotPath.isEmpty())
        screenshot.start();
    return QApplication::exec();
}
