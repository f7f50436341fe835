#include "../models/DeviceFixtures.h"
#include "DeviceTableModel.h"
#include "MainWindow.h"
#include "audit/AuditPage.h"
#include "common/PlaceholderPage.h"
#include "devices/DevicesPage.h"
#include "firmware/FirmwarePage.h"

#include <QAction>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTest>

using namespace fleet;
using fleet::test::DeviceFixtures;
using fleet::test::TestWorkspace;

namespace {
constexpr int kDevices = 12;
constexpr int kWait = 10000;
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("FleetdeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    }

    void init()
    {
        QSettings().clear();
        m_ws = std::make_unique<TestWorkspace>();
        DeviceFixtures::seed(m_ws->db(), kDevices);
        m_window = std::make_unique<MainWindow>(m_ws->session());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->devicesPage()->model()->hasQueryFinished(), kWait);
    }

    void cleanup()
    {
        m_window.reset();
        m_ws.reset();
    }

    void startsOnDevicesWithAStatusBar()
    {
        QCOMPARE(m_window->currentSection(), MainWindow::Devices);
        QVERIFY(m_window->devicesPage()->isVisible());
        QVERIFY(!m_window->banner()->isVisible());
        QCOMPARE(label(QStringLiteral("workspacePathLabel"))->text(), m_ws->path());
        QTRY_COMPARE_WITH_TIMEOUT(label(QStringLiteral("deviceCountLabel"))->text(),
                                  QStringLiteral("12 devices"), kWait);
        QCOMPARE(label(QStringLiteral("operatorLabel"))->text(),
                 QStringLiteral("Operator: Test Operator"));
    }

    void navigationShowsWhatIsNotBuiltYet()
    {
        clickSection(MainWindow::Firmware);
        QCOMPARE(m_window->sectionWidget(MainWindow::Firmware),
                 static_cast<QWidget *>(m_window->firmwarePage()));
        QVERIFY(m_window->firmwarePage()->isVisible());
        QCOMPARE(placeholderText(MainWindow::Firmware), QString());

        clickSection(MainWindow::Rollouts);
        QCOMPARE(m_window->sectionWidget(MainWindow::Rollouts)->objectName(),
                 QStringLiteral("rolloutsPage"));
        QCOMPARE(placeholderText(MainWindow::Rollouts), QString());

        for (auto section :
             {MainWindow::Vulnerabilities, MainWindow::Compliance, MainWindow::LabBench}) {
            clickSection(section);
            QVERIFY(m_window->sectionWidget(section)->isVisible());
            const QString text = placeholderText(section);
            QVERIFY2(text.startsWith(QStringLiteral("Not built yet.\n")), qPrintable(text));
            QVERIFY(text.size() > QStringLiteral("Not built yet.\n").size() + 20);
        }

        clickSection(MainWindow::Audit);
        QVERIFY(m_window->auditPage()->isVisible());
        clickSection(MainWindow::Devices);
        QVERIFY(m_window->devicesPage()->isVisible());
    }

    void menusHoldTheCommands()
    {
        const QStringList expected = {QStringLiteral("File"), QStringLiteral("Edit"),
                                      QStringLiteral("View"), QStringLiteral("Tools"),
                                      QStringLiteral("Settings"), QStringLiteral("Help")};
        QStringList menus;
        for (QAction *action : m_window->menuBar()->actions())
            menus << action->text().remove(QLatin1Char('&'));
        QCOMPARE(menus, expected);
        const QStringList file = menuTexts(0);
        for (const QString &item :
             {QStringLiteral("Open workspace…"), QStringLiteral("New workspace…"),
              QStringLiteral("Import devices (CSV/JSON)…"), QStringLiteral("Export devices…"),
              QStringLiteral("Back up workspace…"), QStringLiteral("Quit")})
            QVERIFY2(file.contains(item), qPrintable(item));
        QCOMPARE(menuTexts(1),
                 (QStringList{QStringLiteral("Copy as CSV"), QStringLiteral("Select all")}));
        QCOMPARE(menuTexts(2), QStringList{QStringLiteral("Columns…")});
        QCOMPARE(menuTexts(3), (QStringList{QStringLiteral("Set operator name…"),
                                            QStringLiteral("Verify audit trail")}));
        QCOMPARE(menuTexts(4), (QStringList{QStringLiteral("Broker settings…"),
                                            QStringLiteral("Connect to broker"),
                                            QStringLiteral("Disconnect from broker"),
                                            QStringLiteral("Update server…"),
                                            QStringLiteral("Start update server"),
                                            QStringLiteral("Stop update server")}));
    }

