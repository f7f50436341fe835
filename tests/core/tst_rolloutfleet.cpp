// The proof of issue #5 with real parts: a real mosquitto, devices simulated by the fleetsim
// executable (a separate process), the update server over HTTPS handing out signed artifact
// links, the MqttEngine that publishes the jobs and ingests the reports, and the rollout engine
// on the system clock.
// - A rollout of 1,000 devices across three waves with about 5 % injected failures pauses at
//   the configured threshold (the audit trail has the figures), is resumed by a person, has
//   its failures rolled back, and ends with every device on the new or its known-good version.
// - A rollout whose engine process is killed with SIGKILL in the middle of each wave and
//   restarted finishes with exactly one install job per device and no device skipped.
#include "MosquittoBroker.h"
#include "TestWorkspace.h"
#include "audit/AuditHeadAnchor.h"
#include "audit/AuditLog.h"
#include "audit/AuditVerifier.h"
#include "ddi/DdiServer.h"
#include "engine/MqttEngine.h"
#include "firmware/FirmwareCatalog.h"
#include "rollout/RolloutControl.h"
#include "rollout/RolloutEngineRunner.h"
#include "rollout/RolloutService.h"
#include "rollout/RolloutStatus.h"
#include "rollout/TestPassStore.h"
#include "storage/SqliteDatabase.h"
#include "tls/ServerTlsIdentity.h"
#include "util/Clock.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTest>
#include <memory>
#include <sys/resource.h>

using namespace fleet;
using fleet::test::MosquittoBroker;
using fleet::test::TestWorkspace;

