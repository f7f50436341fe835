#include "../models/DeviceFixtures.h"
#include "AuditTableModel.h"
#include "DeviceTableModel.h"
#include "audit/AuditPage.h"
#include "devices/BulkActionDialog.h"
#include "devices/ColumnChooserDialog.h"
#include "devices/CsvImportDialog.h"
#include "devices/DeviceAuditTab.h"
#include "devices/DeviceComponentsTab.h"
#include "devices/DeviceDetailsPane.h"
#include "devices/DeviceFilterBar.h"
#include "devices/DeviceOverviewTab.h"
#include "devices/DevicesPage.h"
#include "devices/FacetButton.h"
#include "devices/SavedFilterBox.h"
#include "inventory/DeviceColumns.h"
#include "inventory/DeviceRepository.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace fleet;
using fleet::test::DeviceFixtures;
using fleet::test::TestWorkspace;

namespace {
constexpr int kDevices = 60;
constexpr int kWait = 10000;
} // namespace

class TestDevicesPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("FleetdeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_devicespage"));
    }

    void init()
    {
        QSettings().clear();
        m_ws = std::make_unique<TestWorkspace>();
        DeviceFixtures::seed(m_ws->db(), kDevices);
        m_page = std::make_unique<DevicesPage>(m_ws->session());
        m_page->resize(1400, 800);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
        waitForTable();
        QTRY_COMPARE_WITH_TIMEOUT(m_page->totalDevices(), qint64(kDevices), kWait);
    }

    void cleanup()
    {
        m_page.reset();
        m_ws.reset();
    }

    void countLabelSaysHowManyDevices()
    {
        QCOMPARE(model()->rowCount(), kDevices);
        QTRY_COMPARE_WITH_TIMEOUT(m_page->countLabel()->text(), QStringLiteral("60 devices"),
                                  kWait);
    }

    void typingInTheSearchBoxFilters()
    {
        QTest::keyClicks(m_page->filterBar()->searchEdit(), QStringLiteral("dev-0007"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kWait);
        waitForTable();
        QCOMPARE(cell(0, DeviceColumns::Uid), QStringLiteral("dev-0007"));
        QTRY_COMPARE_WITH_TIMEOUT(m_page->countLabel()->text(),
                                  QStringLiteral("1 devices match (of 60)"), kWait);
    }

    void facetMenusAndOnlineComboFilter()
    {
        auto *modelFacet = m_page->findChild<FacetButton *>(QStringLiteral("facet-model"));
        QVERIFY(modelFacet);
        QAction *sn200 = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((sn200 = facetAction(modelFacet, QStringLiteral("SN-200"))),
                                 kWait);
        QCOMPARE(sn200->text(), QStringLiteral("SN-200 (20)"));
        sn200->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 20, kWait);
        QCOMPARE(modelFacet->text(), QStringLiteral("Model: SN-200"));

        auto *online = m_page->findChild<QComboBox *>(QStringLiteral("onlineCombo"));
        QVERIFY(online);
        online->setFocus();
        QTest::keyClick(online, Qt::Key_Down); // Online
        QTest::keyClick(online, Qt::Key_Down); // Offline
        QCOMPARE(online->currentText(), QStringLiteral("Offline"));
        // SN-200 is i % 3 == 2, offline is i % 4 == 0: 8, 20, 32, 44, 56.
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 5, kWait);
        waitForTable();
        QCOMPARE(cell(0, DeviceColumns::Online), QStringLiteral("Offline"));

        auto *clear = m_page->findChild<QPushButton *>(QStringLiteral("clearFiltersButton"));
        QTest::mouseClick(clear, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), kDevices, kWait);
        QCOMPARE(modelFacet->text(), QStringLiteral("Model"));
        QVERIFY(!facetAction(modelFacet, QStringLiteral("SN-200"))->isChecked());
    }

    void clickingAHeaderSortsInSql()
    {
        QHeaderView *header = m_page->table()->horizontalHeader();
        const int x = header->sectionViewportPosition(DeviceColumns::LastSeen) +
                      header->sectionSize(DeviceColumns::LastSeen) / 2;
        QSignalSpy finished(model(), &DeviceTableModel::queryFinished);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QCOMPARE(model()->sortColumn(), int(DeviceColumns::LastSeen));
        const bool ascending = model()->sortOrder() == Qt::AscendingOrder;
        QCOMPARE(cell(0, DeviceColumns::Uid), DeviceFixtures::uid(ascending ? 1 : kDevices));

        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kWait);
        QCOMPARE(cell(0, DeviceColumns::Uid), DeviceFixtures::uid(ascending ? kDevices : 1));
    }

    void keyboardMovesTheCurrentDevice()
    {
        sortByUid();
        clickRow(0);
        QTRY_COMPARE_WITH_TIMEOUT(m_page->details()->deviceId(), model()->idAt(0), kWait);
        QTest::keyClick(m_page->table(), Qt::Key_Down);
        QTest::keyClick(m_page->table(), Qt::Key_Down);
        QTRY_COMPARE_WITH_TIMEOUT(m_page->details()->deviceId(), model()->idAt(2), kWait);
        auto *title = m_page->details()->findChild<QLabel *>(QStringLiteral("deviceTitle"));
        QVERIFY(title->text().contains(QStringLiteral("dev-0003")));
    }

    void addTagToSelectedRowsIsAudited()
    {
        sortByUid();
        clickRow(0);
        clickRow(2, Qt::ShiftModifier);
        QCOMPARE(m_page->table()->selectionModel()->selectedRows().size(), 3);

        m_page->bulkAction(BulkAction::AddTag)->trigger();
        auto *dialog = m_page->findChild<BulkActionDialog *>();
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), kWait);
        QPushButton *ok = dialogOk(dialog);
        QVERIFY(!ok->isEnabled()); // no tag yet
        auto *value = dialog->findChild<QComboBox *>(QStringLiteral("valueCombo"));
        QTest::keyClicks(value->lineEdit(), QStringLiteral("pilot-batch"));
        QVERIFY(ok->isEnabled());
        QTest::mouseClick(ok, Qt::LeftButton);

        QTRY_VERIFY_WITH_TIMEOUT(
            m_page->statusLabel()->text().contains(QStringLiteral("added to 3 devices")), kWait);
        QTRY_COMPARE_WITH_TIMEOUT(cell(1, DeviceColumns::Tags), QStringLiteral("pilot-batch"),
                                  kWait);
        QCOMPARE(cell(3, DeviceColumns::Tags), QString());

        // The audit view shows one entry per tagged device.
        AuditPage audit(m_ws->session());
        audit.show();
        AuditFilter filter;
        filter.action = QStringLiteral("device.add-tag");
        QSignalSpy finished(audit.model(), &AuditTableModel::queryFinished);
        audit.model()->setFilter(filter);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kWait);
        QTRY_COMPARE_WITH_TIMEOUT(audit.model()->rowCount(), 3, kWait);
        QStringList uids;
        for (int row = 0; row < 3; ++row)
            uids << audit.model()->index(row, AuditTableModel::ObjectId).data().toString();
        uids.sort();
        QCOMPARE(uids, (QStringList{DeviceFixtures::uid(1), DeviceFixtures::uid(2),
                                    DeviceFixtures::uid(3)}));
        QCOMPARE(audit.model()->index(0, AuditTableModel::Operator).data().toString(),
                 QStringLiteral("Test Operator"));

        // And so does the current device's audit tab.
        DeviceAuditTab *tab = m_page->details()->auditTab();
        QTRY_VERIFY_WITH_TIMEOUT(tab->model()->rowCount() >= 1 &&
                                     tab->model()->index(0, AuditTableModel::Action).data() ==
                                         QStringLiteral("device.add-tag"),
                                 kWait);
    }

    void settingARiskyStateNeedsAReason()
    {
        sortByUid();
        clickRow(4);
        m_page->bulkAction(BulkAction::SetState)->trigger();
        auto *dialog = m_page->findChild<BulkActionDialog *>();
        QVERIFY(dialog);
        auto *value = dialog->findChild<QComboBox *>(QStringLiteral("valueCombo"));
        auto *reason = dialog->findChild<QLineEdit *>(QStringLiteral("reasonEdit"));
        QPushButton *ok = dialogOk(dialog);
        value->setCurrentIndex(value->findText(QStringLiteral("retired")));
        QVERIFY(!ok->isEnabled());
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("reasonHint"))
                    ->text()
                    .contains(QStringLiteral("required")));
        QTest::keyClicks(reason, QStringLiteral("Replaced by dev-0100"));
        QVERIFY(ok->isEnabled());
        QTest::mouseClick(ok, Qt::LeftButton);

        QTRY_COMPARE_WITH_TIMEOUT(cell(4, DeviceColumns::State), QStringLiteral("retired"), kWait);
        auto device = DeviceRepository(m_ws->db()).loadByUid(DeviceFixtures::uid(5));
        QVERIFY(device.ok());
        QCOMPARE(device->state, QStringLiteral("retired"));
        auto entries = AuditQuery::list(m_ws->db(), {}, 0, 1);
        QVERIFY(entries.ok());
        QCOMPARE(entries->first().action, QStringLiteral("device.set-state"));
        QCOMPARE(entries->first().reason, QStringLiteral("Replaced by dev-0100"));
        // Retired rows are greyed out.
        QVERIFY(model()->index(4, 0).data(Qt::ForegroundRole).isValid());
    }

    void copyAsCsvPutsTheSelectedRowsOnTheClipboard()
    {
        sortByUid();
        m_page->setVisibleColumns(
            {DeviceColumns::Uid, DeviceColumns::Model, DeviceColumns::Online});
        clickRow(3);
        clickRow(4, Qt::ShiftModifier);
        QGuiApplication::clipboard()->clear();
        m_page->table()->setFocus();
        QTest::keySequence(m_page->table(), QKeySequence::Copy);
        const QString expected = QStringLiteral("Device ID,Model,Online\n"
                                                "dev-0004,GW-4000,Offline\n"
                                                "dev-0005,SN-200,Online\n");
        QTRY_COMPARE_WITH_TIMEOUT(QGuiApplication::clipboard()->text(), expected, kWait);
    }

    void savedFiltersSaveApplyAndDelete()
    {
        QTest::keyClicks(m_page->filterBar()->searchEdit(), QStringLiteral("dev-0001"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kWait);

        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("saveFilterButton")),
                          Qt::LeftButton);
        auto *prompt = m_page->findChild<QInputDialog *>(QStringLiteral("saveFilterPrompt"));
        QVERIFY(prompt);
        prompt->setTextValue(QStringLiteral("First device"));
        prompt->accept();
        auto *combo = m_page->findChild<QComboBox *>(QStringLiteral("savedFiltersCombo"));
        QCOMPARE(combo->count(), 2);
        QCOMPARE(combo->currentText(), QStringLiteral("First device"));

        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("clearFiltersButton")),
                          Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), kDevices, kWait);

        combo->setCurrentIndex(0);
        combo->setFocus();
        QTest::keyClick(combo, Qt::Key_Down);
        QCOMPARE(m_page->filterBar()->searchEdit()->text(), QStringLiteral("dev-0001"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kWait);

        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("deleteFilterButton")),
                          Qt::LeftButton);
        auto *confirm = m_page->findChild<QMessageBox *>(QStringLiteral("confirmDeleteFilter"));
        QVERIFY(confirm);
        QTest::mouseClick(confirm->button(QMessageBox::Yes), Qt::LeftButton);
        QCOMPARE(combo->count(), 1);
        auto saved = m_ws->session().savedFilters().list();
        QVERIFY(saved.ok());
        QVERIFY(saved->isEmpty());
    }

    void columnChooserShowsColumnsAndRemembersThem()
    {
        QVERIFY(m_page->table()->isColumnHidden(DeviceColumns::Serial));
        m_page->columnsAction()->trigger();
        auto *dialog = m_page->findChild<ColumnChooserDialog *>();
        QVERIFY(dialog);
        auto *list = dialog->findChild<QListWidget *>(QStringLiteral("columnList"));
        list->item(DeviceColumns::Serial)->setCheckState(Qt::Checked);
        list->item(DeviceColumns::Tags)->setCheckState(Qt::Unchecked);
        QTest::mouseClick(dialogOk(dialog), Qt::LeftButton);
        QVERIFY(!m_page->table()->isColumnHidden(DeviceColumns::Serial));
        QVERIFY(m_page->table()->isColumnHidden(DeviceColumns::Tags));
        m_page->table()->setColumnWidth(DeviceColumns::Serial, 222);

        // A new page (next start) shows the same columns at the same width.
        m_page.reset();
        DevicesPage again(m_ws->session());
        QVERIFY(!again.table()->isColumnHidden(DeviceColumns::Serial));
        QVERIFY(again.table()->isColumnHidden(DeviceColumns::Tags));
        QCOMPARE(again.table()->columnWidth(DeviceColumns::Serial), 222);
    }

    void notesAreSavedFromTheDetailsPane()
    {
        sortByUid();
        clickRow(1);
        QTRY_COMPARE_WITH_TIMEOUT(m_page->details()->deviceId(), model()->idAt(1), kWait);
        auto *notes = m_page->details()->findChild<QPlainTextEdit *>(QStringLiteral("notesEdit"));
        auto *save = m_page->details()->findChild<QPushButton *>(QStringLiteral("saveNotesButton"));
        QVERIFY(!save->isEnabled());
        QTest::keyClicks(notes, QStringLiteral("Antenna replaced"));
        QVERIFY(save->isEnabled());
        QTest::mouseClick(save, Qt::LeftButton);
        auto device = DeviceRepository(m_ws->db()).loadByUid(DeviceFixtures::uid(2));
        QVERIFY(device.ok());
        QCOMPARE(device->notes, QStringLiteral("Antenna replaced"));
        QVERIFY(!save->isEnabled());
        DeviceAuditTab *tab = m_page->details()->auditTab();
        QTRY_COMPARE_WITH_TIMEOUT(tab->model()->index(0, AuditTableModel::Action).data().toString(),
                                  QStringLiteral("device.set-notes"), kWait);
    }

    void attachingAnSbomFillsTheComponentsTab()
    {
        sortByUid();
        clickRow(0);
        QTRY_COMPARE_WITH_TIMEOUT(m_page->details()->deviceId(), model()->idAt(0), kWait);
        const QString path = m_ws->dir() + QStringLiteral("/gw.cdx.json");
        writeFile(path, R"({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
                          {"type": "library", "name": "openssl", "version": "3.0.11",
                           "purl": "pkg:generic/openssl@3.0.11"}]})");
        m_page->details()->componentsTab()->attachSbomFile(path);
        auto *table =
            m_page->details()->findChild<QTableWidget *>(QStringLiteral("componentsTable"));
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("openssl"));
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("pkg:generic/openssl@3.0.11"));
        auto entries = AuditQuery::list(m_ws->db(), {}, 0, 1);
        QVERIFY(entries.ok());
        QCOMPARE(entries->first().action, QStringLiteral("device.attach-sbom"));
        QCOMPARE(entries->first().objectId, DeviceFixtures::uid(1));

        // Something that is not CycloneDX is refused with a message, and nothing changes.
        const QString bogus = m_ws->dir() + QStringLiteral("/not-an-sbom.json");
        writeFile(bogus, R"({"hello": "world"})");
        m_page->details()->componentsTab()->attachSbomFile(bogus);
        auto *error = m_page->findChild<QMessageBox *>(QStringLiteral("errorMessage"));
        QVERIFY(error);
        error->close();
        QCOMPARE(table->rowCount(), 1);
    }

    void exportWritesTheFilteredDevices()
    {
        DeviceFilter filter;
        filter.models = QStringList{QStringLiteral("PLC-9")};
        m_page->filterBar()->setFilter(filter);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), kDevices / 3, kWait);
        const QString path = m_ws->dir() + QStringLiteral("/plc.csv");
        QSignalSpy finished(m_page.get(), &DevicesPage::taskFinished);
        m_page->exportTo(path);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QCOMPARE(finished.first().first().toString(),
                 QStringLiteral("Exported 20 devices to plc.csv."));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + kDevices / 3);
        QVERIFY(lines.first().startsWith("uid,name,model"));
    }

    void csvImportWithABadLineImportsNothing()
    {
        const QString path = m_ws->dir() + QStringLiteral("/bad.csv");
        writeFile(path, "uid,name,model,state\n"
                        "new-0001,New one,GW-4000,active\n"
                        "new-0002,New two,GW-4000,flying\n");
        m_page->importFile(path);
        auto *dialog = m_page->findChild<CsvImportDialog *>();
        QVERIFY(dialog);
        QCOMPARE(dialog->findChild<QComboBox *>(QStringLiteral("mapping-3"))->currentData(),
                 QVariant(QStringLiteral("state")));

        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("checkButton")),
                          Qt::LeftButton);
        auto *errors = dialog->findChild<QListWidget *>(QStringLiteral("errorList"));
        QTRY_VERIFY_WITH_TIMEOUT(errors->count() > 0 && !dialog->isRunning(), kWait);
        QVERIFY(errors->item(0)->text().startsWith(QStringLiteral("Line 3:")));

        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("importButton")),
                          Qt::LeftButton);
        auto *result = dialog->findChild<QLabel *>(QStringLiteral("resultLabel"));
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isRunning() && result->text().startsWith(QStringLiteral(
                                                             "Nothing was imported")),
                                 kWait);
        auto count = DeviceRepository(m_ws->db()).count();
        QVERIFY(count.ok());
        QCOMPARE(count.value(), qint64(kDevices));
    }

    void csvImportAddsDevicesToTheTable()
    {
        const QString path = m_ws->dir() + QStringLiteral("/good.csv");
        writeFile(path, "Device ID,Name,Model\n"
                        "new-0001,New one,GW-4000\n"
                        "new-0002,New two,GW-4000\n");
        m_page->importFile(path);
        auto *dialog = m_page->findChild<CsvImportDialog *>();
        QVERIFY(dialog);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("importButton")),
                          Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), kDevices + 2, kWait);
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("resultLabel"))
                    ->text()
                    .contains(QStringLiteral("2 devices created")));
        QTRY_COMPARE_WITH_TIMEOUT(m_page->totalDevices(), qint64(kDevices + 2), kWait);
    }

    void contextMenuOffersTheBulkActions()
    {
        sortByUid();
        clickRow(0);
        QTableView *table = m_page->table();
        const QPoint at = table->visualRect(model()->index(0, 1)).center();
        // What a right click (or the menu key) delivers to the table.
        QContextMenuEvent event(QContextMenuEvent::Mouse, at, table->viewport()->mapToGlobal(at));
        QApplication::sendEvent(table->viewport(), &event);
        auto *menu = m_page->findChild<QMenu *>(QStringLiteral("deviceContextMenu"));
        QVERIFY(menu);
        QTRY_VERIFY_WITH_TIMEOUT(menu->isVisible(), kWait);
        QStringList texts;
        for (QAction *action : menu->actions())
            if (!action->isSeparator())
                texts << action->text().remove(QLatin1Char('&'));
        QVERIFY(texts.contains(QStringLiteral("Add tag…")));
        QVERIFY(texts.contains(QStringLiteral("Set state…")));
        QVERIFY(texts.contains(QStringLiteral("Copy as CSV")));
        QVERIFY(m_page->bulkAction(BulkAction::AddToGroup)->isEnabled());
        menu->close();
    }

