// The whole MQTT chain with real processes: a real mosquitto, 1,000 devices simulated by the
// fleetsim executable, and the MqttEngine that the window and `fleetctl serve` run, writing
// into a workspace. The devices must appear in the inventory, survive a broker that is killed
// and restarted mid-session, run jobs sent after the restart, and go offline cleanly.
#include "MosquittoBroker.h"
#include "TestWorkspace.h"
#include "ToolsTestSupport.h"
#include "audit/AuditHeadAnchor.h"
#include "audit/AuditVerifier.h"
#include "engine/MqttEngine.h"
#include "jobs/JobService.h"
#include "storage/SqliteDatabase.h"

#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTest>
#include <sys/resource.h>

using namespace fleet;
using fleet::test::fleetsimPath;
using fleet::test::MosquittoBroker;
using fleet::test::TestWorkspace;

namespace {

constexpr int deviceCount = 1000;
constexpr int jobCount = 20;

qint64 scalar(SqliteDatabase &db, const QString &sql)
{
    return fleet::test::scalarNumber(db, sql);
}

} // namespace

class TestFleetIntegration : public QObject
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
        if (limit.rlim_cur < rlim_t(deviceCount + 200))
            QSKIP("the open-file limit is too low for 1,000 MQTT connections");
        // Built with every test; a missing binary must fail rather than skip the whole chain.
        QVERIFY2(QFile::exists(fleetsimPath()),
                 qPrintable(QStringLiteral("no fleetsim at %1 (run through ctest, which sets "
                                           "FLEETDESK_TEST_BINARY_DIR)")
                                .arg(fleetsimPath())));
    }

    void thousandDevicesAppearSurviveABrokerRestartAndRunJobs()
    {
        MosquittoBroker broker;
        QVERIFY2(broker.start(), qPrintable(broker.errorString()));
        TestWorkspace ws;
        SqliteDatabase &db = ws.db();

        MqttEngine engine(ws.session().workspace(), ws.clock());
        const auto profile =
            MqttBrokerProfile::fromUrl(QStringLiteral("mqtt://127.0.0.1:%1").arg(broker.port()));
        QVERIFY(profile.ok());
        QVERIFY(engine.start(profile.value()).ok());
        QTRY_COMPARE_WITH_TIMEOUT(engine.state(), MqttClient::State::Connected, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(broker.log().contains(QStringLiteral("Received SUBSCRIBE")),
                                 10000);

        QProcess fleetsim;
        fleetsim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        fleetsim.start(
            fleetsimPath(),
            {QStringLiteral("--broker"), QStringLiteral("mqtt://127.0.0.1:%1").arg(broker.port()),
             QStringLiteral("--count"), QString::number(deviceCount), QStringLiteral("--prefix"),
             QStringLiteral("it"), QStringLiteral("--connect-rate"), QStringLiteral("1000"),
             QStringLiteral("--heartbeat-interval"), QStringLiteral("5"),
             QStringLiteral("--reboot-delay"), QStringLiteral("200"),
             QStringLiteral("--install-step"), QStringLiteral("50"), QStringLiteral("--quiet")});
        QVERIFY(fleetsim.waitForStarted(10000));
        auto stopFleetsim = qScopeGuard([&fleetsim] {
            if (fleetsim.state() != QProcess::NotRunning) {
                fleetsim.kill();
                fleetsim.waitForFinished(10000);
            }
        });

        // Every device is discovered from its inventory report and is online.
        const QString online = QStringLiteral("SELECT count(*) FROM devices WHERE online = 1");
        QTRY_COMPARE_WITH_TIMEOUT(scalar(db, online), qint64(deviceCount), 60000);
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM devices WHERE model = "
                                           "'SIM-100' AND fw_version = '1.0.0'")),
                 qint64(deviceCount));
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                           "'device.discover'")),
                 qint64(deviceCount));

        // The broker dies without a word and comes back on the same port. Fleetdesk and the
        // devices reconnect on their own; the devices publish their birth again.
        const QString births = QStringLiteral(
            "SELECT count(*) FROM device_stream_seq WHERE stream = 'presence' AND seq > "
            "coalesce((SELECT seq FROM presence_before WHERE uid = device_uid), -1)");
        QVERIFY(db.exec(QStringLiteral("CREATE TEMP TABLE presence_before AS SELECT device_uid "
                                       "AS uid, seq FROM device_stream_seq WHERE stream = "
                                       "'presence'"))
                    .ok());
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM presence_before")),
                 qint64(deviceCount));
        broker.kill();
        QTRY_VERIFY_WITH_TIMEOUT(engine.state() != MqttClient::State::Connected, 15000);
        QVERIFY2(broker.restart(), qPrintable(broker.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(engine.state(), MqttClient::State::Connected, 30000);
        // Every device announces itself again (a new birth, numbered after the old one).
        QTRY_COMPARE_WITH_TIMEOUT(scalar(db, births), qint64(deviceCount), 60000);

        // Jobs created after the restart are delivered over the new connection and run.
        auto ids = db.prepare(
            QStringLiteral("SELECT id FROM devices ORDER BY uid LIMIT %1").arg(jobCount));
        QVERIFY(ids.ok());
        QList<qint64> deviceIds;
        while (ids.value().next())
            deviceIds << ids.value().int64(0);
        QCOMPARE(deviceIds.size(), jobCount);
        JobService jobs(db, ws.session().audit());
        JobRequest reboot;
        reboot.kind = JobMessage::Kind::Reboot;
        reboot.origin = QStringLiteral("test");
        QVERIFY(jobs.create(deviceIds, reboot).ok());
        auto explainJobs = qScopeGuard([&db] {
            if (!QTest::currentTestFailed())
                return;
            auto rows = db.prepare(QStringLiteral(
                "SELECT j.job_id, d.uid, j.state, coalesce(j.sent_ms, 0), (SELECT "
                "group_concat(e.state, ' > ') FROM job_events e WHERE e.job_row = j.id) FROM jobs "
                "j JOIN devices d ON d.id = j.device_id WHERE j.state <> 'succeeded'"));
            while (rows && rows.value().next())
                qWarning("unfinished job %s on %s: %s (sent at %lld): %s",
                         qPrintable(rows.value().text(0)), qPrintable(rows.value().text(1)),
                         qPrintable(rows.value().text(2)), rows.value().int64(3),
                         qPrintable(rows.value().text(4)));
        });
        QTRY_COMPARE_WITH_TIMEOUT(
            scalar(db, QStringLiteral("SELECT count(*) FROM jobs WHERE state = 'succeeded'")),
            qint64(jobCount), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(scalar(db, online), qint64(deviceCount), 60000);

        // Nothing the devices sent was refused, no device was discovered twice, and every
        // automatic change is in an intact audit trail.
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM ingest_rejections")), 0);
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM devices")), qint64(deviceCount));
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                           "'job.result'")),
                 qint64(jobCount));

        // A clean stop: every device says it is offline before it disconnects.
        fleetsim.terminate();
        QVERIFY(fleetsim.waitForFinished(60000));
        QCOMPARE(fleetsim.exitStatus(), QProcess::NormalExit);
        QCOMPARE(fleetsim.exitCode(), 0);
        auto explainOnline = qScopeGuard([&db, &engine, &broker] {
            if (!QTest::currentTestFailed())
                return;
            const MqttEngineCounters c = engine.counters();
            qWarning("engine: %lld messages, %lld written, %lld rejected, %lld duplicates, "
                     "%lld replays",
                     c.messages, c.written, c.rejected, c.duplicates, c.replays);
            auto rows = db.prepare(QStringLiteral(
                "SELECT d.uid, d.last_seen, coalesce(s.seq, -1), coalesce(h.seq, -1) FROM "
                "devices d LEFT JOIN device_stream_seq s ON s.device_uid = d.uid AND s.stream = "
                "'presence' LEFT JOIN device_stream_seq h ON h.device_uid = d.uid AND h.stream = "
                "'heartbeat' WHERE d.online = 1"));
            QString firstOnline;
            while (rows && rows.value().next()) {
                if (firstOnline.isEmpty())
                    firstOnline = rows.value().text(0);
                qWarning("still online: %s, last seen %lld, presence seq %lld, heartbeat seq %lld",
                         qPrintable(rows.value().text(0)), rows.value().int64(1),
                         rows.value().int64(2), rows.value().int64(3));
            }
            // What the broker saw of the first one, to tell a lost goodbye from a missed one.
            const QStringList log = broker.log().split(QLatin1Char('\n'));
            for (const QString &line : log)
                if (!firstOnline.isEmpty() && line.contains(firstOnline))
                    qWarning("broker: %s", qPrintable(line));
            auto rejections = db.prepare(
                QStringLiteral("SELECT device_uid, reason, count FROM ingest_rejections"));
            while (rejections && rejections.value().next())
                qWarning("rejected from %s (%lld): %s", qPrintable(rejections.value().text(0)),
                         rejections.value().int64(2), qPrintable(rejections.value().text(1)));
        });
        QTRY_COMPARE_WITH_TIMEOUT(scalar(db, online), qint64(0), 30000);

        QVERIFY(engine.stop().ok());
        auto verdict = AuditVerifier::verify(db, AuditHeadAnchor::pathForWorkspace(ws.path()));
        QVERIFY2(verdict.ok(), qUtf8Printable(verdict.message()));
        QVERIFY2(verdict->intact, qUtf8Printable(verdict->summary()));
    }
};

QTEST_GUILESS_MAIN(TestFleetIntegration)
#include "tst_fleetintegration.moc"
