#include "DeviceFixtures.h"
#include "DeviceTableModel.h"
#include "FacetValuesLoader.h"
#include "inventory/DeviceColumns.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QIcon>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTest>

using namespace fleet;
using fleet::test::DeviceFixtures;
using fleet::test::TestWorkspace;

namespace {
constexpr int kDevices = 450; // three pages of 200
constexpr int kWait = 10000;
} // namespace

class TestDeviceTableModel : public QObject
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
    }
    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
        m_ws.reset();
    }

    void firstQueryResetsWithCountAndFirstPage()
    {
        QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelReset);
        QSignalSpy counts(m_model.get(), &DeviceTableModel::countChanged);
        QCOMPARE(m_model->rowCount(), 0);
        m_model->setFilter({});
        QVERIFY(m_model->isLoading());
        QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 1, kWait);
        QCOMPARE(m_model->rowCount(), kDevices);
        QCOMPARE(counts.count(), 1);
        QCOMPARE(counts.first().first().toLongLong(), qint64(kDevices));
        QVERIFY(!m_model->isLoading());
        QCOMPARE(m_model->columnCount(), int(DeviceColumns::Count));
        QCOMPARE(m_model->headerData(DeviceColumns::Firmware, Qt::Horizontal).toString(),
                 DeviceColumns::title(DeviceColumns::Firmware));
        // Sorted by name by default: "Gateway dev-0001" first.
        QCOMPARE(cell(0, DeviceColumns::Uid), DeviceFixtures::uid(1));
        QCOMPARE(m_model->cachedPageCount(), 1);
    }

    void rowsBeyondTheFirstPageArriveLater()
    {
        loadAll();
        const int row = 2 * DeviceTableModel::kPageSize + 10; // third page
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        QCOMPARE(m_model->data(m_model->index(row, DeviceColumns::Uid)).toString(),
                 DeviceTableModel::placeholderText());
        QCOMPARE(m_model->idAt(row), qint64(0));
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), kWait);
        const auto topLeft = changed.first().at(0).value<QModelIndex>();
        const auto bottomRight = changed.first().at(1).value<QModelIndex>();
        QCOMPARE(topLeft.row(), 2 * DeviceTableModel::kPageSize);
        QCOMPARE(bottomRight.row(), kDevices - 1);
        QCOMPARE(cell(row, DeviceColumns::Uid), DeviceFixtures::uid(row + 1));
        QVERIFY(m_model->idAt(row) > 0);
        QCOMPARE(m_model->data(m_model->index(row, 0), DeviceTableModel::DeviceIdRole).toLongLong(),
                 m_model->idAt(row));
    }

    void everyRowCanBeReadThroughTheTester()
    {
        loadAll();
        // Touch every row so every page is fetched under the tester's eyes.
        for (int row = 0; row < m_model->rowCount(); row += 50)
            m_model->data(m_model->index(row, 0));
        QTRY_COMPARE_WITH_TIMEOUT(m_model->cachedPageCount(), 3, kWait);
        for (int row = 0; row < m_model->rowCount(); ++row)
            QCOMPARE(cell(row, DeviceColumns::Uid), DeviceFixtures::uid(row + 1));
    }

    void filterByFacetAndText()
    {
        loadAll();
        DeviceFilter filter;
        filter.models = QStringList{QStringLiteral("SN-200")};
        setFilterAndWait(filter);
        QCOMPARE(m_model->rowCount(),
                 DeviceFixtures::countWhere(kDevices, [](int i) { return i % 3 == 2; }));
        QCOMPARE(cell(0, DeviceColumns::Model), QStringLiteral("SN-200"));

        filter = {};
        filter.online = false;
        filter.tags = QStringList{QStringLiteral("critical")};
        setFilterAndWait(filter);
        QCOMPARE(m_model->rowCount(), DeviceFixtures::countWhere(kDevices, [](int i) {
                     return i % 4 == 0 && i % 5 == 0;
                 }));

        filter = {};
        filter.text = QStringLiteral("dev-0123");
        setFilterAndWait(filter);
        QCOMPARE(m_model->rowCount(), 1);
        QCOMPARE(cell(0, DeviceColumns::Uid), QStringLiteral("dev-0123"));
    }

    void sortingRunsInSql()
    {
        loadAll();
        QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelReset);
        m_model->sort(DeviceColumns::LastSeen, Qt::DescendingOrder);
        QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 1, kWait);
        QCOMPARE(m_model->sortColumn(), int(DeviceColumns::LastSeen));
        QCOMPARE(m_model->sortOrder(), Qt::DescendingOrder);
        QCOMPARE(cell(0, DeviceColumns::Uid), DeviceFixtures::uid(kDevices));
        QCOMPARE(
            m_model
                ->data(m_model->index(0, DeviceColumns::LastSeen), DeviceTableModel::SortValueRole)
                .toLongLong(),
            DeviceFixtures::device(kDevices).lastSeen.toMSecsSinceEpoch());

        // The same sort again is not a new query.
        m_model->sort(DeviceColumns::LastSeen, Qt::DescendingOrder);
        QVERIFY(!m_model->isLoading());

        m_model->sort(DeviceColumns::Uid, Qt::AscendingOrder);
        QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 2, kWait);
        QCOMPARE(cell(0, DeviceColumns::Uid), DeviceFixtures::uid(1));
    }

    void rolesFormatTheValues()
    {
        loadAll();
        m_model->sort(DeviceColumns::Uid, Qt::AscendingOrder);
        QTRY_VERIFY_WITH_TIMEOUT(!m_model->isLoading(), kWait);
        // Row 3 is dev-0004: offline, PLC-9, last seen 08:04.
        QCOMPARE(cell(3, DeviceColumns::Uid), QStringLiteral("dev-0004"));
        QCOMPARE(cell(3, DeviceColumns::Online), QStringLiteral("Offline"));
        QCOMPARE(cell(0, DeviceColumns::Online), QStringLiteral("Online"));
        QCOMPARE(cell(3, DeviceColumns::LastSeen), QStringLiteral("2026-03-01 08:04"));
        QCOMPARE(
            m_model->data(m_model->index(3, DeviceColumns::LastSeen), Qt::ToolTipRole).toString(),
            QStringLiteral("2026-03-01 08:04:00 UTC"));
        QCOMPARE(cell(4, DeviceColumns::Tags), QStringLiteral("critical"));
        QCOMPARE(cell(1, DeviceColumns::Site), QStringLiteral("Plant B"));
        QCOMPARE(cell(1, DeviceColumns::TimeZone), QStringLiteral("America/Chicago"));

        const QVariant offlineColour = m_model->data(m_model->index(3, 0), Qt::ForegroundRole);
        QVERIFY(offlineColour.canConvert<QBrush>());
        QVERIFY(!m_model->data(m_model->index(0, 0), Qt::ForegroundRole).isValid());
        QVERIFY(m_model->data(m_model->index(0, DeviceColumns::Online), Qt::DecorationRole)
                    .canConvert<QIcon>());
        QVERIFY(m_model->data(m_model->index(0, DeviceColumns::Health), Qt::DecorationRole)
                    .canConvert<QIcon>());
        QVERIFY(
            !m_model->data(m_model->index(0, DeviceColumns::Name), Qt::DecorationRole).isValid());
    }

    void refreshWithSameCountKeepsSelection()
    {
        loadAll();
        m_model->sort(DeviceColumns::Uid, Qt::AscendingOrder);
        QTRY_VERIFY_WITH_TIMEOUT(!m_model->isLoading(), kWait);
        QItemSelectionModel selection(m_model.get());
        selection.select(QItemSelection(m_model->index(1, 0), m_model->index(3, 0)),
                         QItemSelectionModel::Select | QItemSelectionModel::Rows);
        const qint64 id = m_model->idAt(2);

        QVERIFY(
            m_ws->db()
                .execute(QStringLiteral("UPDATE devices SET name = 'Renamed' WHERE id = ?"), {id})
                .ok());
        QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!m_model->isLoading(), kWait);
        QCOMPARE(resets.count(), 0);
        QVERIFY(!changed.isEmpty());
        QCOMPARE(selection.selectedRows().size(), 3);
        QVERIFY(selection.isRowSelected(2, {}));
        QCOMPARE(cell(2, DeviceColumns::Name), QStringLiteral("Renamed"));
        QCOMPARE(m_model->idAt(2), id);
    }

    void refreshWithNewCountResets()
    {
        loadAll();
        QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelReset);
        auto added = m_ws->session().inventory().saveDevice(DeviceFixtures::device(kDevices + 1));
        QVERIFY2(added.ok(), qPrintable(added.message()));
        m_model->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 1, kWait);
        QCOMPARE(m_model->rowCount(), kDevices + 1);
    }

    void fastFilterChangesResetOnceForTheLastFilter()
    {
        loadAll();
        QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelReset);
        DeviceFilter filter;
        for (const QString &text :
             {QStringLiteral("d"), QStringLiteral("de"), QStringLiteral("dev"),
              QStringLiteral("dev-000"), QStringLiteral("dev-0004")}) {
            filter.text = text;
            m_model->setFilter(filter);
        }
        QTRY_COMPARE_WITH_TIMEOUT(resets.count(), 1, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(!m_model->isLoading(), kWait);
        QCOMPARE(m_model->rowCount(), 1);
        QCOMPARE(cell(0, DeviceColumns::Uid), QStringLiteral("dev-0004"));
        QCOMPARE(m_model->filter().text, QStringLiteral("dev-0004"));
    }

    void oldRowsStayUntilTheNewQueryAnswers()
    {
        loadAll();
        DeviceFilter filter;
        filter.models = QStringList{QStringLiteral("PLC-9")};
        m_model->setFilter(filter);
        // Until the worker answers, the view still sees the previous, consistent table.
        QCOMPARE(m_model->rowCount(), kDevices);
        QCOMPARE(cell(0, DeviceColumns::Uid), DeviceFixtures::uid(1));
        QTRY_VERIFY_WITH_TIMEOUT(!m_model->isLoading(), kWait);
        QCOMPARE(m_model->rowCount(), kDevices / 3);
    }

    void refreshOvertakingANewQueryStillShowsItsRows()
    {
        loadAll();
        DeviceFilter filter;
        filter.models = QStringList{QStringLiteral("SN-200")};
        QSignalSpy finished(m_model.get(), &DeviceTableModel::queryFinished);
        m_model->setFilter(filter);
        m_model->refresh(); // e.g. a write finished right after the user changed the filter
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(!m_model->isLoading(), kWait);
        QCOMPARE(m_model->rowCount(), kDevices / 3);
        QCOMPARE(cell(0, DeviceColumns::Model), QStringLiteral("SN-200"));
    }

    void aFailingQueryIsReported()
    {
        loadAll();
        // Without the search index, a text search cannot run.
        QVERIFY(m_ws->db().exec(QStringLiteral("DROP TABLE device_search")).ok());
        QSignalSpy failed(m_model.get(), &DeviceTableModel::queryFailed);
        DeviceFilter filter;
        filter.text = QStringLiteral("dev");
        m_model->setFilter(filter);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kWait);
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("device_search")));
        QVERIFY(!m_model->isLoading());
        QVERIFY(!m_model->hasQueryFinished());
        // The previous rows stay readable.
        QCOMPARE(m_model->rowCount(), kDevices);
    }

    void facetValuesLoadOnTheWorker()
    {
        FacetValuesLoader loader(m_model->queryWorker());
        QSignalSpy loaded(&loader, &FacetValuesLoader::loaded);
        loader.load(QStringLiteral("model"));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kWait);
        QCOMPARE(loaded.first().at(0).toString(), QStringLiteral("model"));
        const auto values = loaded.first().at(1).value<FacetValues>();
        QCOMPARE(values.size(), 3);
        QCOMPARE(values.at(0).first, QStringLiteral("GW-4000"));
        QCOMPARE(values.at(0).second, qint64(150));

        QSignalSpy failed(&loader, &FacetValuesLoader::failed);
        loader.load(QStringLiteral("colour"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kWait);
        QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("colour")));
    }

private:
    void loadAll()
    {
        m_model->setFilter({});
        QTRY_VERIFY_WITH_TIMEOUT(!m_model->isLoading() && m_model->rowCount() > 0, kWait);
    }
    void setFilterAndWait(const DeviceFilter &filter)
    {
        QSignalSpy finished(m_model.get(), &DeviceTableModel::queryFinished);
        m_model->setFilter(filter);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
    }
    QString cell(int row, int column)
    {
        return m_model->data(m_model->index(row, column)).toString();
    }

    std::unique_ptr<TestWorkspace> m_ws;
    std::unique_ptr<DeviceTableModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_MAIN(TestDeviceTableModel)
#include "tst_devicetablemodel.moc"