    void aboutNamesTheLicence()
    {
        QMenu *help = m_window->menuBar()->actions().at(5)->menu();
        help->actions().first()->trigger();
        auto *about = m_window->findChild<QMessageBox *>(QStringLiteral("aboutBox"));
        QVERIFY(about);
        QVERIFY(about->text().contains(QStringLiteral("GPL-3.0-or-later")));
        about->close();
    }

    void operatorNameGoesIntoTheAuditTrail()
    {
        QMenu *tools = m_window->menuBar()->actions().at(3)->menu();
        tools->actions().first()->trigger();
        auto *prompt = m_window->findChild<QInputDialog *>(QStringLiteral("operatorPrompt"));
        QVERIFY(prompt);
        prompt->setTextValue(QStringLiteral("Dana Night Shift"));
        prompt->accept();
        QCOMPARE(label(QStringLiteral("operatorLabel"))->text(),
                 QStringLiteral("Operator: Dana Night Shift"));
        QCOMPARE(QSettings().value(QStringLiteral("operatorName")).toString(),
                 QStringLiteral("Dana Night Shift"));
        QVERIFY(m_ws->session().inventory().setNotes(1, QStringLiteral("checked")).ok());
        auto entries = AuditQuery::list(m_ws->db(), {}, 0, 1);
        QVERIFY(entries.ok());
        QCOMPARE(entries->first().operatorName, QStringLiteral("Dana Night Shift"));
    }

    void verifyAuditTrailShowsTheResult()
    {
        QSignalSpy verified(m_window->auditPage(), &AuditPage::verified);
        QMenu *tools = m_window->menuBar()->actions().at(3)->menu();
        tools->actions().at(1)->trigger();
        QCOMPARE(m_window->currentSection(), MainWindow::Audit);
        QTRY_COMPARE_WITH_TIMEOUT(verified.count(), 1, kWait);
        QVERIFY(m_window->auditPage()->verifyResultLabel()->text().startsWith(
            QStringLiteral("Audit trail intact")));
    }

    void backupWritesACopy()
    {
        const QString target = m_ws->dir() + QStringLiteral("/backup.fleetdesk");
        QSignalSpy finished(m_window.get(), &MainWindow::backupFinished);
        m_window->backUpTo(target);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QVERIFY(QFileInfo(target).size() > 0);
    }

    void openingAnotherWorkspaceReplacesThePages()
    {
        const QString other = m_ws->dir() + QStringLiteral("/other.fleetdesk");
        QVERIFY(m_window->openWorkspace(other, true));
        QCOMPARE(m_window->session().workspace().path(), other);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->devicesPage()->model()->hasQueryFinished(), kWait);
        QCOMPARE(m_window->devicesPage()->model()->rowCount(), 0);
        QCOMPARE(label(QStringLiteral("workspacePathLabel"))->text(), other);
        QVERIFY(m_window->windowTitle().contains(QStringLiteral("other.fleetdesk")));

