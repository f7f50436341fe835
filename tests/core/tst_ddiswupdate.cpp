// Interoperability with a real DDI client: Debian's SWUpdate (suricatta, hawkBit mode) polls
// Fleetdesk's update server over HTTPS (certificate from the workspace's local CA, which the
// device trusts through its exported PEM), with its own TargetToken, downloads a signed .swu
// made by the test, installs it into a file, and reports; the job, the device's firmware
// version and the audit trail follow. Also a bundle for other hardware (SWUpdate's failure
// details end up in the job), and a cancelled action.

#include "DdiFixture.h"
#include "SwuBundleBuilder.h"
#include "SwupdateDevice.h"
#include "SwupdateSigner.h"
#include "ddi/DdiServer.h"
#include "firmware/SigningKeyStore.h"
#include "http/HttpServer.h"
#include "jobs/JobService.h"
#include "rollout/RolloutControl.h"
#include "rollout/RolloutEngineThread.h"
#include "rollout/RolloutService.h"
#include "rollout/TestPassStore.h"
#include "tls/ServerTlsIdentity.h"

#include <QTest>
#include <algorithm>

using namespace fleet;
using namespace fleet::test;

namespace {

constexpr int DeviceTimeoutMs = 60000;

struct Interop
{
    DdiFixture f;
    QTemporaryDir dir;
    std::optional<SwupdateSigner> signer;
    DdiServer server{f.ws.path(), SystemClock::instance()};
    QString caPem;
    QString installPath;
    QString token;

    // A device "dev1" that runs 1.0.0 on hardware revision 1.0 with a token, the server on a
    // free port with HTTPS, and a signer for bundles.
    bool setUp(int pollSeconds)
    {
        Device d = TestWorkspace::makeDevice(QStringLiteral("dev1"));
        d.hwRevision = QStringLiteral("1.0");
        d.fwVersion = QStringLiteral("1.0.0");
        InventoryService inventory(f.ws.db(), f.ws.session().audit());
        if (!inventory.saveDevice(d))
            return false;
        auto issued = DdiTokenService(f.ws.db(), f.ws.session().audit())
                          .issueDeviceToken(QStringLiteral("dev1"));
        if (!issued)
            return false;
        token = issued->token;
        auto s = SwupdateSigner::create(dir.path());
        if (!s) {
            qWarning("%s", qPrintable(s.message()));
            return false;
        }
        signer.emplace(s.value());
        ServerTlsIdentity identity(f.ws.db(), f.ws.session().audit(), f.ws.path());
        auto ensured = identity.ensure();
        auto loaded = identity.load();
        caPem = dir.filePath(QStringLiteral("ca.pem"));
        if (!ensured || !loaded || !identity.exportCaCertificate(caPem)) {
            qWarning("no server certificate");
            return false;
        }
        DdiServerOptions options;
        options.address = QHostAddress::LocalHost;
        options.port = 0;
        options.certificate = loaded->certificate;
        options.chain = loaded->chain;
        options.privateKey = loaded->key;
        options.service.pollInterval = std::chrono::seconds(pollSeconds);
        if (Status started = server.start(options); !started) {
            qWarning("%s", qPrintable(started.message()));
            return false;
        }
        installPath = dir.filePath(QStringLiteral("installed.bin"));
        return true;
    }

    // Imports the bundle as a release for GW-4000 on revision 1.0 (`labelledRevisions` is what
    // the operator declares, which may not be what the bundle says), approves it, assigns it.
    qint64 assignBundle(const SwuBundleBuilder &bundle, const QStringList &labelledRevisions)
    {
        const qint64 release = importBundle(bundle, labelledRevisions);
        if (release == 0)
            return 0;
        auto outcome = f.assign(release, {QStringLiteral("dev1")});
        if (!outcome || outcome->assigned.size() != 1) {
            qWarning("%s", outcome ? "refused" : qPrintable(outcome.message()));
            return 0;
        }
        return outcome->assigned.first().row;
    }

