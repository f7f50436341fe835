// The update server also serves MQTT devices: a catalog release assigned to devices simulated
// by fleetsim becomes MQTT update jobs whose artifact is a signed link to Fleetdesk's HTTPS
// server (local CA); the devices download it (checking TLS against the exported CA, size,
// SHA-256 and the release signature), install, reboot and report, and the inventory shows the
// new version.
#include "MosquittoBroker.h"
#include "TestWorkspace.h"
#include "ToolsTestSupport.h"
#include "ddi/DdiServer.h"
#include "engine/MqttEngine.h"
#include "firmware/FirmwareCatalog.h"
#include "http/HttpServer.h"
#include "jobs/ReleaseAssigner.h"
#include "storage/SqliteDatabase.h"
#include "tls/ServerTlsIdentity.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTest>

using namespace fleet;
using fleet::test::fleetsimPath;
using fleet::test::MosquittoBroker;
using fleet::test::TestWorkspace;

namespace {

constexpr int deviceCount = 3;

qint64 scalar(SqliteDatabase &db, const QString &sql)
{
    return fleet::test::scalarNumber(db, sql);
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

} // namespace

class TestMqttUpdate : public QObject
{
    Q_OBJECT

private slots:
    void mqttDevicesInstallAReleaseFromTheUpdateServer()
    {
        QVERIFY2(QFile::exists(fleetsimPath()), qPrintable(fleetsimPath()));
        MosquittoBroker broker;
        QVERIFY2(broker.start(), qPrintable(broker.errorString()));
        TestWorkspace ws;
        SqliteDatabase &db = ws.db();
        const QDir dir(ws.dir());

        // The release: 200 KB for SIM-100, approved with the workspace's key.
        FirmwareCatalog catalog(db, ws.session().audit(), ws.path());
        QVERIFY(catalog.signingKeys().create("correct horse battery").ok());
        const QString artifact = dir.filePath(QStringLiteral("sim-2.0.0.bin"));
        QVERIFY(writeFile(artifact, QByteArray(200 * 1024, 'F')));
        FirmwareCatalog::ImportOptions options;
        FirmwareManifest manifest;
        manifest.name = QStringLiteral("sim-firmware");
        manifest.versionText = QStringLiteral("2.0.0");
        manifest.version = SemanticVersion::parse(manifest.versionText).value();
        manifest.models = {QStringLiteral("SIM-100")};
        options.manifest = manifest;
        auto imported = catalog.importFile(artifact, options);
        QVERIFY2(imported.ok(), qPrintable(imported.message()));
        auto release = catalog.approve(imported->release.id, QByteArray("correct horse battery"));
        QVERIFY2(release.ok(), qPrintable(release.message()));
        auto key = catalog.signingKeys().activeKey();
        QVERIFY(key.ok() && key->has_value());
        const QString trustKey = dir.filePath(QStringLiteral("release-key.pem"));
        QVERIFY(writeFile(trustKey, key->value().publicKeyPem));

        // The update server over HTTPS; the devices trust the exported local CA.
        ServerTlsIdentity identity(db, ws.session().audit(), ws.path());
        QVERIFY(identity.ensure().ok());
        auto loaded = identity.load();
        QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
        const QString ca = dir.filePath(QStringLiteral("ca.pem"));
        QVERIFY(identity.exportCaCertificate(ca).ok());
        DdiServer server(ws.path(), ws.clock());
        DdiServerOptions serverOptions;
        serverOptions.address = QHostAddress::LocalHost;
        serverOptions.port = 0;
        serverOptions.certificate = loaded->certificate;
        serverOptions.chain = loaded->chain;
        serverOptions.privateKey = loaded->key;
        QVERIFY(server.start(serverOptions).ok());

        MqttEngine engine(ws.session().workspace(), ws.clock());
        const auto profile =
            MqttBrokerProfile::fromUrl(QStringLiteral("mqtt://127.0.0.1:%1").arg(broker.port()));
        QVERIFY(engine.start(profile.value()).ok());
        QTRY_COMPARE_WITH_TIMEOUT(engine.state(), MqttClient::State::Connected, 15000);

        QProcess fleetsim;
        fleetsim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        fleetsim.start(
            fleetsimPath(),
            {QStringLiteral("--broker"), QStringLiteral("mqtt://127.0.0.1:%1").arg(broker.port()),
             QStringLiteral("--count"), QString::number(deviceCount), QStringLiteral("--prefix"),
             QStringLiteral("up"), QStringLiteral("--ca"), ca, QStringLiteral("--trust-key"),
             trustKey, QStringLiteral("--heartbeat-interval"), QStringLiteral("2"),
             QStringLiteral("--reboot-delay"), QStringLiteral("200"),
             QStringLiteral("--install-step"), QStringLiteral("50"), QStringLiteral("--quiet")});
        QVERIFY(fleetsim.waitForStarted(10000));
        auto stopFleetsim = qScopeGuard([&fleetsim] {
            if (fleetsim.state() != QProcess::NotRunning) {
                fleetsim.kill();
                fleetsim.waitForFinished(10000);
            }
        });
        QTRY_COMPARE_WITH_TIMEOUT(
            scalar(db, QStringLiteral("SELECT count(*) FROM devices WHERE online = 1 AND "
                                      "model = 'SIM-100' AND fw_version = '1.0.0'")),
            qint64(deviceCount), 30000);

        AssignmentRequest request;
        request.releaseId = release->id;
        auto ids = db.prepare(QStringLiteral("SELECT id FROM devices ORDER BY uid"));
        QVERIFY(ids.ok());
        while (ids.value().next())
            request.deviceIds << ids.value().int64(0);
        request.origin = QStringLiteral("test");
        request.artifactBaseUrl = QUrl(QStringLiteral("https://127.0.0.1:%1").arg(server.port()));
        ReleaseAssigner assigner(db, ws.session().audit());
        auto outcome = assigner.assign(request);
        QVERIFY2(outcome.ok(), qPrintable(outcome.message()));
        QCOMPARE(outcome->assigned.size(), deviceCount);
        QCOMPARE(outcome->assigned.first().transport, QStringLiteral("mqtt"));

        auto explain = qScopeGuard([&db] {
            if (!QTest::currentTestFailed())
                return;
            auto rows = db.prepare(QStringLiteral(
                "SELECT j.job_id, j.state, j.reason, (SELECT group_concat(e.state || ' ' || "
                "e.reason, ' > ') FROM job_events e WHERE e.job_row = j.id) FROM jobs j"));
            while (rows && rows.value().next())
                qWarning("job %s %s (%s): %s", qPrintable(rows.value().text(0)),
                         qPrintable(rows.value().text(1)), qPrintable(rows.value().text(2)),
                         qPrintable(rows.value().text(3)));
        });
        QTRY_COMPARE_WITH_TIMEOUT(
            scalar(db, QStringLiteral("SELECT count(*) FROM jobs WHERE state = 'succeeded'")),
            qint64(deviceCount), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(
            scalar(db, QStringLiteral("SELECT count(*) FROM devices WHERE fw_version = '2.0.0'")),
            qint64(deviceCount), 30000);
        // Every device fetched the artifact through its signed link (plus HEAD-less GETs only).
        QVERIFY(server.counters().responses2xx >= quint64(deviceCount));
        QCOMPARE(server.counters().responses4xx, quint64(0));

        fleetsim.terminate();
        QVERIFY(fleetsim.waitForFinished(30000));
        QVERIFY(engine.stop().ok());
        server.stop();
    }
};

QTEST_GUILESS_MAIN(TestMqttUpdate)
#include "tst_mqttupdate.moc"
