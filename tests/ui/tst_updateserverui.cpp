// The window's update server: the controller starts a real DdiServer on a free loopback port
// over plain HTTP and over HTTPS (the certificate created in the temporary workspace), a DDI
// client's poll shows in the status bar, stop works, and a failed start says why. The settings
// dialog round-trips its fields through the settings store, refuses what fleetctl refuses, and
// creates, shows and exports the server certificate.
#include "DdiFixture.h"
#include "DeviceTableModel.h"
#include "MainWindow.h"
#include "ddi/DdiTokenService.h"
#include "ddi/UpdateServerSettings.h"
#include "demo/DemoFleet.h"
#include "devices/DevicesPage.h"
#include "settings/MemorySecretStore.h"
#include "settings/UpdateServerController.h"
#include "settings/UpdateServerDialog.h"
#include "settings/UpdateServerStatusLabel.h"
#include "tls/ServerTlsIdentity.h"

#include <QAction>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSslConfiguration>
#include <QStandardPaths>
#include <QTableView>
#include <QTcpServer>
#include <QTest>

using namespace fleet;
using fleet::test::DdiFixture;

namespace {

constexpr int kWait = 60000; // creating the CA and server keys on a busy machine

UpdateServerSettings loopback(bool plainHttp)
{
    UpdateServerSettings s;
    s.port = 0;
    s.listenAddress = QStringLiteral("127.0.0.1");
    s.plainHttp = plainHttp;
    return s;
}

// A DDI poll as SWUpdate sends it; returns the HTTP status (0: no answer).
int poll(QNetworkAccessManager &net, const QString &scheme, quint16 port, const QString &token,
         const QList<QSslCertificate> &trusted = {})
{
    QNetworkRequest request(
        QUrl(QStringLiteral("%1://127.0.0.1:%2/default/controller/v1/gw-7").arg(scheme).arg(port)));
    request.setRawHeader("Authorization", "TargetToken " + token.toUtf8());
    request.setRawHeader("Accept", "application/hal+json");
    if (!trusted.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(trusted);
        request.setSslConfiguration(tls);
    }
    std::unique_ptr<QNetworkReply> reply(net.get(request));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 20000))
        return 0;
    if (reply->error() != QNetworkReply::NoError &&
        reply->error() < QNetworkReply::ContentAccessDenied)
        qWarning("poll failed: %s", qPrintable(reply->errorString()));
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

} // namespace

