// The window's MQTT connection against a real mosquitto: the status bar follows the engine
// (connected with the URL and protocol, reconnecting after the broker goes away, disconnected),
// and reports arriving while the user looks at the table update it live without losing the
// selection, the current device or the scroll position.
#include "../models/DeviceFixtures.h"
#include "DeviceTableModel.h"
#include "MainWindow.h"
#include "MosquittoBroker.h"
#include "devices/DevicesPage.h"
#include "settings/BrokerProfileStore.h"
#include "settings/ConnectionController.h"
#include "settings/ConnectionStatusLabel.h"
#include "settings/MemorySecretStore.h"
#include "storage/WorkspaceSession.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace fleet;
using fleet::test::DeviceFixtures;
using fleet::test::MosquittoBroker;
using fleet::test::TestWorkspace;

namespace {

constexpr int kDevices = 300;
constexpr int kWait = 20000;

QByteArray inventory(qint64 seq, const QString &firmware)
{
    return QJsonDocument(
               QJsonObject{{QStringLiteral("v"), 1},
                           {QStringLiteral("seq"), seq},
                           {QStringLiteral("ts"), QStringLiteral("2026-03-02T08:00:01.250Z")},
                           {QStringLiteral("model"), QStringLiteral("NW-EG4100")},
                           {QStringLiteral("hw_revision"), QStringLiteral("C1")},
                           {QStringLiteral("firmware"),
                            QJsonObject{{QStringLiteral("version"), firmware}}}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

class TestMqttConnectionUi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("FleetdeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mqttconnectionui"));
    }

    void init()
    {
        QSettings().clear();
        m_broker = std::make_unique<MosquittoBroker>();
        QVERIFY2(m_broker->start(), qPrintable(m_broker->errorString()));
        m_ws = std::make_unique<TestWorkspace>();
        DeviceFixtures::seed(m_ws->db(), kDevices);
        BrokerProfileStore store(m_ws->db(), m_ws->session().audit());
        QVERIFY(store.create(QStringLiteral("Lab"), profile()).ok());
        QVERIFY(store.activate(QStringLiteral("Lab")).ok());
        m_window =
            std::make_unique<MainWindow>(m_ws->session(), std::make_unique<MemorySecretStore>());
        m_window->resize(1400, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->devicesPage()->model()->hasQueryFinished(), kWait);
    }

    void cleanup()
    {
        m_window.reset();
        m_ws.reset();
        m_broker.reset();
    }

    void statusBarFollowsTheConnection()
    {
        ConnectionStatusLabel *status = m_window->connectionStatus();
        QCOMPARE(status->text(), QStringLiteral("MQTT: disconnected"));
        QAction *connectAction = m_window->connection()->connectAction();
        QVERIFY(connectAction->isEnabled());
        connectAction->trigger();
        const QString url = QStringLiteral("mqtt://127.0.0.1:%1").arg(m_broker->port());
        QTRY_VERIFY_WITH_TIMEOUT(
            status->text().startsWith(QStringLiteral("MQTT: connected to %1 (MQTT 5)").arg(url)),
            kWait);
        QVERIFY(!connectAction->isEnabled());
        QVERIFY(m_window->connection()->disconnectAction()->isEnabled());

        m_broker->kill(); // the connection drops; the engine retries with its backoff
        QTRY_VERIFY_WITH_TIMEOUT(
            status->text().startsWith(QStringLiteral("MQTT: reconnecting to %1 in ").arg(url)),
            kWait);
        QVERIFY2(status->text().contains(QStringLiteral("last error TCP")),
                 qPrintable(status->text()));

        m_window->connection()->disconnectAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("MQTT: disconnected")),
                                 kWait);
        QTRY_VERIFY_WITH_TIMEOUT(connectAction->isEnabled(), kWait);
        QVERIFY(!m_window->connection()->engine().isRunning());
    }

    // What fleetdesk does at start: connect when the workspace has an active profile, and stay
    // quiet (no dialog, no message) when it has none.
    void connectsAtStartOnlyWithAnActiveProfile()
    {
        m_window->connection()->connectIfActiveProfile();
        QTRY_VERIFY_WITH_TIMEOUT(
            m_window->connectionStatus()->text().startsWith(QStringLiteral("MQTT: connected to ")),
            kWait);
        m_window->connection()->disconnectAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->connection()->connectAction()->isEnabled(), kWait);

        QVERIFY(m_ws->db().exec(QStringLiteral("UPDATE broker_profiles SET active = 0")).ok());
        QSignalSpy messages(m_window->connection(), &ConnectionController::message);
        m_window->connection()->connectIfActiveProfile();
        QTest::qWait(200);
        QVERIFY(!m_window->connection()->engine().isRunning());
        QCOMPARE(messages.count(), 0);
        QVERIFY(QApplication::activeModalWidget() == nullptr);
        QVERIFY(!m_window->findChild<QDialog *>(QStringLiteral("brokerSettingsDialog")));
    }

    // fleetdesk opens a workspace before its integrity check; the connection made at start must
    // survive the pages being rebuilt when the check passes.
    void connectionAtStartSurvivesTheDeferredIntegrityCheck()
    {
        m_window.reset();
        m_ws->close();
        Workspace::OpenOptions options;
        options.create = false;
        options.deferIntegrityCheck = true;
        auto session = WorkspaceSession::open(m_ws->path(), options, m_ws->clock(),
                                              TestWorkspace::testActor());
        QVERIFY2(session.ok(), qPrintable(session.message()));
        QVERIFY(session.value()->workspace().isIntegrityCheckPending());
        MainWindow window(*session.value(), std::make_unique<MemorySecretStore>());
        QSignalSpy checked(&window, &MainWindow::integrityCheckFinished);
        window.connectToBrokerIfActive();
        window.show();
        QTRY_COMPARE_WITH_TIMEOUT(checked.size(), 1, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.connectionStatus()->text().startsWith(QStringLiteral("MQTT: connected to ")),
            kWait);
        // Still connected a moment later: nothing rebuilt the controller under it.
        QTest::qWait(300);
        QVERIFY2(window.connectionStatus()->text().startsWith(QStringLiteral("MQTT: connected")),
                 qPrintable(window.connectionStatus()->text()));
        QVERIFY(window.connection()->engine().isRunning());
    }

    void liveUpdateKeepsSelectionAndScroll()
    {
        DevicesPage *page = m_window->devicesPage();
        QTableView *table = page->table();
        DeviceTableModel *model = page->model();
        m_window->connection()->connectAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(m_window->connection()->engine().state(),
                                  MqttClient::State::Connected, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(m_broker->log().contains(QStringLiteral("Received SUBSCRIBE")),
                                 kWait);

        // The user scrolled down and picked a device.
        table->scrollTo(model->index(150, 0), QAbstractItemView::PositionAtTop);
        table->selectionModel()->setCurrentIndex(
            model->index(160, 1), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QTRY_VERIFY_WITH_TIMEOUT(model->idAt(160) != 0, kWait);
        const qint64 selectedId = model->idAt(160);
        const int scroll = table->verticalScrollBar()->value();
        QVERIFY(scroll > 0);

        QSignalSpy resets(model, &QAbstractItemModel::modelReset);
        QSignalSpy layouts(model, &QAbstractItemModel::layoutChanged);
        // A device the workspace does not know yet, sorting first by name, and a known one
        // reporting new firmware.
        MqttClient device(profile());
        QVERIFY(device.connectToBroker().ok());
        QTRY_COMPARE_WITH_TIMEOUT(device.state(), MqttClient::State::Connected, kWait);
        QVERIFY(device
                    .publish(QStringLiteral("fleet/v1/devices/0000-newcomer/inventory"),
                             inventory(1, QStringLiteral("1.0.0")), 1)
                    .ok());
        QVERIFY(device
                    .publish(
                        QStringLiteral("fleet/v1/devices/%1/inventory").arg(DeviceFixtures::uid(7)),
                        inventory(1, QStringLiteral("7.7.7")), 1)
                    .ok());

        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), kDevices + 1, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(!layouts.isEmpty(), kWait);
        QCOMPARE(resets.count(), 0);
        // The same device is still current and selected, one row further down.
        const QModelIndex current = table->selectionModel()->currentIndex();
        QVERIFY(current.isValid());
        QCOMPARE(model->idAt(current.row()), selectedId);
        QVERIFY(table->selectionModel()->isRowSelected(current.row(), {}));
        QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
        QCOMPARE(table->verticalScrollBar()->value(), scroll);
        device.disconnectFromBroker();
    }

private:
    MqttBrokerProfile profile() const
    {
        return MqttBrokerProfile::fromUrl(
                   QStringLiteral("mqtt://127.0.0.1:%1").arg(m_broker->port()))
            .value();
    }

    std::unique_ptr<MosquittoBroker> m_broker;
    std::unique_ptr<TestWorkspace> m_ws;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestMqttConnectionUi)
#include "tst_mqttconnectionui.moc"
