#include "../models/DeviceFixtures.h"
#include "AuditTableModel.h"
#include "audit/AuditFilterBar.h"
#include "audit/AuditPage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace fleet;
using fleet::test::DeviceFixtures;
using fleet::test::TestWorkspace;

namespace {
constexpr int kWait = 10000;
} // namespace

class TestAuditPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("FleetdeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_auditpage"));
    }

    void init()
    {
        m_ws = std::make_unique<TestWorkspace>();
        DeviceFixtures::seed(m_ws->db(), 5);
        auto ids = m_ws->session().inventory().idsForUids(
            {DeviceFixtures::uid(1), DeviceFixtures::uid(2), DeviceFixtures::uid(3)});
        QVERIFY(ids.ok());
        // Three tag entries at 09:00, then one state change an hour later.
        QVERIFY(m_ws->session().inventory().addTag(ids.value(), QStringLiteral("line-3")).ok());
        m_ws->clock().advanceMs(3600 * 1000);
        QVERIFY(m_ws->session()
                    .inventory()
                    .setState({ids->first()}, QStringLiteral("maintenance"),
                              QStringLiteral("Firmware check"))
                    .ok());
        m_page = std::make_unique<AuditPage>(m_ws->session());
        m_page->resize(1200, 700);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
        QTRY_VERIFY_WITH_TIMEOUT(model()->hasQueryFinished() && !model()->isLoading(), kWait);
    }

    void cleanup()
    {
        m_page.reset();
        m_ws.reset();
    }

    void showsTheNewestEntryFirst()
    {
        QCOMPARE(model()->rowCount(), 4);
        QCOMPARE(cell(0, AuditTableModel::Action), QStringLiteral("device.set-state"));
        QCOMPARE(cell(0, AuditTableModel::Reason), QStringLiteral("Firmware check"));
        QCOMPARE(cell(0, AuditTableModel::Time), QStringLiteral("2026-03-02 10:00:00"));
        QCOMPARE(cell(3, AuditTableModel::Action), QStringLiteral("device.add-tag"));
        QTRY_COMPARE_WITH_TIMEOUT(
            m_page->findChild<QLabel *>(QStringLiteral("auditCountLabel"))->text(),
            QStringLiteral("4 entries"), kWait);
    }

    void typedFiltersNarrowTheEntries()
    {
        auto *objectId = m_page->findChild<QLineEdit *>(QStringLiteral("objectIdEdit"));
        QTest::keyClicks(objectId, DeviceFixtures::uid(2));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kWait);
        QCOMPARE(cell(0, AuditTableModel::ObjectId), DeviceFixtures::uid(2));
        objectId->clear();

        auto *action = m_page->findChild<QComboBox *>(QStringLiteral("actionCombo"));
        QTest::keyClicks(action->lineEdit(), QStringLiteral("device.set"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kWait);
        action->lineEdit()->clear();
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 4, kWait);

        auto *actor = m_page->findChild<QLineEdit *>(QStringLiteral("actorEdit"));
        QTest::keyClicks(actor, QStringLiteral("nobody"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 0, kWait);
        actor->clear();
        QTest::keyClicks(actor, QStringLiteral("test op"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 4, kWait);
    }

    void timeRangeFilters()
    {
        auto *fromCheck = m_page->findChild<QCheckBox *>(QStringLiteral("fromCheck"));
        auto *from = m_page->findChild<QDateTimeEdit *>(QStringLiteral("fromEdit"));
        from->setDateTime(QDateTime(QDate(2026, 3, 2), QTime(9, 30), Qt::UTC));
        QTest::mouseClick(fromCheck, Qt::LeftButton);
        QVERIFY(from->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kWait);
        QCOMPARE(cell(0, AuditTableModel::Action), QStringLiteral("device.set-state"));
    }

    void verifyChainReportsAnIntactTrail()
    {
        QSignalSpy verified(m_page.get(), &AuditPage::verified);
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("verifyButton")),
                          Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(verified.count(), 1, kWait);
        QVERIFY(verified.first().at(0).toBool());
        QVERIFY(m_page->verifyResultLabel()->text().startsWith(
            QStringLiteral("Audit trail intact: 4 entries")));
        QVERIFY(m_page->verifyResultLabel()->isVisible());
    }

    void verifyChainFindsATamperedEntry()
    {
        // Someone with the SQLite shell edits history: drop the guard, change a reason.
        QVERIFY(m_ws->db().exec(QStringLiteral("DROP TRIGGER audit_log_no_update")).ok());
        QVERIFY(m_ws->db()
                    .exec(QStringLiteral("UPDATE audit_log SET reason = 'nothing to see' "
                                         "WHERE seq = 2"))
                    .ok());
        QSignalSpy verified(m_page.get(), &AuditPage::verified);
        m_page->verifyChain();
        QTRY_COMPARE_WITH_TIMEOUT(verified.count(), 1, kWait);
        QVERIFY(!verified.first().at(0).toBool());
        QVERIFY2(
            m_page->verifyResultLabel()->text().startsWith(QStringLiteral("Broken at entry 2:")),
            qPrintable(m_page->verifyResultLabel()->text()));
    }

    void exportWritesWhatTheFilterMatches()
    {
        auto *objectType = m_page->findChild<QComboBox *>(QStringLiteral("objectTypeCombo"));
        objectType->setCurrentText(QStringLiteral("device"));
        auto *action = m_page->findChild<QComboBox *>(QStringLiteral("actionCombo"));
        action->setCurrentText(QStringLiteral("device.add-tag"));
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 3, kWait);

        const QString json = m_ws->dir() + QStringLiteral("/audit.json");
        QSignalSpy exported(m_page.get(), &AuditPage::exported);
        m_page->exportTo(json, AuditQuery::Format::Json);
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, kWait);
        QCOMPARE(exported.first().at(0).toString(),
                 QStringLiteral("Exported 3 entries to audit.json."));
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
        QVERIFY(doc.isArray());
        QCOMPARE(doc.array().size(), 3);

        const QString csv = m_ws->dir() + QStringLiteral("/audit.csv");
        m_page->exportTo(csv, AuditQuery::Format::Csv);
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 2, kWait);
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QByteArray content = csvFile.readAll();
        QCOMPARE(content.count("device.add-tag"), 3);
        QVERIFY(!content.contains("device.set-state"));
    }

    void newEntriesAppearWhenThePageIsShownAgain()
    {
        m_page->hide();
        QVERIFY(m_ws->session().inventory().setNotes(1, QStringLiteral("hello")).ok());
        m_page->show();
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 5, kWait);
        QCOMPARE(cell(0, AuditTableModel::Action), QStringLiteral("device.set-notes"));
    }

private:
    AuditTableModel *model() const { return m_page->model(); }
    QString cell(int row, int column) const
    {
        return model()->index(row, column).data().toString();
    }

    std::unique_ptr<TestWorkspace> m_ws;
    std::unique_ptr<AuditPage> m_page;
};

QTEST_MAIN(TestAuditPage)
#include "tst_auditpage.moc"
