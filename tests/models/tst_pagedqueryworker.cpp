#include "DeviceQueryWorker.h"
#include "TestWorkspace.h"

#include <QSignalSpy>
#include <QTest>
#include <atomic>

using namespace fleet;
using fleet::test::TestWorkspace;

namespace {

// Rows 0..rows-1 with the row number as the only value; counts how often it was asked.
class CountingSource final : public PageSource
{
public:
    explicit CountingSource(qint64 rows, QString failure = {})
        : m_rows(rows)
        , m_failure(std::move(failure))
    {}
    Result<qint64> count(SqliteDatabase &) const override
    {
        ++counts;
        if (!m_failure.isEmpty())
            return Error::failed(m_failure);
        return m_rows;
    }
    Result<PageRows> page(SqliteDatabase &, qint64 offset, int limit,
                          qint64 matching) const override
    {
        ++pages;
        lastMatching = matching;
        PageRows rows;
        for (qint64 r = offset; r < std::min(m_rows, offset + limit); ++r)
            rows.append(QVector<QVariant>{r});
        return rows;
    }
    mutable std::atomic<int> counts{0};
    mutable std::atomic<int> pages{0};
    mutable std::atomic<qint64> lastMatching{0};

private:
    qint64 m_rows;
    QString m_failure;
};

} // namespace

// The worker's slots are called directly here (on the test thread): what matters is what they
// emit and what they skip, not the thread they run in.
class TestPagedQueryWorker : public QObject
{
    Q_OBJECT

private slots:
    void countsAndReturnsTheFirstPage()
    {
        TestWorkspace ws;
        DeviceQueryWorker worker(ws.session().workspace());
        auto source = std::make_shared<CountingSource>(450);
        QSignalSpy counted(&worker, &PagedQueryWorker::counted);
        worker.countAndFirstPage(0, source, 200);
        QCOMPARE(counted.count(), 1);
        QCOMPARE(counted.first().at(1).toLongLong(), qint64(450));
        QCOMPARE(counted.first().at(2).value<PageRows>().size(), 200);
        QCOMPARE(source->lastMatching.load(), qint64(450));

        QSignalSpy fetched(&worker, &PagedQueryWorker::pageFetched);
        worker.fetchPage(0, source, 2, 200, 450);
        QCOMPARE(fetched.count(), 1);
        const auto rows = fetched.first().at(2).value<PageRows>();
        QCOMPARE(rows.size(), 50);
        QCOMPARE(rows.first().first().toLongLong(), qint64(400));
    }

    void staleRequestsAreSkippedUnrun()
    {
        TestWorkspace ws;
        DeviceQueryWorker worker(ws.session().workspace());
        auto source = std::make_shared<CountingSource>(10);
        worker.generation()->store(5); // the model has moved on to generation 5
        QSignalSpy counted(&worker, &PagedQueryWorker::counted);
        QSignalSpy fetched(&worker, &PagedQueryWorker::pageFetched);
        QSignalSpy refetched(&worker, &PagedQueryWorker::refetched);
        worker.countAndFirstPage(4, source, 200);
        worker.fetchPage(4, source, 0, 200, 10);
        worker.refetch(4, source, {0}, 200);
        QCOMPARE(source->counts.load(), 0);
        QCOMPARE(source->pages.load(), 0);
        QCOMPARE(counted.count() + fetched.count() + refetched.count(), 0);

        worker.countAndFirstPage(5, source, 200);
        QCOMPARE(counted.count(), 1);
        QCOMPARE(counted.first().at(0).toULongLong(), quint64(5));
    }

    void refetchSkipsPagesBeyondTheNewCount()
    {
        TestWorkspace ws;
        DeviceQueryWorker worker(ws.session().workspace());
        auto source = std::make_shared<CountingSource>(250);
        QSignalSpy refetched(&worker, &PagedQueryWorker::refetched);
        worker.refetch(0, source, {0, 1, 7}, 200);
        QCOMPARE(refetched.count(), 1);
        const auto pages = refetched.first().at(2).value<QMap<int, PageRows>>();
        QCOMPARE(pages.keys(), (QList<int>{0, 1}));
        QCOMPARE(pages.value(1).size(), 50);
    }

    void failuresAreReportedWithTheirGeneration()
    {
        TestWorkspace ws;
        DeviceQueryWorker worker(ws.session().workspace());
        auto source = std::make_shared<CountingSource>(10, QStringLiteral("disk on fire"));
        worker.generation()->store(3);
        QSignalSpy failed(&worker, &PagedQueryWorker::failed);
        worker.countAndFirstPage(3, source, 200);
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.first().at(0).toULongLong(), quint64(3));
        QCOMPARE(failed.first().at(1).toString(), QStringLiteral("disk on fire"));
    }

    void facetValuesAnswerWithTheRequestId()
    {
        TestWorkspace ws;
        ws.addDevices(3);
        DeviceQueryWorker worker(ws.session().workspace());
        QSignalSpy loaded(&worker, &DeviceQueryWorker::facetValuesLoaded);
        worker.loadFacetValues(42, QStringLiteral("site"));
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(loaded.first().at(0).toULongLong(), quint64(42));
        const auto values = loaded.first().at(2).value<FacetValues>();
        QCOMPARE(values.size(), 1);
        QCOMPARE(values.first().first, QStringLiteral("Plant A"));
        QCOMPARE(values.first().second, qint64(3));
    }
};

QTEST_GUILESS_MAIN(TestPagedQueryWorker)
#include "tst_pagedqueryworker.moc"