        // A file that is not a workspace is refused, and the open one stays.
        const QString bogus = m_ws->dir() + QStringLiteral("/missing.fleetdesk");
        QVERIFY(!m_window->openWorkspace(bogus, false));
        QCOMPARE(m_window->session().workspace().path(), other);
        auto *error = m_window->findChild<QMessageBox *>(QStringLiteral("errorMessage"));
        QVERIFY(error);
        error->close();
    }

    void readOnlyWorkspaceShowsABanner()
    {
        m_window.reset();
        Workspace::OpenOptions options;
        options.create = false;
        options.readOnly = true;
        auto session = WorkspaceSession::open(m_ws->path(), options, m_ws->clock(),
                                              TestWorkspace::testActor());
        QVERIFY2(session.ok(), qPrintable(session.message()));
        MainWindow window(*session.value());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.banner()->isVisible());
        QVERIFY(window.banner()->text().startsWith(QStringLiteral("Read-only")));
        QVERIFY(!window.devicesPage()->importAction()->isEnabled());
        QVERIFY(window.findChild<QLabel *>(QStringLiteral("workspacePathLabel"))
                    ->text()
                    .endsWith(QStringLiteral("(read-only)")));
    }

    void deferredIntegrityCheckUnlocksWritesWhenItPasses()
    {
        // The window opens a workspace before its whole-file check: read-only, with a notice,
        // until the check passes on a worker; then the pages offer changes again.
        m_window.reset();
        Workspace::OpenOptions options;
        options.create = false;
        options.deferIntegrityCheck = true;
        auto session = WorkspaceSession::open(m_ws->path(), options, m_ws->clock(),
                                              TestWorkspace::testActor());
        QVERIFY2(session.ok(), qPrintable(session.message()));
        QVERIFY(session.value()->workspace().isIntegrityCheckPending());
        QVERIFY(session.value()->workspace().isReadOnly());
        MainWindow window(*session.value());
        QSignalSpy finished(&window, &MainWindow::integrityCheckFinished);
        window.showSection(MainWindow::Audit);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        if (finished.isEmpty()) // the check may already be done on a 12-device workspace
            QVERIFY(window.banner()->text().startsWith(QStringLiteral("Checking")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWait);
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QVERIFY(!window.session().workspace().isReadOnly());
        QVERIFY(!window.banner()->isVisible());
        QVERIFY(window.devicesPage()->importAction()->isEnabled());
        QCOMPARE(window.currentSection(), MainWindow::Audit);
        // Writes go through again.
        auto ids = window.session().inventory().idsForUids({QStringLiteral("dev-0001")});
        QVERIFY2(ids.ok(), qPrintable(ids.message()));
        auto tagged = window.session().inventory().addTag(ids.value(), QStringLiteral("x"));
        QVERIFY2(tagged.ok(), qPrintable(tagged.message()));
    }

    void geometryIsRemembered()
    {
        m_window->resize(1111, 777);
        m_window->close();
        m_window.reset();
        MainWindow again(m_ws->session());
        QCOMPARE(again.size(), QSize(1111, 777));
    }

private:
    QLabel *label(const QString &name) const { return m_window->findChild<QLabel *>(name); }

    void clickSection(MainWindow::Section section)
    {
        QListWidget *nav = m_window->navigation();
        const QRect rect = nav->visualItemRect(nav->item(section));
        QTest::mouseClick(nav->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(m_window->currentSection(), section);
    }

    QString placeholderText(MainWindow::Section section) const
    {
        auto *page = qobject_cast<PlaceholderPage *>(m_window->sectionWidget(section));
        if (!page)
            return {};
        auto *text = page->findChild<QLabel *>(QStringLiteral("placeholderText"));
        return text && text->isVisible() ? text->text() : QString();
    }

    QStringList menuTexts(int menu) const
    {
        QStringList texts;
        for (QAction *action : m_window->menuBar()->actions().at(menu)->menu()->actions())
            if (!action->isSeparator())
                texts << action->text().remove(QLatin1Char('&'));
        return texts;
    }

    std::unique_ptr<TestWorkspace> m_ws;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