    // Imports and approves the bundle as a release for GW-4000; returns the release's id.
    qint64 importBundle(const SwuBundleBuilder &bundle, const QStringList &labelledRevisions)
    {
        const QString path = dir.filePath(QStringLiteral("update-%1.swu").arg(++m_bundles));
        if (!bundle.writeTo(path))
            return 0;
        FirmwareCatalog catalog(f.ws.db(), f.ws.session().audit(), f.ws.path());
        FirmwareCatalog::ImportOptions options;
        options.models = {QStringLiteral("GW-4000")};
        options.hwRevisions = labelledRevisions;
        auto imported = catalog.importFile(path, options);
        if (!imported) {
            qWarning("%s", qPrintable(imported.message()));
            return 0;
        }
        if (!m_key && catalog.signingKeys().create(DdiFixture::passphrase))
            m_key = true;
        auto approved = catalog.approve(imported->release.id, QByteArray(DdiFixture::passphrase));
        if (!approved)
            return 0;
        return approved->id;
    }

    SwupdateDevice::Options device() const
    {
        SwupdateDevice::Options o;
        o.serverUrl = QStringLiteral("https://127.0.0.1:%1").arg(server.port());
        o.controllerId = QStringLiteral("dev1");
        o.caFile = caPem;
        o.targetToken = token;
        o.signerCertificate = signer->certificatePath();
        o.hardware = QStringLiteral("fleetboard:1.0");
        o.pollDelaySeconds = 1;
        return o;
    }

    QString state(qint64 action)
    {
        return scalarOf(f.ws.db(), QStringLiteral("SELECT state FROM jobs WHERE id = ?"), {action})
            .toString();
    }
    QStringList events(qint64 action)
    {
        return column(f.ws.db(),
                      QStringLiteral("SELECT state || ': ' || reason FROM job_events WHERE "
                                     "job_row = ? ORDER BY id"),
                      {action});
    }

private:
    int m_bundles = 0;
    bool m_key = false;
};

QString describe(Interop &t, qint64 action, SwupdateDevice &device)
{
    return QStringLiteral("job %1 events:\n%2\n--- swupdate log (tail) ---\n%3")
        .arg(action)
        .arg(t.events(action).join(QLatin1Char('\n')))
        .arg(QString::fromUtf8(device.log().right(4000)));
}

} // namespace