private:
    DeviceTableModel *model() const { return m_page->model(); }

    void waitForTable()
    {
        QTRY_VERIFY_WITH_TIMEOUT(!model()->isLoading() && model()->hasQueryFinished(), kWait);
    }
    void sortByUid()
    {
        model()->sort(DeviceColumns::Uid, Qt::AscendingOrder);
        m_page->table()->horizontalHeader()->setSortIndicator(DeviceColumns::Uid,
                                                              Qt::AscendingOrder);
        waitForTable();
        QCOMPARE(cell(0, DeviceColumns::Uid), DeviceFixtures::uid(1));
    }
    QString cell(int row, int column) const
    {
        return model()->index(row, column).data().toString();
    }
    void clickRow(int row, Qt::KeyboardModifiers modifiers = {})
    {
        QTableView *table = m_page->table();
        const QRect rect = table->visualRect(model()->index(row, DeviceColumns::Uid));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, modifiers, rect.center());
    }
    static QAction *facetAction(FacetButton *button, const QString &value)
    {
        for (QAction *action : button->menu()->actions())
            if (action->data().toString() == value)
                return action;
        return nullptr;
    }
    static QPushButton *dialogOk(QDialog *dialog)
    {
        return dialog->findChild<QDialogButtonBox *>(QStringLiteral("buttons"))
            ->button(QDialogButtonBox::Ok);
    }
    static void writeFile(const QString &path, const char *content)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    std::unique_ptr<TestWorkspace> m_ws;
    std::unique_ptr<DevicesPage> m_page;
};

QTEST_MAIN(TestDevicesPage)
#include "tst_devicespage.moc"
