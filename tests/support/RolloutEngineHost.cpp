// A process that runs the rollout engine on a workspace and nothing else: RolloutEngineRunner on
// the system clock, as the window's engine thread and `fleetctl serve` run it. It exists so that
// tst_rolloutfleet can kill -9 a real engine process in the middle of a wave and start another
// one, which an engine living in the test's own process cannot show.
//
// Usage: rolloutenginehost <workspace> <artifact base url> <tick interval ms>
// Prints "lease held" once it runs the rollouts; problems go to stderr. Stops only when killed.
#include "rollout/RolloutEngineRunner.h"
#include "util/Clock.h"

#include <QCoreApplication>
#include <QStringList>
#include <QUrl>
#include <cstdio>

using namespace fleet;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    bool intervalOk = false;
    const int intervalMs = args.size() == 4 ? args.at(3).toInt(&intervalOk) : 0;
    if (args.size() != 4 || !intervalOk || intervalMs < 10) {
        std::fprintf(stderr,
                     "usage: rolloutenginehost <workspace> <artifact base url> <interval ms>\n");
        return 2;
    }
    RolloutEngineRunner::Options options;
    options.intervalMs = intervalMs;
    options.holder = QStringLiteral("rolloutenginehost");
    options.artifactBaseUrl = QUrl(args.at(2));
    RolloutEngineRunner runner(args.at(1), SystemClock::instance(), options);
    QObject::connect(&runner, &RolloutEngineRunner::problem, [](const QString &message) {
        std::fprintf(stderr, "rolloutenginehost: %s\n", qUtf8Printable(message));
    });
    // The test waits for this line before it counts on the engine running.
    QObject::connect(
        &runner, &RolloutEngineRunner::leaseChanged, [](bool held, const QString &holder) {
            std::printf("lease %s (%s)\n", held ? "held" : "waiting", qUtf8Printable(holder));
            std::fflush(stdout);
        });
    if (Status started = runner.start(); !started) {
        std::fprintf(stderr, "rolloutenginehost: %s\n", qUtf8Printable(started.message()));
        return 1;
    }
    return app.exec();
}
