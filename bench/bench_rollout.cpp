// Rollout orchestration throughput (docs/benchmarks.md, B6; issue #5): the rollout engine starts
// and follows a rollout of --devices devices (100,000) in waves of 1 %, 10 % and the rest,
// against simulated devices that answer through the same tables the update server and the
// ingest write (each device: downloading, installing, then succeeded or, for 2 %, failed).
//
// Measured, on the engine's ticks only (the simulated devices' SQL is not counted):
//   - devices started per minute of wall time, target >= 10,000 (ten times AWS IoT Jobs'
//     default rollout rate);
//   - engine CPU per device, and resident memory growth over the run;
//   - the reference, in the same run: ReleaseAssigner handing the same release to the same
//     devices in batches of the engine's size, without any rollout bookkeeping (the job rows
//     and audit entries a rollout needs anyway). Ratio = reference time / engine time for
//     starting every device.
// The engine runs on a manual clock advanced one second per tick, so windows and the rate
// limiter behave as in production while the benchmark runs as fast as the machine allows.
//
//   bench_rollout [--devices 100000] [--quick] [--no-assert]

#include "audit/AuditLog.h"
#include "firmware/FirmwareCatalog.h"
#include "firmware/FirmwareManifest.h"
#include "inventory/DeviceRepository.h"
#include "jobs/ReleaseAssigner.h"
#include "rollout/JobRolloutTransport.h"
#include "rollout/RolloutControl.h"
#include "rollout/RolloutEngine.h"
#include "rollout/RolloutService.h"
#include "rollout/TestPassStore.h"
#include "storage/SqliteDatabase.h"
#include "storage/Workspace.h"
#include "util/Clock.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <cstdio>
#include <ctime>

using namespace fleet;

namespace {

[[noreturn]] void fail(const QString &message)
{
    std::fprintf(stderr, "bench_rollout: %s\n", qUtf8Printable(message));
    std::exit(1);
}

template<typename T> T must(Result<T> r, const char *what)
{
    if (!r)
        fail(QStringLiteral("%1: %2").arg(QLatin1String(what), r.message()));
    return std::move(r.value());
}

void must(const Status &s, const char *what)
{
    if (!s)
        fail(QStringLiteral("%1: %2").arg(QLatin1String(what), s.message()));
}

void say(const QString &text)
{
    std::printf("%s\n", qUtf8Printable(text));
    std::fflush(stdout);
}

double residentMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return 0;
}

double cpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

