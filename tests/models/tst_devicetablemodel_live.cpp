// DeviceTableModel::refreshInPlace(), the live update behind MQTT ingest: rows change in place
// without a model reset, new devices add rows, and persistent indexes (a view's selection and
// current index) stay on their device even when it moves.
#include "DeviceFixtures.h"
#include "DeviceTableModel.h"
#include "inventory/DeviceColumns.h"

#include <QAbstractItemModelTester>
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QTest>

using namespace fleet;
using fleet::test::DeviceFixtures;
using fleet::test::TestWorkspace;

namespace {
constexpr int kDevices = 450; // three pages
constexpr int kWait = 10000;
} // namespace

class TestDeviceTableModelLive : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_ws = std::make_unique<TestWorkspace>();
        DeviceFixtures::seed(m_ws->db(), kDevices);
        m_model = std::make_unique<DeviceTableModel>(m_ws->session().workspace());
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_model->setFilter({});
        QTRY_VERIFY_WITH_TIMEOUT(m_model->hasQueryFinished(), kWait);
    }

    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
        m_ws.reset();
    }

    void changedRowsUpdateInPlace()
    {
        const QPersistentModelIndex selected = m_model->index(5, DeviceColumns::Firmware);
        const qint64 id = m_model->idAt(5);
        QVERIFY(id != 0);
        QVERIFY(m_ws->db()
                    .execute(QStringLiteral("UPDATE devices SET fw_version = '9.9.9' WHERE id = ?"),
                             {id})
                    .ok());
        QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->refreshInPlace();
        QTRY_COMPARE_WITH_TIMEOUT(m_model->data(m_model->index(5, DeviceColumns::Firmware)),
                                  QVariant(QStringLiteral("9.9.9")), kWait);
        QVERIFY(!changed.isEmpty());
        QCOMPARE(resets.count(), 0);
        QVERIFY(selected.isValid());
        QCOMPARE(selected.row(), 5);
    }

    void newDevicesAddRowsAndSelectionFollowsItsDevice()
    {
        // Sorted by name: a new device named to sort first pushes every row down by one.
        const QPersistentModelIndex current = m_model->index(10, DeviceColumns::Name);
        const qint64 id = m_model->idAt(10);
        Device newcomer = DeviceFixtures::device(kDevices + 1);
        newcomer.uid = QStringLiteral("aaa-first");
        newcomer.name = QStringLiteral("AAA first by name");
        {
            DeviceRepository repo(m_ws->db());
            QVERIFY(repo.upsert(newcomer).ok());
        }
        QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy layouts(m_model.get(), &QAbstractItemModel::layoutChanged);
        m_model->refreshInPlace();
        QTRY_COMPARE_WITH_TIMEOUT(m_model->rowCount(), kDevices + 1, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(layouts.count(), 1, kWait);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(m_model->idAt(0) != 0, true);
        QCOMPARE(m_model->data(m_model->index(0, DeviceColumns::Name)).toString(), newcomer.name);
        QVERIFY(current.isValid());
        QCOMPARE(current.row(), 11);
        QCOMPARE(m_model->idAt(current.row()), id);
    }

    void callsWhileRunningAreFoldedIntoOneMore()
    {
        QSignalSpy layouts(m_model.get(), &QAbstractItemModel::layoutChanged);
        for (int i = 0; i < 10; ++i)
            m_model->refreshInPlace();
        QTRY_COMPARE_WITH_TIMEOUT(layouts.count(), 2, kWait);
        QTest::qWait(200); // nothing more may come: ten calls became two refreshes
        QCOMPARE(layouts.count(), 2);
    }

private:
    std::unique_ptr<TestWorkspace> m_ws;
    std::unique_ptr<DeviceTableModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_MAIN(TestDeviceTableModelLive)
#include "tst_devicetablemodel_live.moc"