namespace {

// The issue's 1,000 devices: the whole test function (broker, update server, 1,000 simulated
// devices coming online, three waves, three to five gate pauses) takes about 11 s on an idle
// 2-core machine and 20-25 s on a loaded one.
constexpr int fleetSize = 1000;
// The kill -9 rollout needs enough devices per wave for a kill to land while the wave is underway,
// not a big fleet.
constexpr int killFleetSize = 200;

const QByteArray passphrase("correct horse battery");
const QString targetVersion = QStringLiteral("2.0.0");

QString binary(const QString &relative)
{
    return qEnvironmentVariable("FLEETDESK_TEST_BINARY_DIR") + relative;
}
QString fleetsimPath()
{
    return binary(QStringLiteral("/tools/fleetsim/fleetsim"));
}
QString enginePath()
{
    return binary(QStringLiteral("/tests/core/rolloutenginehost"));
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// Ends a child process for good and reaps it (a zombie would still look alive to the engine
// lease's process check).
void killAndReap(QProcess &process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    process.kill();
    process.waitForFinished(10000);
}

// Everything a rollout runs against, real, on one temporary workspace: broker, update server,
// MqttEngine, fleetsim, an approved release 2.0.0 for SIM-100 with a signed bench test pass,
// and a person (TestWorkspace::testActor()) whose actions are audited on the system clock.
class FleetRig
{
public:
    MosquittoBroker broker;
    TestWorkspace ws;
    std::unique_ptr<AuditLog> audit;
    std::unique_ptr<DdiServer> server;
    std::unique_ptr<MqttEngine> mqtt;
    QProcess fleetsim;
    qint64 releaseId = 0;

    ~FleetRig()
    {
        killAndReap(fleetsim);
        if (mqtt)
            if (Status stopped = mqtt->stop(); !stopped)
                qWarning("MqttEngine stop: %s", qPrintable(stopped.message()));
        if (server)
            server->stop();
    }

    SqliteDatabase &db() { return ws.db(); }
    const Clock &clock() const { return SystemClock::instance(); }
    QUrl artifactBaseUrl() const
    {
        return QUrl(QStringLiteral("https://127.0.0.1:%1").arg(server->port()));
    }

    // Starts everything and waits until `devices` devices are online on 1.0.0. Fails the test
    // (check QTest::currentTestFailed()) when a part does not come up.
    void start(int devices, const QString &prefix, const QStringList &failureArguments)
    {
        QVERIFY2(QFile::exists(fleetsimPath()),
                 qPrintable(QStringLiteral("no fleetsim at %1 (run through ctest, which sets "
                                           "FLEETDESK_TEST_BINARY_DIR)")
                                .arg(fleetsimPath())));
        QVERIFY2(broker.start(), qPrintable(broker.errorString()));
        audit = std::make_unique<AuditLog>(db(), clock(), TestWorkspace::testActor(),
                                           AuditHeadAnchor::pathForWorkspace(ws.path()));
        const QDir dir(ws.dir());

        // The release: 64 KB for SIM-100, approved with the workspace's key, and a signed
        // record that it passed the lab bench (the test gate; there is no pilot).
        FirmwareCatalog catalog(db(), *audit, ws.path());
        QVERIFY(catalog.signingKeys().create(passphrase).ok());
        const QString artifact = dir.filePath(QStringLiteral("sim-2.0.0.bin"));
        QVERIFY(writeFile(artifact, QByteArray(64 * 1024, 'F')));
        FirmwareCatalog::ImportOptions options;
        FirmwareManifest manifest;
        manifest.name = QStringLiteral("sim-firmware");
        manifest.versionText = targetVersion;
        manifest.version = SemanticVersion::parse(manifest.versionText).value();
        manifest.models = {QStringLiteral("SIM-100")};
        options.manifest = manifest;
        auto imported = catalog.importFile(artifact, options);
        QVERIFY2(imported.ok(), qPrintable(imported.message()));
        auto release = catalog.approve(imported->release.id, passphrase);
        QVERIFY2(release.ok(), qPrintable(release.message()));
        releaseId = release->id;
        auto key = catalog.signingKeys().activeKey();
        QVERIFY(key.ok() && key->has_value());
        const QString trustKey = dir.filePath(QStringLiteral("release-key.pem"));
        QVERIFY(writeFile(trustKey, key->value().publicKeyPem));
        auto signer = catalog.signingKeys().unlock(passphrase);
        QVERIFY2(signer.ok(), qPrintable(signer.message()));
        TestPassStore passes(db(), *audit);
        auto pass =
            passes.record(releaseId, TestPassRecord::Source::Bench,
                          QStringLiteral("lab bench run: all checks passed"), signer.value());
        QVERIFY2(pass.ok(), qPrintable(pass.message()));

        // The update server over HTTPS; the devices trust the exported local CA.
        ServerTlsIdentity identity(db(), *audit, ws.path());
        QVERIFY(identity.ensure().ok());
        auto loaded = identity.load();
        QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
        const QString ca = dir.filePath(QStringLiteral("ca.pem"));
        QVERIFY(identity.exportCaCertificate(ca).ok());
        server = std::make_unique<DdiServer>(ws.path(), clock());
        DdiServerOptions serverOptions;
        serverOptions.address = QHostAddress::LocalHost;
        serverOptions.port = 0;
        serverOptions.certificate = loaded->certificate;
        serverOptions.chain = loaded->chain;
        serverOptions.privateKey = loaded->key;
        QVERIFY(server->start(serverOptions).ok());

        mqtt = std::make_unique<MqttEngine>(ws.session().workspace(), clock());
        const auto profile =
            MqttBrokerProfile::fromUrl(QStringLiteral("mqtt://127.0.0.1:%1").arg(broker.port()));
        QVERIFY(profile.ok());
        QVERIFY(mqtt->start(profile.value()).ok());
        QTRY_COMPARE_WITH_TIMEOUT(mqtt->state(), MqttClient::State::Connected, 15000);

        fleetsim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QStringList arguments{
            QStringLiteral("--broker"),    QStringLiteral("mqtt://127.0.0.1:%1").arg(broker.port()),
            QStringLiteral("--count"),     QString::number(devices),
            QStringLiteral("--prefix"),    prefix,
            QStringLiteral("--ca"),        ca,
            QStringLiteral("--trust-key"), trustKey};
        // Heartbeats every 10 s: enough to keep 1,000 devices online without flooding the
        // ingest; reboots and install steps short, so an update takes about a second.
        arguments << QStringLiteral("--seed") << QStringLiteral("5")
                  << QStringLiteral("--connect-rate") << QStringLiteral("1000")
                  << QStringLiteral("--heartbeat-interval") << QStringLiteral("10")
                  << QStringLiteral("--reboot-delay") << QStringLiteral("200")
                  << QStringLiteral("--install-step") << QStringLiteral("50")
                  << QStringLiteral("--quiet") << failureArguments;
        fleetsim.start(fleetsimPath(), arguments);
        QVERIFY(fleetsim.waitForStarted(10000));
        QTRY_COMPARE_WITH_TIMEOUT(
            count(QStringLiteral("SELECT count(*) FROM devices WHERE online = 1 AND model = "
                                 "'SIM-100' AND fw_version = '1.0.0'")),
            qint64(devices), 90000);
    }

    qint64 count(const QString &sql, const QVariantList &binds = {})
    {
        auto value = db().scalar(sql, binds);
        return value ? value->toLongLong() : -1;
    }
    QString text(const QString &sql, const QVariantList &binds = {})
    {
        auto value = db().scalar(sql, binds);
        return value ? value->toString() : QStringLiteral("(%1)").arg(value.message());
    }

    RolloutControl control() { return RolloutControl(db(), *audit, clock()); }

    // Creates the rollout over every device, submits and starts it; returns its id (0 on
    // failure, with the test failed).
    qint64 createAndStart(const QString &name, const RolloutPlanSpec &plan)
    {
        QList<qint64> ids;
        for (const QString &id :
             fleet::test::column(db(), QStringLiteral("SELECT id FROM devices ORDER BY uid")))
            ids << id.toLongLong();
        RolloutService service(db(), *audit, clock());
        auto created =
            service.create(name, releaseId, ids, {}, plan, QStringLiteral("field release 2.0.0"));
        if (!created) {
            QTest::qFail(qPrintable(created.message()), __FILE__, __LINE__);
            return 0;
        }
        RolloutControl c = control();
        auto submitted = c.submit(name, QStringLiteral("plan reviewed"));
        auto started = submitted ? c.start(name, QStringLiteral("go")) : submitted;
        if (!started) {
            QTest::qFail(qPrintable(started.message()), __FILE__, __LINE__);
            return 0;
        }
        return created->id;
    }

    QString rolloutState(qint64 id)
    {
        return text(QStringLiteral("SELECT state FROM rollouts WHERE id = ?"), {id});
    }

    // On failure: where the rollout stands, and its devices that are unfinished or not on the
    // version their state says.
    void explain(qint64 id)
    {
        qWarning("rollout %lld: %s, wave %s", id, qPrintable(rolloutState(id)),
                 qPrintable(
                     text(QStringLiteral("SELECT current_wave FROM rollouts WHERE id = ?"), {id})));
        qWarning("  acknowledged failures %s, plan %s",
                 qPrintable(text(QStringLiteral("SELECT acknowledged_failures FROM rollouts WHERE "
                                                "id = ?"),
                                 {id})),
                 qPrintable(text(QStringLiteral("SELECT json_extract(plan_json, '$.thresholds') "
                                                "FROM rollouts WHERE id = ?"),
                                 {id})));
        for (const QString &e : fleet::test::column(
                 db(),
                 QStringLiteral("SELECT kind || ' ' || from_state || ' > ' || to_state || "
                                "': ' || reason FROM rollout_events WHERE rollout_id = ? "
                                "AND kind IN ('decision', 'wave', 'operator') ORDER BY id"),
                 {id}))
            qWarning("  %s", qPrintable(e));
        auto states = db().prepare(QStringLiteral(
            "SELECT wave, state, count(*) FROM rollout_devices WHERE rollout_id = ? GROUP BY "
            "wave, state ORDER BY wave, state"));
        if (states) {
            states->bindAll({id});
            while (states->next())
                qWarning("  wave %lld %s: %lld", states->int64(0), qPrintable(states->text(1)),
                         states->int64(2));
        }
        auto odd = db().prepare(QStringLiteral(
            "SELECT d.uid, rd.state, d.fw_version, coalesce(j.state, '-'), coalesce(j.reason, "
            "'') FROM rollout_devices rd JOIN devices d ON d.id = rd.device_id LEFT JOIN jobs j "
            "ON j.id = rd.job_row WHERE rd.rollout_id = ? AND (rd.state NOT IN ('succeeded', "
            "'rolled_back') OR (rd.state = 'succeeded' AND d.fw_version != '2.0.0') OR "
            "(rd.state = 'rolled_back' AND d.fw_version != rd.known_good)) LIMIT 20"));
        if (odd) {
            odd->bindAll({id});
            while (odd->next())
                qWarning("  %s: %s on %s, job %s %s", qPrintable(odd->text(0)),
                         qPrintable(odd->text(1)), qPrintable(odd->text(2)),
                         qPrintable(odd->text(3)), qPrintable(odd->text(4)));
        }
    }
};

// Waves of 10 %, 50 % and 100 % of the devices, started fast enough for a test, with no step
// timeouts that a loaded machine could hit (the defaults are tens of minutes).
RolloutPlanSpec threeWaves(int devicesPerMinute, int maxConcurrent)
{
    RolloutPlanSpec plan;
    plan.split = WaveSplit::byCumulativePercent({10, 50, 100}).value();
    plan.devicesPerMinute = devicesPerMinute;
    plan.maxConcurrent = maxConcurrent;
    return plan;
}

} // namespace

class TestRolloutFleet : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // The broker inherits this limit: 1,000 devices need more than the usual soft 1,024.
        rlimit limit{};
        QVERIFY(getrlimit(RLIMIT_NOFILE, &limit) == 0);
        if (limit.rlim_cur < limit.rlim_max) {
            limit.rlim_cur = limit.rlim_max;
            QVERIFY(setrlimit(RLIMIT_NOFILE, &limit) == 0);
        }
        if (limit.rlim_cur < rlim_t(fleetSize + 200))
            QSKIP("the open-file limit is too low for this many MQTT connections");
        QVERIFY2(QFile::exists(enginePath()), qPrintable(enginePath()));
    }

    void failuresPauseTheRolloutAPersonResumesAndFailuresRollBack()
    {
        const int n = fleetSize;
        FleetRig rig;
        // About 5 % of the devices fail: 3 % fail their post-boot health check and go back to
        // the old slot on their own (fleetsim reports rolled_back), 2 % lose their download
        // midway (failed; no retries, so the engine rolls them back: they never left 1.0.0).
        rig.start(n, QStringLiteral("fleet"),
                  {QStringLiteral("--bad-boot"), QStringLiteral("3"),
                   QStringLiteral("--fail-download"), QStringLiteral("2")});
        if (QTest::currentTestFailed())
            return;

        RolloutPlanSpec plan = threeWaves(60'000, 200);
        // A wave passes at 90 % succeeded; more than 2 % failures among at least 20 finished
        // devices pauses it. Which devices fail depends on the seed and on how many random
        // draws each simulated device made before its update (its heartbeats), so the exact
        // count varies a little from run to run; ~50 failures over waves of 100, 400 and 500
        // devices cross 2 % in some wave all but certainly (a wave of 400 stays at or under 8
        // failures with p ~ 0.002).
        plan.thresholds.successPercent = 90;
        plan.thresholds.pauseFailurePercent = 2;
        plan.thresholds.minFinishedForRate = 20;
        plan.retries = RetryLimits{0, 0, 0, 0, 0};
        plan.autoRollback = true;
        const QString name = QStringLiteral("fleet 2.0.0");
        const qint64 id = rig.createAndStart(name, plan);
        if (QTest::currentTestFailed())
            return;
        auto explain = qScopeGuard([&rig, id] {
            if (QTest::currentTestFailed())
                rig.explain(id);
        });
        QCOMPARE(rig.count(QStringLiteral("SELECT count(DISTINCT wave) FROM rollout_devices")),
                 qint64(3));

        RolloutEngineRunner::Options options;
        options.intervalMs = 250;
        options.holder = QStringLiteral("tst_rolloutfleet");
        options.artifactBaseUrl = rig.artifactBaseUrl();
        RolloutEngineRunner engine(rig.ws.path(), rig.clock(), options);
        // A tick that met a locked database is lost and redone by the next one; anything else
        // the engine complains about fails the test.
        QStringList problems;
        connect(&engine, &RolloutEngineRunner::problem, this, [&problems](const QString &p) {
            qWarning("%s", qPrintable(p));
            if (!p.contains(QLatin1String("database is locked")))
                problems << p;
        });
        QVERIFY(engine.start().ok());
        QTRY_VERIFY_WITH_TIMEOUT(engine.holdsLease(), 15000);

        // A person watches: whenever the gate pauses the rollout, they read why, decide that
        // the failed devices are known (their fallback is on the way) and resume.
        RolloutControl control = rig.control();
        int resumes = 0;
        const QString pausedOrDone =
            QStringLiteral("SELECT state IN ('paused', 'finished') FROM rollouts WHERE id = ?");
        // A device the rollout still has underway although its install job ended a minute
        // ago: the engine lost track of it, and the rollout would never finish.
        const QString stuck = QStringLiteral(
            "SELECT count(*) FROM rollout_devices rd JOIN jobs j ON j.id = rd.job_row WHERE "
            "rd.state IN ('notified', 'downloading', 'downloaded', 'verified', 'installing', "
            "'rebooting', 'validating') AND j.finished_ms < ?");
        auto stuckNow = [&rig, &stuck] {
            return rig.count(stuck, {SystemClock::instance().nowMs() - 60'000});
        };
        for (;;) {
            QTRY_VERIFY_WITH_TIMEOUT(rig.count(pausedOrDone, {id}) == 1 || stuckNow() > 0, 120000);
            QVERIFY2(stuckNow() == 0, "devices whose job ended are still underway in the rollout");
            if (rig.rolloutState(id) == QLatin1String("finished"))
                break;
            QVERIFY2(++resumes <= 100, "the rollout keeps pausing");
            // The decision is in the audit trail before the person acts on it.
            QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                              "'rollout.gate-pause'")),
                     qint64(resumes));
            auto resumed =
                control.resume(name, QStringLiteral("the failed devices are known; carry on"));
            QVERIFY2(resumed.ok(), qPrintable(resumed.message()));
        }
        QVERIFY2(resumes >= 1, "the gate never paused the rollout");

        // After the rollout, a field report on one device that succeeded: the person rolls it
        // back. There is no 1.0.0 release in the catalog, so the device is sent a rollback job
        // and switches back to its other slot.
        const QString reported = rig.text(QStringLiteral(
            "SELECT d.uid FROM rollout_devices rd JOIN devices d ON d.id = rd.device_id WHERE "
            "rd.state = 'succeeded' AND d.fw_version = '2.0.0' ORDER BY d.uid LIMIT 1"));
        auto rollback = control.rollbackDevices(name, {reported},
                                                QStringLiteral("field report: pump stutters"));
        QVERIFY2(rollback.ok(), qPrintable(rollback.message()));
        QCOMPARE(rollback->changed, QStringList{reported});
        const QString reportedState = QStringLiteral(
            "SELECT rd.state || ' ' || d.fw_version FROM rollout_devices rd JOIN devices d ON "
            "d.id = rd.device_id WHERE d.uid = ?");
        QTRY_COMPARE_WITH_TIMEOUT(rig.text(reportedState, {reported}),
                                  QStringLiteral("rolled_back 1.0.0"), 60000);
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM jobs j JOIN devices d ON d.id = "
                                          "j.device_id WHERE j.kind = 'rollback' AND j.state = "
                                          "'succeeded' AND j.target_version = '1.0.0' AND d.uid "
                                          "= ?"),
                           {reported}),
                 qint64(1));
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM jobs WHERE kind = 'rollback'")),
                 qint64(1));

        // Every gate pause is in the audit trail, by the engine, with the figures that crossed
        // the threshold; every resume by the person, with their reason.
        static const QRegularExpression figures(QStringLiteral(
            R"(wave (\d): Pause: (\d+) of (\d+) finished devices failed \(\d+\.\d %\), more )"
            R"(than the pause threshold of 2 %)"));
        const QStringList pauses = fleet::test::column(
            rig.db(), QStringLiteral("SELECT operator || ' | ' || reason FROM audit_log WHERE "
                                     "action = 'rollout.gate-pause' ORDER BY seq"));
        QCOMPARE(pauses.size(), resumes);
        int thresholdPauses = 0;
        for (const QString &pause : pauses) {
            qInfo("gate pause: %s", qPrintable(pause));
            QVERIFY2(pause.startsWith(QLatin1String("system | ")), qPrintable(pause));
            const QRegularExpressionMatch m = figures.match(pause);
            if (!m.hasMatch())
                continue; // "every device finished but only ... succeeded" is a pause too
            ++thresholdPauses;
            const qint64 failed = m.captured(2).toLongLong();
            const qint64 finished = m.captured(3).toLongLong();
            QVERIFY2(failed * 100 > 2 * finished, qPrintable(pause));
            QVERIFY2(finished >= plan.thresholds.minFinishedForRate, qPrintable(pause));
        }
        QVERIFY2(thresholdPauses >= 1, "no pause was triggered by the failure threshold");
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                          "'rollout.resume' AND operator = ? AND reason LIKE "
                                          "'the failed devices are known%'"),
                           {TestWorkspace::testActor().operatorName}),
                 qint64(resumes));
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM rollout_events WHERE kind = "
                                          "'decision' AND to_state = 'paused'")),
                 qint64(resumes));

        // Every device ended succeeded on 2.0.0 or rolled back, on its known-good version as
        // its inventory reports it (the last inventory may trail the job's result a little).
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM rollout_devices WHERE state NOT "
                                          "IN ('succeeded', 'rolled_back')")),
                 qint64(0));
        const QString misplaced = QStringLiteral(
            "SELECT count(*) FROM rollout_devices rd JOIN devices d ON d.id = rd.device_id "
            "WHERE NOT ((rd.state = 'succeeded' AND d.fw_version = '2.0.0') OR (rd.state = "
            "'rolled_back' AND d.fw_version = rd.known_good AND rd.known_good = '1.0.0'))");
        QTRY_COMPARE_WITH_TIMEOUT(rig.count(misplaced), qint64(0), 30000);
        const qint64 rolledBack =
            rig.count(QStringLiteral("SELECT count(*) FROM rollout_devices WHERE state = "
                                     "'rolled_back'"));
        const qint64 succeeded =
            rig.count(QStringLiteral("SELECT count(*) FROM rollout_devices WHERE state = "
                                     "'succeeded'"));
        qInfo("%lld devices on 2.0.0, %lld rolled back to 1.0.0, %d pauses", succeeded, rolledBack,
              resumes);
        QCOMPARE(succeeded + rolledBack, qint64(n));
        QVERIFY(rolledBack >= 1);
        // Both kinds of failure were rolled back: the ones the device reverted itself, and the
        // broken downloads, which the engine marked after checking the device's version.
        QVERIFY(rig.count(QStringLiteral("SELECT count(*) FROM jobs WHERE kind = 'update' AND "
                                         "state = 'rolled_back'")) >= 1);
        QVERIFY(rig.count(QStringLiteral("SELECT count(*) FROM jobs WHERE kind = 'update' AND "
                                         "state = 'failed'")) >= 1);
        QCOMPARE(rig.count(QStringLiteral(
                     "SELECT count(*) FROM rollout_devices rd JOIN jobs j ON j.id = "
                     "rd.job_row WHERE rd.state = 'rolled_back' AND j.state = 'failed' AND "
                     "rd.rollback_requested_ms IS NULL")),
                 qint64(0));
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM jobs WHERE kind = 'update'")),
                 qint64(n));
        QCOMPARE(rig.rolloutState(id), QStringLiteral("finished"));
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                          "'rollout.finished'")),
                 qint64(1));
        RolloutStatusReader reader(rig.db());
        auto status = reader.status(id);
        QVERIFY2(status.ok(), qPrintable(status.message()));
        QCOMPARE(status->waves.size(), 3);
        QCOMPARE(status->total.succeeded, succeeded);
        QCOMPARE(status->total.rolledBack, rolledBack);

        engine.stop();
        auto verdict =
            AuditVerifier::verify(rig.db(), AuditHeadAnchor::pathForWorkspace(rig.ws.path()));
        QVERIFY2(verdict.ok(), qUtf8Printable(verdict.message()));
        QVERIFY2(verdict->intact, qUtf8Printable(verdict->summary()));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void anEngineKilledMidWaveResumesWithoutRepeatingOrSkipping()
    {
        FleetRig rig;
        rig.start(killFleetSize, QStringLiteral("kill"), {});
        if (QTest::currentTestFailed())
            return;
        // Ten devices a second, at most 30 underway: each wave takes long enough for a kill to
        // land while devices are being started and while others report.
        const RolloutPlanSpec plan = threeWaves(600, 30);
        const QString name = QStringLiteral("kill 2.0.0");
        const qint64 id = rig.createAndStart(name, plan);
        if (QTest::currentTestFailed())
            return;
        auto explain = qScopeGuard([&rig, id] {
            if (QTest::currentTestFailed())
                rig.explain(id);
        });

        std::unique_ptr<QProcess> engine;
        auto stopEngine = qScopeGuard([&engine] {
            if (engine)
                killAndReap(*engine);
        });
        QByteArray engineOutput;
        auto startEngine = [&rig, &engine, &engineOutput] {
            engine = std::make_unique<QProcess>();
            engine->setProcessChannelMode(QProcess::ForwardedErrorChannel);
            engineOutput.clear();
            engine->start(enginePath(),
                          {rig.ws.path(), rig.artifactBaseUrl().toString(), QStringLiteral("100")});
        };
        auto holdsLease = [&engine, &engineOutput] {
            engineOutput += engine->readAllStandardOutput();
            return engineOutput.contains("lease held");
        };
        // A wave is underway: some of its devices were started, some are not finished.
        const QString underway = QStringLiteral(
            "SELECT (SELECT current_wave FROM rollouts WHERE id = ?1) = ?2 AND EXISTS (SELECT 1 "
            "FROM rollout_devices WHERE rollout_id = ?1 AND wave = ?2 AND state != 'queued') AND "
            "EXISTS (SELECT 1 FROM rollout_devices WHERE rollout_id = ?1 AND wave = ?2 AND state "
            "NOT IN ('succeeded', 'failed', 'rejected', 'timed_out', 'cancelled', 'removed', "
            "'rolled_back'))");
        for (int wave = 1; wave <= 3; ++wave) {
            startEngine();
            QVERIFY(engine->waitForStarted(10000));
            QTRY_VERIFY_WITH_TIMEOUT(holdsLease() || engine->state() == QProcess::NotRunning,
                                     30000);
            QCOMPARE(engine->state(), QProcess::Running);
            QTRY_VERIFY_WITH_TIMEOUT(rig.count(underway, {id, wave}) == 1, 120000);
            const qint64 before = rig.count(
                QStringLiteral("SELECT count(*) FROM rollout_devices WHERE wave = ? AND state "
                               "!= 'queued'"),
                {wave});
            // kill -9: no stop(), no lease given back, maybe in the middle of a transaction.
            engine->kill();
            QVERIFY(engine->waitForFinished(10000));
            QCOMPARE(engine->exitStatus(), QProcess::CrashExit);
            qInfo("engine killed in wave %d with %lld of its devices started", wave, before);
        }
        // A last engine takes over the lease of the dead one at once and finishes.
        startEngine();
        QVERIFY(engine->waitForStarted(10000));
        QTRY_VERIFY_WITH_TIMEOUT(rig.rolloutState(id) == QLatin1String("finished"), 120000);

        // Nobody skipped, nobody sent a second install: one update job per device, every
        // device succeeded on its first attempt and runs 2.0.0.
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM rollout_devices WHERE state = "
                                          "'succeeded' AND attempts = 1")),
                 qint64(killFleetSize));
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM jobs WHERE kind = 'update'")),
                 qint64(killFleetSize));
        QCOMPARE(rig.count(QStringLiteral("SELECT count(DISTINCT device_id) FROM jobs WHERE kind "
                                          "= 'update'")),
                 qint64(killFleetSize));
        // The jobs' last reports may trail the rollout a little.
        QTRY_COMPARE_WITH_TIMEOUT(rig.count(QStringLiteral("SELECT count(*) FROM jobs WHERE kind "
                                                           "!= 'update' OR state != 'succeeded'")),
                                  qint64(0), 30000);
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM rollout_devices rd JOIN jobs j "
                                          "ON j.id = rd.job_row WHERE j.device_id = "
                                          "rd.device_id")),
                 qint64(killFleetSize));
        QTRY_COMPARE_WITH_TIMEOUT(
            rig.count(QStringLiteral("SELECT count(*) FROM devices WHERE fw_version = '2.0.0'")),
            qint64(killFleetSize), 30000);
        QCOMPARE(rig.count(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                          "'rollout.next-wave'")),
                 qint64(2));
        killAndReap(*engine);
        auto verdict =
            AuditVerifier::verify(rig.db(), AuditHeadAnchor::pathForWorkspace(rig.ws.path()));
        QVERIFY2(verdict.ok(), qUtf8Printable(verdict.message()));
        QVERIFY2(verdict->intact, qUtf8Printable(verdict->summary()));
    }
};

QTEST_GUILESS_MAIN(TestRolloutFleet)
#include "tst_rolloutfleet.moc"