// One step of every simulated device, as one transaction: a job the engine created starts
// downloading, a download goes on to installing, an install ends (every 50th fails), and a
// device that succeeded reports the new version and good health.
void simulateDevices(SqliteDatabase &db, qint64 nowMs, const QString &version)
{
    SqliteTransaction tx(db);
    must(tx.beginStatus(), "begin simulation");
    must(db.execute(QStringLiteral("UPDATE jobs SET state = CASE WHEN id % 50 = 0 THEN 'failed' "
                                   "ELSE 'succeeded' END, reason = CASE WHEN id % 50 = 0 THEN "
                                   "'flash write error (simulated)' ELSE '' END, updated_ms = ?, "
                                   "finished_ms = ? WHERE state = 'installing'"),
                    {nowMs, nowMs}),
         "installs end");
    must(
        db.execute(QStringLiteral("UPDATE devices SET fw_version = ?, health = 'ok', last_seen = ? "
                                  "WHERE id IN (SELECT device_id FROM jobs WHERE state = "
                                  "'succeeded' AND finished_ms = ?)"),
                   {version, nowMs, nowMs}),
        "versions");
    must(db.execute(QStringLiteral("UPDATE jobs SET state = 'installing', updated_ms = ? WHERE "
                                   "state = 'downloading'"),
                    {nowMs}),
         "downloads end");
    must(db.execute(QStringLiteral("UPDATE jobs SET state = 'downloading', updated_ms = ? WHERE "
                                   "state IN ('created', 'sent')"),
                    {nowMs}),
         "downloads start");
    must(tx.commit(), "commit simulation");
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    p.addOption(QCommandLineOption(QStringLiteral("devices"), QStringLiteral("Devices."),
                                   QStringLiteral("N"), QStringLiteral("100000")));
    p.addOption(QCommandLineOption(QStringLiteral("quick"),
                                   QStringLiteral("A small run that checks the benchmark works.")));
    p.addOption(QCommandLineOption(QStringLiteral("no-assert"),
                                   QStringLiteral("Do not fail when a target is missed.")));
    p.process(app);
    const bool quick = p.isSet(QStringLiteral("quick"));
    const int devices = quick ? 2000 : p.value(QStringLiteral("devices")).toInt();
    const int perTick = 2000; // the engine's default cap per rollout and tick
    constexpr double targetPerMinute = 10'000;

    QTemporaryDir dir;
    const QString wsPath = dir.filePath(QStringLiteral("bench.fleetdesk"));
    auto ws = must(Workspace::open(wsPath), "workspace");
    SqliteDatabase &db = ws->db();
    ManualClock clock(QDateTime(QDate(2026, 11, 25), QTime(1, 0), Qt::UTC));
    AuditLog audit(db, clock, Actor::current(QStringLiteral("bench")), ws->auditHeadPath());

    QElapsedTimer setup;
    setup.start();
    QList<qint64> ids;
    {
        SqliteTransaction tx(db);
        DeviceRepository repo(db);
        for (int i = 0; i < devices; ++i) {
            Device d;
            d.uid = QStringLiteral("gw-%1").arg(i, 6, 10, QLatin1Char('0'));
            d.name = d.uid;
            d.model = QStringLiteral("GW-4000");
            d.fwVersion = QStringLiteral("1.0.0");
            d.connection = QStringLiteral("ddi");
            d.state = QStringLiteral("active");
            ids << must(repo.upsert(d), "device").id;
        }
        must(tx.commit(), "commit devices");
    }
    const QString artifact = dir.filePath(QStringLiteral("artifact.bin"));
    {
        QFile f(artifact);
        if (!f.open(QIODevice::WriteOnly) || f.write(QByteArray(64 * 1024, 'F')) != 64 * 1024)
            fail(QStringLiteral("cannot write the artifact"));
    }
    FirmwareCatalog catalog(db, audit, wsPath);
    FirmwareCatalog::ImportOptions import;
    FirmwareManifest manifest;
    manifest.name = QStringLiteral("bench");
    manifest.versionText = QStringLiteral("2.0.0");
    manifest.version = must(SemanticVersion::parse(manifest.versionText), "version");
    manifest.models = {QStringLiteral("GW-4000")};
    import.manifest = manifest;
    const auto imported = must(catalog.importFile(artifact, import), "import");
    must(catalog.signingKeys().create("bench passphrase"), "signing key");
    const Release release =
        must(catalog.approve(imported.release.id, QByteArray("bench passphrase")), "approve");
    const auto key = must(catalog.signingKeys().unlock("bench passphrase"), "unlock");
    TestPassStore passes(db, audit);
    must(passes.record(release.id, TestPassRecord::Source::Bench, QStringLiteral("bench"), key),
         "test pass");
    say(QStringLiteral("bench_rollout: %1 devices, set up in %2 s")
            .arg(devices)
            .arg(double(setup.elapsed()) / 1000.0, 0, 'f', 1));

    // Reference: the same hand-off without a rollout, in the engine's batch size.
    double referenceSeconds = 0;
    {
        ReleaseAssigner assigner(db, audit);
        QElapsedTimer t;
        t.start();
        for (qsizetype i = 0; i < ids.size(); i += perTick) {
            AssignmentRequest request;
            request.releaseId = release.id;
            request.deviceIds = ids.mid(i, perTick);
            request.origin = QStringLiteral("bench");
            const auto outcome = must(assigner.assign(request), "reference assign");
            if (outcome.assigned.size() != request.deviceIds.size())
                fail(QStringLiteral("the reference assigned %1 of %2")
                         .arg(outcome.assigned.size())
                         .arg(request.deviceIds.size()));
        }
        referenceSeconds = double(t.nsecsElapsed()) / 1e9;
        // The reference's jobs go, so the rollout finds every device free.
        must(db.execute(QStringLiteral("DELETE FROM job_events")), "clean events");
        must(db.execute(QStringLiteral("DELETE FROM jobs")), "clean jobs");
    }

    QElapsedTimer planning;
    planning.start();
    RolloutPlanSpec plan;
    plan.split = must(WaveSplit::byCumulativePercent({1, 10, 100}), "split");
    plan.devicesPerMinute = 1'000'000; // the engine, not the plan, is what is measured
    plan.maxConcurrent = devices;
    plan.thresholds.successPercent = 95;
    plan.thresholds.abortFailurePercent = 10;
    plan.retries = RetryLimits{0, 0, 0, 0, 0};
    RolloutService service(db, audit, clock);
    const auto rollout = must(service.create(QStringLiteral("bench"), release.id, ids, {}, plan,
                                             QStringLiteral("benchmark")),
                              "create");
    const double planningSeconds = double(planning.nsecsElapsed()) / 1e9;
    RolloutControl control(db, audit, clock);
    must(control.submit(QStringLiteral("bench")), "submit");
    must(control.start(QStringLiteral("bench"), QStringLiteral("benchmark")), "start");

    JobRolloutTransport transport(db, audit, QUrl());
    RolloutEngine engine(db, audit, clock, transport);
    engine.setMaxStartsPerTick(perTick);
    const double rssBefore = residentMb();
    double rssPeak = rssBefore;
    double engineSeconds = 0;
    double engineCpu = 0;
    double secondsToStartAll = 0;
    qint64 started = 0;
    qint64 transitions = 0;
    int ticks = 0;
    QString state;
    const int maxTicks = devices / perTick * 4 + 200;
    for (; ticks < maxTicks; ++ticks) {
        QElapsedTimer t;
        t.start();
        const double cpu0 = cpuSeconds();
        const auto report = must(engine.tick(), "tick");
        engineSeconds += double(t.nsecsElapsed()) / 1e9;
        engineCpu += cpuSeconds() - cpu0;
        for (const QString &problem : report.problems)
            fail(QStringLiteral("engine problem: %1").arg(problem));
        started += report.started;
        transitions += report.transitions;
        if (started == devices && secondsToStartAll == 0)
            secondsToStartAll = engineSeconds;
        rssPeak = std::max(rssPeak, residentMb());
        state =
            must(db.scalar(QStringLiteral("SELECT state FROM rollouts WHERE id = ?"), {rollout.id}),
                 "state")
                .toString();
        if (state == QLatin1String("finished") || state == QLatin1String("stopped") ||
            state == QLatin1String("paused"))
            break;
        clock.advanceMs(1000);
        simulateDevices(db, clock.nowMs(), release.version.toString());
    }
    const qint64 succeeded =
        must(db.scalar(QStringLiteral("SELECT count(*) FROM rollout_devices WHERE state = "
                                      "'succeeded'")),
             "count")
            .toLongLong();
    const qint64 duplicates =
        must(db.scalar(QStringLiteral("SELECT count(*) FROM (SELECT device_id FROM jobs GROUP BY "
                                      "device_id HAVING count(*) > 1)")),
             "duplicates")
            .toLongLong();
    if (secondsToStartAll == 0)
        secondsToStartAll = engineSeconds;
    const double perMinute = double(started) / secondsToStartAll * 60.0;
    const double ratio = referenceSeconds / secondsToStartAll;
    say(QStringLiteral("planning: %1 devices in %2 s (targeting, waves, rows)")
            .arg(devices)
            .arg(planningSeconds, 0, 'f', 2));
    say(QStringLiteral("engine: %1 devices started in %2 s of engine time over %3 ticks: %4 "
                       "devices/min (target >= %5); rollout %6, %7 succeeded, %8 transitions, "
                       "%9 devices with two install jobs")
            .arg(started)
            .arg(secondsToStartAll, 0, 'f', 2)
            .arg(ticks + 1)
            .arg(perMinute, 0, 'f', 0)
            .arg(targetPerMinute, 0, 'f', 0)
            .arg(state)
            .arg(succeeded)
            .arg(transitions)
            .arg(duplicates));
    say(QStringLiteral("engine CPU: %1 s in all, %2 us per device; memory: %3 MB before, "
                       "peak %4 MB (+%5 MB)")
            .arg(engineCpu, 0, 'f', 2)
            .arg(engineCpu / double(std::max<qint64>(1, devices)) * 1e6, 0, 'f', 0)
            .arg(rssBefore, 0, 'f', 1)
            .arg(rssPeak, 0, 'f', 1)
            .arg(rssPeak - rssBefore, 0, 'f', 1));
    say(QStringLiteral("reference (ReleaseAssigner, same devices, batches of %1): %2 s; ratio "
                       "reference/engine %3")
            .arg(perTick)
            .arg(referenceSeconds, 0, 'f', 2)
            .arg(ratio, 0, 'f', 2));
    const bool ok = started == devices && duplicates == 0 && state == QLatin1String("finished");
    if (!ok)
        fail(QStringLiteral("the rollout did not complete cleanly (state %1, %2 of %3 started)")
                 .arg(state)
                 .arg(started)
                 .arg(devices));
    if (!p.isSet(QStringLiteral("no-assert")) && perMinute < targetPerMinute) {
        say(QStringLiteral("MISS: below %1 devices/min").arg(targetPerMinute, 0, 'f', 0));
        return 1;
    }
    return 0;
}
