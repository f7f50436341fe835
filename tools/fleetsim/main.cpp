// fleetsim: simulates a fleet of devices speaking the Fleetdesk device protocol.
// See docs/fleetsim.md.

#include "FleetSimulator.h"
#include "SimulatorOptions.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTextStream>
#include <QTimer>
#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int signalPipe[2] = {-1, -1};

// The only thing a signal handler may safely do here: wake the event loop.
void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(signalPipe[1], &byte, 1);
}

void printLine(FILE *stream, const QString &line)
{
    std::fputs(line.toLocal8Bit().constData(), stream);
    std::fputc('\n', stream);
    std::fflush(stream);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fleetsim"));

    auto options = fleet::sim::SimulatorOptions::parse(QCoreApplication::arguments());
    if (!options) {
        const bool help = options.error().kind == fleet::Error::Kind::NotFound;
        printLine(help ? stdout : stderr,
                  help ? options.message() : QStringLiteral("fleetsim: ") + options.message());
        return help ? 0 : 2;
    }
    if (const QString warning = fleet::sim::FleetSimulator::raiseFileLimit(options->count);
        !warning.isEmpty())
        printLine(stderr, QStringLiteral("fleetsim: warning: ") + warning);

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0) {
        printLine(stderr, QStringLiteral("fleetsim: cannot set up signal handling"));
        return 1;
    }
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    fleet::sim::FleetSimulator simulator(options.value());
    QObject::connect(&simulator, &fleet::sim::FleetSimulator::summary, &app,
                     [](const QString &line) { printLine(stdout, line); });
    QObject::connect(
        &simulator, &fleet::sim::FleetSimulator::problem, &app,
        [](const QString &message) { printLine(stderr, QStringLiteral("fleetsim: ") + message); });
    QObject::connect(&simulator, &fleet::sim::FleetSimulator::allStopped, &app, [&simulator] {
        printLine(stdout, simulator.summaryLine());
        QCoreApplication::quit();
    });

    QSocketNotifier signalNotifier(signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [&simulator] {
        char byte = 0;
        [[maybe_unused]] const auto got = ::read(signalPipe[0], &byte, 1);
        printLine(stdout, QStringLiteral("fleetsim: stopping: devices go offline cleanly"));
        simulator.shutDown();
    });
    if (options->durationSeconds > 0)
        QTimer::singleShot(options->durationSeconds * 1000, &simulator,
                           [&simulator] { simulator.shutDown(); });

    if (fleet::Status started = simulator.start(); !started) {
        printLine(stderr, QStringLiteral("fleetsim: ") + started.message());
        return 2;
    }
    if (!options->quiet)
        printLine(stdout, QStringLiteral("fleetsim: starting %1 devices against %2")
                              .arg(options->count)
                              .arg(options->broker.url()));
    return app.exec();
}