class TestUpdateServerUi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("FleetdeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_updateserverui"));
        QSettings().clear();
    }

    void servesPlainHttpAndReportsInTheStatusBar()
    {
        DdiFixture f;
        QVERIFY(
            UpdateServerSettingsStore(f.ws.db(), f.ws.session().audit()).save(loopback(true)).ok());
        QWidget window;
        UpdateServerController controller(f.ws.session(), &window);
        UpdateServerStatusLabel label;
        label.setController(&controller);
        QCOMPARE(label.text(), QStringLiteral("Update server: off"));
        QVERIFY(controller.startAction()->isEnabled());
        QVERIFY(!controller.stopAction()->isEnabled());

        controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), UpdateServerController::State::Listening,
                                  kWait);
        QVERIFY2(controller.lastError().isEmpty(), qPrintable(controller.lastError()));
        QVERIFY(controller.port() != 0);
        QVERIFY(controller.url().startsWith(QLatin1String("http://")));
        QVERIFY(controller.url().endsWith(QStringLiteral(":%1").arg(controller.port())));
        QVERIFY(!controller.startAction()->isEnabled());
        QVERIFY(controller.stopAction()->isEnabled());
        QCOMPARE(
            label.text(),
            QStringLiteral("Update server: listening on %1 · 0 requests").arg(controller.url()));

        QNetworkAccessManager net;
        QCOMPARE(
            poll(net, QStringLiteral("http"), controller.port(), f.token(QStringLiteral("gw-7"))),
            200);
        QCOMPARE(poll(net, QStringLiteral("http"), controller.port(), QStringLiteral("wrong")),
                 401);
        // The counters come every 2 s; the label follows them.
        QTRY_VERIFY_WITH_TIMEOUT(label.text().endsWith(QStringLiteral("· 2 requests")), 10000);
        QCOMPARE(controller.counters().responses2xx, quint64(1));
        QCOMPARE(controller.counters().responses4xx, quint64(1));

        const quint16 port = controller.port();
        controller.stop();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), UpdateServerController::State::Stopped,
                                  kWait);
        QCOMPARE(label.text(), QStringLiteral("Update server: off"));
        QVERIFY(controller.startAction()->isEnabled());
        // Stopped means stopped: the port is free again.
        QTcpServer probe;
        QVERIFY2(probe.listen(QHostAddress::LocalHost, port), qPrintable(probe.errorString()));
    }

    void servesHttpsWithTheWorkspaceCertificate()
    {
        DdiFixture f;
        UpdateServerSettings settings = loopback(false);
        settings.publicUrl = QStringLiteral("https://fleet-updates.example.test:8443");
        QVERIFY(UpdateServerSettingsStore(f.ws.db(), f.ws.session().audit()).save(settings).ok());
        QWidget window;
        UpdateServerController controller(f.ws.session(), &window);
        UpdateServerStatusLabel label;
        label.setController(&controller);
        QSignalSpy messages(&controller, &UpdateServerController::message);
        controller.start();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), UpdateServerController::State::Listening,
                                  kWait);
        QVERIFY2(controller.lastError().isEmpty(), qPrintable(controller.lastError()));
        QVERIFY(controller.url().startsWith(QLatin1String("https://")));
        QVERIFY(label.text().startsWith(QStringLiteral("Update server: listening on https://")));
        // The certificate was created for this workspace, and said so.
        QVERIFY(!messages.isEmpty());
        QVERIFY(messages.last().at(0).toString().contains(QLatin1String("certificate")));
        const QString caPath =
            QDir(ServerTlsIdentity::directoryForWorkspace(f.ws.path())).filePath("ca.pem");
        QVERIFY(QFile::exists(caPath));
        const QList<QSslCertificate> ca = QSslCertificate::fromPath(caPath);
        QCOMPARE(ca.size(), 1);
        // Devices that use the public URL check the certificate against its host.
        auto info = ServerTlsIdentity(f.ws.db(), f.ws.session().audit(), f.ws.path()).info();
        QVERIFY2(info, qPrintable(info.message()));
        QVERIFY(info->server.names.dnsNames.contains(QLatin1String("fleet-updates.example.test")));
        QVERIFY(info->server.names.addresses.contains(QHostAddress(QHostAddress::LocalHost)));

        QNetworkAccessManager net;
        QCOMPARE(poll(net, QStringLiteral("https"), controller.port(),
                      f.token(QStringLiteral("gw-7")), ca),
                 200);
        controller.refreshCounters();
        QTRY_VERIFY_WITH_TIMEOUT(label.text().endsWith(QStringLiteral("· 1 request")), 10000);
        controller.stop();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), UpdateServerController::State::Stopped,
                                  kWait);
    }

    void failedStartSaysWhy()
    {
        DdiFixture f;
        QTcpServer occupant;
        QVERIFY(occupant.listen(QHostAddress::LocalHost));
        UpdateServerSettings s = loopback(true);
        s.port = occupant.serverPort();
        QVERIFY(UpdateServerSettingsStore(f.ws.db(), f.ws.session().audit()).save(s).ok());
        QWidget window;
        UpdateServerController controller(f.ws.session(), &window);
        UpdateServerStatusLabel label;
        label.setController(&controller);
        QSignalSpy messages(&controller, &UpdateServerController::message);
        controller.start();
        QTRY_VERIFY_WITH_TIMEOUT(!messages.isEmpty(), kWait);
        QCOMPARE(controller.state(), UpdateServerController::State::Stopped);
        QVERIFY(
            controller.lastError().startsWith(QLatin1String("The update server did not start")));
        QVERIFY2(label.text().startsWith(QStringLiteral("Update server: off — The update server "
                                                        "did not start")),
                 qPrintable(label.text()));
        QVERIFY(controller.startAction()->isEnabled());
    }

    void startIfEnabledFollowsTheSettings()
    {
        DdiFixture f;
        QWidget window;
        UpdateServerController controller(f.ws.session(), &window);
        controller.startIfEnabled(); // disabled by default
        QCOMPARE(controller.state(), UpdateServerController::State::Stopped);
        UpdateServerSettings s = loopback(true);
        s.enabled = true;
        QVERIFY(UpdateServerSettingsStore(f.ws.db(), f.ws.session().audit()).save(s).ok());
        controller.startIfEnabled();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), UpdateServerController::State::Listening,
                                  kWait);
        // Destroyed while listening: the destructor stops it (no leak, no crash).
    }

    void dialogRoundTripsTheSettings()
    {
        DdiFixture f;
        UpdateServerSettings stored;
        stored.port = 9443;
        stored.tenant = QStringLiteral("plant-a");
        stored.pollIntervalSeconds = 120;
        stored.publicUrl = QStringLiteral("https://updates.example.com:9443");
        QVERIFY(UpdateServerSettingsStore(f.ws.db(), f.ws.session().audit()).save(stored).ok());
        QWidget window;
        UpdateServerController controller(f.ws.session(), &window);
        UpdateServerDialog *dialog = controller.openSettings();
        QVERIFY(dialog);
        QCOMPARE(controller.openSettings(), dialog); // one at a time
        QVERIFY(dialog->settings() == stored);

        auto *port = dialog->findChild<QSpinBox *>(QStringLiteral("portSpin"));
        auto *tenant = dialog->findChild<QLineEdit *>(QStringLiteral("tenantEdit"));
        auto *address = dialog->findChild<QLineEdit *>(QStringLiteral("addressEdit"));
        auto *publicUrl = dialog->findChild<QLineEdit *>(QStringLiteral("publicUrlEdit"));
        auto *plain = dialog->findChild<QCheckBox *>(QStringLiteral("plainHttpCheck"));
        auto *enabled = dialog->findChild<QCheckBox *>(QStringLiteral("enabledCheck"));
        auto *poll = dialog->findChild<QSpinBox *>(QStringLiteral("pollIntervalSpin"));
        auto *buttons = dialog->findChild<QDialogButtonBox *>(QStringLiteral("buttons"));
        auto *validation = dialog->findChild<QLabel *>(QStringLiteral("settingsValidation"));
        auto *howTo = dialog->findChild<QLabel *>(QStringLiteral("howDevicesConnect"));
        QVERIFY(port && tenant && address && publicUrl && plain && enabled && poll && buttons &&
                validation && howTo);
        QVERIFY(howTo->text().contains(
            QLatin1String("https://updates.example.com:9443/plant-a/controller/v1/")));
        QVERIFY(howTo->text().contains(QLatin1String("TargetToken")));

        // fleetctl's checks: an https public URL does not go with plain HTTP.
        plain->setChecked(true);
        QVERIFY(!buttons->button(QDialogButtonBox::Save)->isEnabled());
        QVERIFY(validation->isVisibleTo(dialog));
        QVERIFY(validation->text().contains(QLatin1String("http://HOST")));
        publicUrl->clear();
        QVERIFY(buttons->button(QDialogButtonBox::Save)->isEnabled());
        tenant->setText(QStringLiteral("a/b"));
        QVERIFY(!buttons->button(QDialogButtonBox::Save)->isEnabled());
        QVERIFY(validation->text().contains(QLatin1String("tenant")));
        tenant->setText(QStringLiteral("line-2"));
        address->setText(QStringLiteral("127.0.0.1"));
        port->setValue(8080);
        poll->setValue(30);
        enabled->setChecked(true);
        QVERIFY(howTo->text().contains(QLatin1String("/line-2/controller/v1/")));
        QVERIFY(howTo->text().contains(QLatin1String("unprotected")));
        const qint64 entries = f.ws.auditCount();
        QTest::mouseClick(buttons->button(QDialogButtonBox::Save), Qt::LeftButton);
        QCOMPARE(f.ws.auditCount(), entries + 1);

        auto loaded = UpdateServerSettingsStore(f.ws.db(), f.ws.session().audit()).load();
        QVERIFY(loaded);
        QCOMPARE(loaded->port, 8080);
        QCOMPARE(loaded->tenant, QStringLiteral("line-2"));
        QCOMPARE(loaded->listenAddress, QStringLiteral("127.0.0.1"));
        QCOMPARE(loaded->plainHttp, true);
        QCOMPARE(loaded->publicUrl, QString());
        QCOMPARE(loaded->pollIntervalSeconds, 30);
        QCOMPARE(loaded->enabled, true);
        QVERIFY(loaded.value() == dialog->settings());
        dialog->close();
    }

    void dialogStartsAndStopsTheServer()
    {
        DdiFixture f;
        QWidget window;
        UpdateServerController controller(f.ws.session(), &window);
        UpdateServerDialog *dialog = controller.openSettings();
        dialog->setSettings(loopback(true));
        auto *start = dialog->findChild<QPushButton *>(QStringLiteral("startButton"));
        auto *stop = dialog->findChild<QPushButton *>(QStringLiteral("stopButton"));
        auto *state = dialog->findChild<QLabel *>(QStringLiteral("serverState"));
        QVERIFY(start && stop && state);
        QVERIFY(start->isEnabled());
        QVERIFY(!stop->isEnabled());
        // Fields that do not validate do not start anything (not even the stored settings).
        UpdateServerSettings invalid = loopback(true);
        invalid.tenant = QStringLiteral("no/slash");
        dialog->setSettings(invalid);
        QTest::mouseClick(start, Qt::LeftButton);
        QCOMPARE(controller.state(), UpdateServerController::State::Stopped);
        QVERIFY(dialog->messageLabel()->text().startsWith(
            QLatin1String("Correct the settings first: The tenant 'no/slash'")));
        dialog->setSettings(loopback(true));
        QTest::mouseClick(start, Qt::LeftButton); // saves the edited fields first
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), UpdateServerController::State::Listening,
                                  kWait);
        QVERIFY(UpdateServerSettingsStore(f.ws.db(), f.ws.session().audit()).load()->plainHttp);
        QVERIFY(state->text().startsWith(QStringLiteral("Listening on %1").arg(controller.url())));
        QVERIFY(stop->isEnabled());
        QVERIFY(!start->isEnabled());
        QTest::mouseClick(stop, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), UpdateServerController::State::Stopped,
                                  kWait);
        QCOMPARE(state->text(), QStringLiteral("Stopped."));
        dialog->close();
    }

    void dialogCreatesShowsAndExportsTheCertificate()
    {
        DdiFixture f;
        QWidget window;
        UpdateServerController controller(f.ws.session(), &window);
        UpdateServerDialog *dialog = controller.openSettings();
        QSignalSpy loaded(dialog, &UpdateServerDialog::certificateLoaded);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, kWait);
        QVERIFY(!dialog->certificate());
        auto *renew = dialog->findChild<QPushButton *>(QStringLiteral("renewCertificateButton"));
        auto *exportCa = dialog->findChild<QPushButton *>(QStringLiteral("exportCaButton"));
        auto *source = dialog->findChild<QLabel *>(QStringLiteral("certificateSource"));
        auto *fingerprint = dialog->findChild<QLabel *>(QStringLiteral("certificateFingerprint"));
        auto *names = dialog->findChild<QLabel *>(QStringLiteral("certificateNames"));
        auto *subject = dialog->findChild<QLabel *>(QStringLiteral("certificateSubject"));
        auto *issuer = dialog->findChild<QLabel *>(QStringLiteral("certificateIssuer"));
        QVERIFY(renew && exportCa && source && fingerprint && names && subject && issuer);
        QVERIFY(source->text().startsWith(QLatin1String("None yet")));
        QVERIFY(!exportCa->isEnabled());
        QCOMPARE(renew->text(), QStringLiteral("Create certificate"));

        QSignalSpy done(dialog, &UpdateServerDialog::certificateOperationFinished);
        QTest::mouseClick(renew, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, kWait);
        QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
        QVERIFY(dialog->certificate());
        const CertificateDetails server = dialog->certificate()->server;
        QCOMPARE(fingerprint->text(), server.sha256Fingerprint);
        QCOMPARE(subject->text(), server.subject);
        QCOMPARE(issuer->text(), server.issuer);
        QVERIFY(names->text().contains(QLatin1String("127.0.0.1")));
        QVERIFY(source->text().contains(QLatin1String("local CA")));
        QVERIFY(exportCa->isEnabled());
        QCOMPARE(renew->text(), QStringLiteral("Renew certificate"));

        // Renewing issues another certificate (another fingerprint), audited.
        const qint64 entries = f.ws.auditCount();
        QTest::mouseClick(renew, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 2, kWait);
        QVERIFY2(done.at(1).at(0).toBool(), qPrintable(done.at(1).at(1).toString()));
        QVERIFY(fingerprint->text() != server.sha256Fingerprint);
        QVERIFY(f.ws.auditCount() > entries);

        const QString exported = QDir(f.ws.dir()).filePath(QStringLiteral("fleet-ca.pem"));
        dialog->exportCaCertificate(exported);
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 3, kWait);
        QVERIFY2(done.at(2).at(0).toBool(), qPrintable(done.at(2).at(1).toString()));
        const QList<QSslCertificate> ca = QSslCertificate::fromPath(exported);
        QCOMPARE(ca.size(), 1);
        QVERIFY(ca.first().isSelfSigned());
        QVERIFY(dialog->messageLabel()->text().contains(exported));

        // An export that cannot be written says so in plain words.
        dialog->exportCaCertificate(
            QDir(f.ws.dir()).filePath(QStringLiteral("no/such/dir/ca.pem")));
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 4, kWait);
        QVERIFY(!done.at(3).at(0).toBool());
        QVERIFY(done.at(3).at(1).toString().startsWith(
            QLatin1String("The CA certificate was not exported: ")));
        dialog->close();
    }

    void mainWindowHasTheMenuAndTheStatusField()
    {
        DdiFixture f;
        QVERIFY(
            UpdateServerSettingsStore(f.ws.db(), f.ws.session().audit()).save(loopback(true)).ok());
        MainWindow window(f.ws.session(), std::make_unique<MemorySecretStore>());
        window.resize(1400, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.updateServer());
        QVERIFY(window.updateServerStatus());
        QVERIFY(window.findChild<QAction *>(QStringLiteral("updateServerSettingsAction")));
        QCOMPARE(window.updateServerStatus()->text(), QStringLiteral("Update server: off"));
        window.updateServer()->startAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window.updateServer()->state(),
                                  UpdateServerController::State::Listening, kWait);
        QVERIFY(window.updateServerStatus()->text().startsWith(
            QLatin1String("Update server: listening on http://")));
        window.updateServer()->settingsAction()->trigger();
        auto *dialog = window.findChild<UpdateServerDialog *>(QStringLiteral("updateServerDialog"));
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QSignalSpy loaded(dialog, &UpdateServerDialog::certificateLoaded);
        dialog->reloadCertificate(); // the first load may be done already
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, kWait);

        // Another workspace: the server of this one stops, its dialog closes with it.
        const QPointer<UpdateServerDialog> open(dialog);
        QVERIFY(window.openWorkspace(QDir(f.ws.dir()).filePath(QStringLiteral("other.fleetdesk")),
                                     true));
        QVERIFY(!open);
        QCOMPARE(window.updateServer()->state(), UpdateServerController::State::Stopped);
        QCOMPARE(window.updateServerStatus()->text(), QStringLiteral("Update server: off"));
        saveScreenshotsIfAsked();
    }

    void launchStartWaitsForTheIntegrityCheck()
    {
        // At launch the workspace is read-only until its deferred check passes: the server
        // starts then, not before (and not with a "read-only" complaint).
        DdiFixture f;
        UpdateServerSettings s = loopback(true);
        s.enabled = true;
        QVERIFY(UpdateServerSettingsStore(f.ws.db(), f.ws.session().audit()).save(s).ok());
        Workspace::OpenOptions options;
        options.create = false;
        options.deferIntegrityCheck = true;
        auto session = WorkspaceSession::open(f.ws.path(), options, f.ws.clock(),
                                              fleet::test::TestWorkspace::testActor());
        QVERIFY2(session.ok(), qPrintable(session.message()));
        QVERIFY(session.value()->workspace().isIntegrityCheckPending());
        MainWindow window(*session.value(), std::make_unique<MemorySecretStore>());
        QSignalSpy finished(&window, &MainWindow::integrityCheckFinished);
        if (finished.isEmpty()) {
            window.startUpdateServerIfEnabled();
            QCOMPARE(window.updateServer()->state(), UpdateServerController::State::Stopped);
            QVERIFY(window.updateServer()->lastError().isEmpty());
        } else {
            window.startUpdateServerIfEnabled(); // already checked: starts at once
        }
        QTRY_COMPARE_WITH_TIMEOUT(window.updateServer()->state(),
                                  UpdateServerController::State::Listening, kWait);
        QVERIFY(!window.session().workspace().isReadOnly());
    }

