#include "AuditTableModel.h"
#include "DeviceFixtures.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace fleet;
using fleet::test::DeviceFixtures;
using fleet::test::TestWorkspace;

namespace {
constexpr int kWait = 10000;
} // namespace

class TestAuditTableModel : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_ws = std::make_unique<TestWorkspace>();
        DeviceFixtures::seed(m_ws->db(), 5);
        auto ids = m_ws->session().inventory().idsForUids(
            {DeviceFixtures::uid(1), DeviceFixtures::uid(2)});
        QVERIFY(ids.ok());
        m_ids = ids.value();
        // One entry per device and change: tags on both, then a state change on the first.
        QVERIFY(m_ws->session().inventory().addTag(m_ids, QStringLiteral("line-3")).ok());
        m_ws->clock().advanceMs(60'000);
        QVERIFY(m_ws->session()
                    .inventory()
                    .setState({m_ids.first()}, QStringLiteral("quarantined"),
                              QStringLiteral("Suspicious traffic"))
                    .ok());
        m_model = std::make_unique<AuditTableModel>(m_ws->session().workspace());
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
        m_ws.reset();
    }

    void showsEveryEntryNewestFirst()
    {
        setFilterAndWait({});
        QVERIFY(m_model->rowCount() >= 3);
        QCOMPARE(m_model->columnCount(), int(AuditTableModel::ColumnCount));
        QCOMPARE(cell(0, AuditTableModel::Action), QStringLiteral("device.set-state"));
        QCOMPARE(cell(0, AuditTableModel::ObjectType), QStringLiteral("device"));
        QCOMPARE(cell(0, AuditTableModel::ObjectId), DeviceFixtures::uid(1));
        QCOMPARE(cell(0, AuditTableModel::Reason), QStringLiteral("Suspicious traffic"));
        QCOMPARE(cell(0, AuditTableModel::Operator), QStringLiteral("Test Operator"));
        QCOMPARE(cell(0, AuditTableModel::OsUser), QStringLiteral("tester"));
        QCOMPARE(cell(0, AuditTableModel::Host), QStringLiteral("testhost"));
        QCOMPARE(cell(0, AuditTableModel::Time), QStringLiteral("2026-03-02 09:01:00"));
        QVERIFY(cell(0, AuditTableModel::After).contains(QStringLiteral("quarantined")));
        QCOMPARE(cell(0, AuditTableModel::Hash).size(), 12);
        QVERIFY(m_model->data(m_model->index(0, AuditTableModel::Hash), Qt::ToolTipRole)
                    .toString()
                    .size() > 64);
        // Newest first: sequence numbers fall down the table.
        const qint64 newest = m_model->seqAt(0);
        QVERIFY(newest > 0);
        QVERIFY(m_model->seqAt(1) < newest);
        QCOMPARE(m_model->data(m_model->index(0, 0), AuditTableModel::SeqRole).toLongLong(),
                 newest);
        QCOMPARE(m_model->headerData(AuditTableModel::Time, Qt::Horizontal).toString(),
                 QStringLiteral("Time (UTC)"));
    }

    void filtersByObject()
    {
        AuditFilter filter;
        filter.objectType = QStringLiteral("device");
        filter.objectId = DeviceFixtures::uid(2);
        setFilterAndWait(filter);
        QCOMPARE(m_model->rowCount(), 1);
        QCOMPARE(cell(0, AuditTableModel::ObjectId), DeviceFixtures::uid(2));

        filter = {};
        filter.action = QStringLiteral("device.set-state");
        setFilterAndWait(filter);
        QCOMPARE(m_model->rowCount(), 1);

        filter = {};
        filter.from = QDateTime(QDate(2026, 3, 2), QTime(9, 0, 30), Qt::UTC);
        setFilterAndWait(filter);
        QCOMPARE(m_model->rowCount(), 1);
        QCOMPARE(cell(0, AuditTableModel::Action), QStringLiteral("device.set-state"));
    }

    void refreshShowsNewEntries()
    {
        setFilterAndWait({});
        const int before = m_model->rowCount();
        QVERIFY(
            m_ws->session().inventory().addToGroup({m_ids.last()}, QStringLiteral("pilot")).ok());
        QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelReset);
        m_model->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 1, kWait);
        QVERIFY(m_model->rowCount() > before);
        QCOMPARE(cell(0, AuditTableModel::Action), QStringLiteral("device.add-to-group"));
        QCOMPARE(cell(0, AuditTableModel::ObjectId), DeviceFixtures::uid(2));
    }

private:
    void setFilterAndWait(const AuditFilter &filter)
    {
        QSignalSpy finished(m_model.get(), &AuditTableModel::queryFinished);
        m_model->setFilter(filter);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
    }
    QString cell(int row, int column)
    {
        return m_model->data(m_model->index(row, column)).toString();
    }

    std::unique_ptr<TestWorkspace> m_ws;
    QList<qint64> m_ids;
    std::unique_ptr<AuditTableModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_MAIN(TestAuditTableModel)
#include "tst_audittablemodel.moc"