class TestDdiSwupdate : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!SwupdateDevice::isAvailable())
            QSKIP("Debian's swupdate is not installed (scripts/bootstrap installs it)");
        if (SwupdateSigner::opensslPath().isEmpty())
            QSKIP("the openssl tool is not installed");
        qputenv("http_proxy", "");
        qputenv("https_proxy", "");
    }

    void installsSignedBundleAndReports()
    {
        Interop t;
        QVERIFY(t.setUp(1));
        const QByteArray payload = QByteArray("fleetdesk interop payload\n").repeated(2000);
        SwuBundleBuilder bundle(*t.signer);
        bundle.setVersion(QStringLiteral("2.5.0"))
            .setHardwareCompatibility({QStringLiteral("1.0")})
            .setPayload(payload)
            .setInstallPath(t.installPath);
        const qint64 action = t.assignBundle(bundle, {});
        QVERIFY(action > 0);

        SwupdateDevice device(t.device());
        QVERIFY2(device.start().ok(), device.log().constData());
        // Installed, and waiting for the reboot that would confirm it.
        QTRY_VERIFY2_WITH_TIMEOUT(t.events(action)
                                      .join(QLatin1Char('\n'))
                                      .contains(QLatin1String("All Chunks Installed.")),
                                  qPrintable(describe(t, action, device)), DeviceTimeoutMs);
        QCOMPARE(fileBytes(t.installPath), payload);
        QCOMPARE(t.state(action), QStringLiteral("installing"));

        QVERIFY(device.restartAfterReboot(true).ok());
        QTRY_COMPARE_WITH_TIMEOUT(t.state(action), QStringLiteral("succeeded"), DeviceTimeoutMs);
        QCOMPARE(scalarOf(t.f.ws.db(),
                          QStringLiteral("SELECT fw_version FROM devices WHERE uid = 'dev1'"))
                     .toString(),
                 QStringLiteral("2.5.0"));
        // The whole action is in the audit trail: the assignment and every feedback.
        QCOMPARE(scalarOf(t.f.ws.db(), QStringLiteral("SELECT count(*) FROM audit_log WHERE "
                                                      "object_id = 'dev1' AND action = "
                                                      "'firmware.assign'"))
                     .toInt(),
                 1);
        const QStringList feedback =
            column(t.f.ws.db(), QStringLiteral("SELECT json_extract(after_json, '$.state') FROM "
                                               "audit_log WHERE object_id = 'dev1' AND action = "
                                               "'ddi.feedback' ORDER BY seq"));
        QVERIFY2(feedback.size() >= 3, qPrintable(feedback.join(QLatin1Char(','))));
        QCOMPARE(feedback.last(), QStringLiteral("succeeded"));
        QVERIFY(t.server.counters().responses2xx > 0);
    }

    // The rollout engine reaches a real DDI client: a one-device rollout of a signed bundle
    // goes out as a DDI action on the engine's tick, SWUpdate installs it, and after the
    // "reboot" the device validates on the new version and the rollout finishes.
    void rolloutReachesSwupdateThroughDdi()
    {
        Interop t;
        QVERIFY(t.setUp(1));
        const QByteArray payload = QByteArray("fleetdesk rollout payload\n").repeated(1000);
        SwuBundleBuilder bundle(*t.signer);
        bundle.setVersion(QStringLiteral("2.6.0"))
            .setHardwareCompatibility({QStringLiteral("1.0")})
            .setPayload(payload)
            .setInstallPath(t.installPath);
        const qint64 release = t.importBundle(bundle, {});
        QVERIFY(release > 0);
        SigningKeyStore keys(t.f.ws.db(), t.f.ws.session().audit(), t.f.ws.path());
        auto key = keys.unlock(QByteArray(DdiFixture::passphrase));
        QVERIFY(key.ok());
        QVERIFY(TestPassStore(t.f.ws.db(), t.f.ws.session().audit())
                    .record(release, TestPassRecord::Source::Bench, QStringLiteral("lab run"),
                            key.value())
                    .ok());
        RolloutService service(t.f.ws.db(), t.f.ws.session().audit(), SystemClock::instance());
        RolloutPlanSpec plan;
        plan.devicesPerMinute = 60;
        auto created = service.create(QStringLiteral("swupdate"), release,
                                      {t.f.deviceId(QStringLiteral("dev1"))}, {}, plan,
                                      QStringLiteral("interop"));
        QVERIFY2(created.ok(), qPrintable(created.message()));
        RolloutControl control(t.f.ws.db(), t.f.ws.session().audit(), SystemClock::instance());
        QVERIFY(control.submit(QStringLiteral("swupdate")).ok());
        QVERIFY(control.start(QStringLiteral("swupdate"), QStringLiteral("interop")).ok());
        RolloutEngineRunner::Options options;
        options.intervalMs = 200;
        options.holder = QStringLiteral("test");
        RolloutEngineThread engine(t.f.ws.path(), SystemClock::instance(), options);
        engine.start();
        const auto deviceState = [&] {
            return scalarOf(t.f.ws.db(), QStringLiteral("SELECT state FROM rollout_devices"))
                .toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(deviceState(), QStringLiteral("notified"), DeviceTimeoutMs);
        const qint64 action =
            scalarOf(t.f.ws.db(), QStringLiteral("SELECT job_row FROM rollout_devices"))
                .toLongLong();
        QCOMPARE(scalarOf(t.f.ws.db(), QStringLiteral("SELECT transport FROM jobs WHERE id = ?"),
                          {action})
                     .toString(),
                 QStringLiteral("ddi"));

        SwupdateDevice device(t.device());
        QVERIFY2(device.start().ok(), device.log().constData());
        QTRY_VERIFY2_WITH_TIMEOUT(t.events(action)
                                      .join(QLatin1Char('\n'))
                                      .contains(QLatin1String("All Chunks Installed.")),
                                  qPrintable(describe(t, action, device)), DeviceTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(deviceState(), QStringLiteral("installing"), DeviceTimeoutMs);
        QCOMPARE(fileBytes(t.installPath), payload);
        QVERIFY(device.restartAfterReboot(true).ok());
        QTRY_COMPARE_WITH_TIMEOUT(deviceState(), QStringLiteral("succeeded"), DeviceTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(
            scalarOf(t.f.ws.db(), QStringLiteral("SELECT state FROM rollouts")).toString(),
            QStringLiteral("finished"), DeviceTimeoutMs);
        engine.stop();
        // One action for the device, never two.
        QCOMPARE(scalarOf(t.f.ws.db(), QStringLiteral("SELECT count(*) FROM jobs")).toInt(), 1);
    }

    void wrongHardwareIsReportedAsFailure()
    {
        Interop t;
        QVERIFY(t.setUp(1));
        SwuBundleBuilder bundle(*t.signer);
        // Built for revision 9.9 but labelled 1.0 in the catalog: the device must refuse it.
        bundle.setVersion(QStringLiteral("2.6.0"))
            .setHardwareCompatibility({QStringLiteral("9.9")})
            .setInstallPath(t.installPath);
        const qint64 action = t.assignBundle(bundle, {QStringLiteral("1.0")});
        QVERIFY(action > 0);
        SwupdateDevice device(t.device());
        QVERIFY(device.start().ok());
        QTRY_COMPARE_WITH_TIMEOUT(t.state(action), QStringLiteral("failed"), DeviceTimeoutMs);
        QVERIFY2(
            scalarOf(t.f.ws.db(), QStringLiteral("SELECT reason FROM jobs WHERE id = ?"), {action})
                .toString()
                .contains(QLatin1String("No suitable .swu image found")),
            qPrintable(describe(t, action, device)));
        QVERIFY(!QFile::exists(t.installPath));
        QCOMPARE(scalarOf(t.f.ws.db(),
                          QStringLiteral("SELECT fw_version FROM devices WHERE uid = 'dev1'"))
                     .toString(),
                 QStringLiteral("1.0.0"));
    }

    void cancelledActionIsConfirmedByTheDevice()
    {
        Interop t;
        // SWUpdate may already be installing when the cancel is asked for (it starts as soon as
        // it sees the deployment) and then waits for a reboot; it acknowledges a cancel at the
        // next poll either way, without reporting the update as done.
        QVERIFY(t.setUp(1));
        SwuBundleBuilder bundle(*t.signer);
        bundle.setVersion(QStringLiteral("2.7.0")).setInstallPath(t.installPath);
        const qint64 action = t.assignBundle(bundle, {});
        QVERIFY(action > 0);
        SwupdateDevice device(t.device());
        QVERIFY(device.start().ok());
        // Offered (and perhaps already being installed): not finished either way.
        QTRY_VERIFY_WITH_TIMEOUT(t.state(action) == QLatin1String("sent") ||
                                     t.state(action) == QLatin1String("installing"),
                                 DeviceTimeoutMs);
        const QString jobId =
            scalarOf(t.f.ws.db(), QStringLiteral("SELECT job_id FROM jobs WHERE id = ?"), {action})
                .toString();
        JobService jobs(t.f.ws.db(), t.f.ws.session().audit());
        auto requested = jobs.cancel(jobId, QStringLiteral("wrong maintenance window"));
        QVERIFY2(requested.ok(), qPrintable(requested.message()));
        QTRY_COMPARE_WITH_TIMEOUT(t.state(action), QStringLiteral("cancelled"), DeviceTimeoutMs);
        const QStringList events = t.events(action);
        QVERIFY2(events.last().startsWith(QLatin1String("cancelled: ")),
                 qPrintable(describe(t, action, device)));
        QVERIFY(std::any_of(events.cbegin(), events.cend(), [](const QString &e) {
            return e.startsWith(QLatin1String("cancel_requested: "));
        }));
        // Cancelled is not installed: the inventory keeps the version the device runs.
        QCOMPARE(scalarOf(t.f.ws.db(),
                          QStringLiteral("SELECT fw_version FROM devices WHERE uid = 'dev1'"))
                     .toString(),
                 QStringLiteral("1.0.0"));
        QCOMPARE(scalarOf(t.f.ws.db(), QStringLiteral("SELECT count(*) FROM audit_log WHERE "
                                                      "action = 'ddi.cancel-feedback'"))
                     .toInt(),
                 1);
    }
};

QTEST_GUILESS_MAIN(TestDdiSwupdate)
#include "tst_ddiswupdate.moc"