private:
    // FLEETDESK_SCREENSHOT_DIR set: the demo fleet's window with the update server running over
    // HTTPS after a few polls, and its settings dialog, for the docs.
    void saveScreenshotsIfAsked()
    {
        const QString dir = qEnvironmentVariable("FLEETDESK_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        fleet::test::TestWorkspace ws;
        QVERIFY(DemoFleet::seed(ws.db(), ws.session().audit(), ws.clock()).ok());
        const QString uid = fleet::test::scalarOf(ws.db(), QStringLiteral("SELECT uid FROM devices "
                                                                          "ORDER BY id LIMIT 1"))
                                .toString();
        auto token = DdiTokenService(ws.db(), ws.session().audit()).issueDeviceToken(uid);
        QVERIFY(token);
        UpdateServerSettings s;
        s.enabled = true;
        QTcpServer probe; // 8443 when it is free, for a picture that looks like the real thing
        if (!probe.listen(QHostAddress::Any, 8443))
            s.port = 0;
        probe.close();
        QVERIFY(UpdateServerSettingsStore(ws.db(), ws.session().audit()).save(s).ok());
        MainWindow window(ws.session(), std::make_unique<MemorySecretStore>());
        window.resize(1600, 940);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.devicesPage()->model()->hasQueryFinished(), kWait);
        window.devicesPage()->table()->selectRow(0); // the details show "DDI token…"
        window.updateServer()->start();
        QTRY_COMPARE_WITH_TIMEOUT(window.updateServer()->state(),
                                  UpdateServerController::State::Listening, kWait);
        const QList<QSslCertificate> ca = QSslCertificate::fromPath(
            QDir(ServerTlsIdentity::directoryForWorkspace(ws.path())).filePath("ca.pem"));
        QNetworkAccessManager net;
        for (int i = 0; i < 3; ++i) {
            QNetworkRequest request(
                QUrl(QStringLiteral("https://127.0.0.1:%1/default/controller/v1/%2")
                         .arg(window.updateServer()->port())
                         .arg(uid)));
            request.setRawHeader("Authorization", "TargetToken " + token->token.toUtf8());
            QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
            tls.setCaCertificates(ca);
            request.setSslConfiguration(tls);
            std::unique_ptr<QNetworkReply> reply(net.get(request));
            QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), kWait);
        }
        window.updateServer()->refreshCounters();
        QTRY_VERIFY_WITH_TIMEOUT(window.updateServer()->counters().requests == 3, kWait);
        window.updateServer()->settingsAction()->trigger();
        auto *dialog = window.findChild<UpdateServerDialog *>(QStringLiteral("updateServerDialog"));
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QSignalSpy loaded(dialog, &UpdateServerDialog::certificateLoaded);
        dialog->reloadCertificate();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, kWait);
        QCoreApplication::processEvents();
        QVERIFY(window.grab().save(QDir(dir).filePath(QStringLiteral("update-server-window.png"))));
        QVERIFY(dialog->grab().save(QDir(dir).filePath(QStringLiteral("update-server.png"))));
        dialog->close();
    }
};

QTEST_MAIN(TestUpdateServerUi)
#include "tst_updateserverui.moc"
