// The broker settings dialog: "Test connection" against a real mosquitto names the failing
// stage (TCP for a closed port) or the MQTT version; saving keeps the password in the secret
// store, never in the workspace, and says so when no keychain is available.
#include "MosquittoBroker.h"
#include "TestWorkspace.h"
#include "settings/BrokerProfileStore.h"
#include "settings/BrokerSettingsDialog.h"
#include "settings/MemorySecretStore.h"

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

using namespace fleet;
using fleet::test::MosquittoBroker;
using fleet::test::TestWorkspace;

namespace {
constexpr int kWait = 20000;
} // namespace

class TestBrokerSettingsDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("FleetdeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_brokersettingsdialog"));
    }

    void init()
    {
        QSettings().clear();
        m_ws = std::make_unique<TestWorkspace>();
        m_secrets = std::make_unique<MemorySecretStore>();
        m_dialog = std::make_unique<BrokerSettingsDialog>(m_ws->session(), *m_secrets);
        m_dialog->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
    }

    void cleanup()
    {
        m_dialog.reset();
        m_secrets.reset();
        m_broker.reset();
        m_ws.reset();
    }

    void closedPortReportsTheTcpStage()
    {
        m_broker = std::make_unique<MosquittoBroker>();
        QVERIFY2(m_broker->start(), qPrintable(m_broker->errorString()));
        const int port = m_broker->port();
        m_broker.reset(); // nothing listens on the port any more
        fill(QStringLiteral("Closed"), port);
        QTest::mouseClick(button("testConnectionButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(button("testConnectionButton")->isEnabled(), kWait);
        const QString result = m_dialog->testResultLabel()->text();
        QVERIFY2(result.startsWith(QStringLiteral("TCP failed")), qPrintable(result));
    }

    void runningBrokerReportsTheProtocol()
    {
        m_broker = std::make_unique<MosquittoBroker>();
        QVERIFY2(m_broker->start(), qPrintable(m_broker->errorString()));
        // Another profile, saved and active, next to the one being tried out.
        fill(QStringLiteral("Plant A"), MqttBrokerProfile::DefaultTlsPort);
        edit("hostEdit")->setText(QStringLiteral("broker.plant-a.example"));
        m_dialog->findChild<QCheckBox *>(QStringLiteral("tlsCheck"))->setChecked(true);
        QVERIFY(m_dialog->saveProfile());
        m_dialog->makeActive();
        m_dialog->newProfile();
        fill(QStringLiteral("Lab bench"), m_broker->port());
        edit("usernameEdit")->setText(QStringLiteral("bench"));
        QTest::mouseClick(button("testConnectionButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(m_dialog->testResultLabel()->text(),
                                  QStringLiteral("Connected with MQTT 5."), kWait);
        saveScreenshot();
    }

    void wrongPasswordReportsAuthentication()
    {
        MosquittoBroker::Options options;
        options.users = {{QStringLiteral("fleetdesk"), QStringLiteral("right-password")}};
        m_broker = std::make_unique<MosquittoBroker>(options);
        QVERIFY2(m_broker->start(), qPrintable(m_broker->errorString()));
        fill(QStringLiteral("Auth"), m_broker->port());
        edit("usernameEdit")->setText(QStringLiteral("fleetdesk"));
        edit("passwordEdit")->setText(QStringLiteral("wrong-password"));
        QTest::mouseClick(button("testConnectionButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(
            button("testConnectionButton")->isEnabled() &&
                !m_dialog->testResultLabel()->text().startsWith(QStringLiteral("Testing")),
            kWait);
        const QString result = m_dialog->testResultLabel()->text();
        QVERIFY2(result.startsWith(QStringLiteral("authentication failed")), qPrintable(result));
    }

    void savingKeepsThePasswordOutOfTheWorkspace()
    {
        fill(QStringLiteral("Plant A"), 1883);
        edit("usernameEdit")->setText(QStringLiteral("fleetdesk"));
        const QString password = QStringLiteral("Dialog-Secret-77");
        edit("passwordEdit")->setText(password);
        QTest::mouseClick(button("saveProfileButton"), Qt::LeftButton);

        auto workspaceId = BrokerProfileStore(m_ws->db(), m_ws->session().audit()).workspaceId();
        QVERIFY(workspaceId.ok());
        const QString key =
            SecretStore::brokerPasswordKey(workspaceId.value(), QStringLiteral("Plant A"));
        QTRY_COMPARE_WITH_TIMEOUT(m_secrets->contents().value(key), password, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_dialog->messageLabel()->text().contains(QStringLiteral("OS keychain")), kWait);

        auto stored =
            BrokerProfileStore(m_ws->db(), m_ws->session().audit()).find(QStringLiteral("Plant A"));
        QVERIFY2(stored.ok(), qPrintable(stored.message()));
        QCOMPARE(stored->profile.username, QStringLiteral("fleetdesk"));
        m_dialog.reset();
        m_ws->close();
        for (const QString &suffix : {QString(), QStringLiteral("-wal")}) {
            QFile file(m_ws->path() + suffix);
            if (file.open(QIODevice::ReadOnly))
                QVERIFY(!file.readAll().contains(password.toUtf8()));
        }
    }

    void withoutKeychainTheDialogSaysSo()
    {
        m_secrets->setAvailable(false);
        fill(QStringLiteral("Headless"), 1883);
        edit("usernameEdit")->setText(QStringLiteral("fleetdesk"));
        edit("passwordEdit")->setText(QStringLiteral("not-kept"));
        QTest::mouseClick(button("saveProfileButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(m_dialog->messageLabel()->text(),
                                  SecretStore::noKeychainMessage(), kWait);
        QVERIFY(m_secrets->contents().isEmpty());
        // The profile itself is saved: only the password waits to be asked for.
        QVERIFY(BrokerProfileStore(m_ws->db(), m_ws->session().audit())
                    .find(QStringLiteral("Headless"))
                    .ok());
    }

    void makeActiveMarksTheProfile()
    {
        fill(QStringLiteral("One"), 1883);
        QTest::mouseClick(button("saveProfileButton"), Qt::LeftButton);
        QVERIFY(button("makeActiveButton")->isEnabled());
        QTest::mouseClick(button("makeActiveButton"), Qt::LeftButton);
        auto active = BrokerProfileStore(m_ws->db(), m_ws->session().audit()).active();
        QVERIFY(active.ok() && active.value().has_value());
        QCOMPARE(active.value()->name, QStringLiteral("One"));
        auto *list = m_dialog->findChild<QListWidget *>(QStringLiteral("profileList"));
        QCOMPARE(list->currentItem()->text(), QStringLiteral("One (active)"));
        QVERIFY(!button("makeActiveButton")->isEnabled());
    }

    void invalidInputIsExplainedNotSaved()
    {
        edit("profileName")->setText(QStringLiteral("No host"));
        QTest::mouseClick(button("saveProfileButton"), Qt::LeftButton);
        QVERIFY2(m_dialog->messageLabel()->text().contains(QStringLiteral("host")),
                 qPrintable(m_dialog->messageLabel()->text()));
        QVERIFY(BrokerProfileStore(m_ws->db(), m_ws->session().audit()).list().value().isEmpty());
    }

private:
    QPushButton *button(const char *name) const
    {
        auto *b = m_dialog->findChild<QPushButton *>(QLatin1String(name));
        if (!b)
            qFatal("no button %s", name);
        return b;
    }

    QLineEdit *edit(const char *name) const
    {
        auto *e = m_dialog->findChild<QLineEdit *>(QLatin1String(name));
        if (!e)
            qFatal("no line edit %s", name);
        return e;
    }

    void fill(const QString &name, int port)
    {
        edit("profileName")->setText(name);
        edit("hostEdit")->setText(QStringLiteral("127.0.0.1"));
        m_dialog->findChild<QSpinBox *>(QStringLiteral("portSpin"))->setValue(port);
    }

    // FLEETDESK_SCREENSHOT_DIR set: keeps a picture of the dialog for the docs.
    void saveScreenshot()
    {
        const QString dir = qEnvironmentVariable("FLEETDESK_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        QVERIFY(m_dialog->grab().save(QDir(dir).filePath(QStringLiteral("broker-settings.png"))));
    }

    std::unique_ptr<TestWorkspace> m_ws;
    std::unique_ptr<MemorySecretStore> m_secrets;
    std::unique_ptr<BrokerSettingsDialog> m_dialog;
    std::unique_ptr<MosquittoBroker> m_broker;
};

QTEST_MAIN(TestBrokerSettingsDialog)
#include "tst_brokersettingsdialog.moc"
