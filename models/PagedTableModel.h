#pragma once

#include "PageCache.h"
#include "PagedQueryWorker.h"
#include "WorkerThread.h"

#include <QAbstractTableModel>
#include <QSet>
#include <memory>

namespace fleet {

// A table over a query of any size: rowCount() is the query's count, rows come in pages from a
// worker thread and live in a bounded cache. data() on a row that is not loaded yet asks for
// its page and shows a placeholder until dataChanged() announces it.
//
// A new query (startQuery) keeps showing the old rows until the worker returns the new count and
// first page, then resets once. refresh() re-reads the same query and, when the count did not
// change, only announces dataChanged(), so selection and scroll position survive.
class PagedTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int kPageSize = 200;
    static constexpr int kMaxCachedPages = 50;
    // Shown for a cell whose page is still loading.
    static QString placeholderText();

    ~PagedTableModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    qint64 count() const { return m_count; }
    bool isLoading() const { return m_loading; }
    // True once the first page of the latest query is shown (and no newer query is waiting).
    bool hasQueryFinished() const { return m_source != nullptr && !m_resetPending; }
    // The raw values of a loaded row; nullptr when the row's page is not in memory (no fetch).
    const QVector<QVariant> *loadedRow(int row) const;
    int cachedPageCount() const { return m_cache.size(); }

public slots:
    // Re-reads the current query (after a write); keeps the view's state when the count holds.
    void refresh();
    // Re-reads the loaded pages for a live update (devices reporting over MQTT) and never resets:
    // rows change in place, a changed count adds or removes rows at the end, and persistent
    // indexes (selection, current index) follow their row's key (rowKey()) when it moved within
    // the loaded pages. Calls arriving while one is running are folded into one more.
    void refreshInPlace();

signals:
    void loadingChanged(bool loading);
    // After every new query and every refresh that changed the count.
    void countChanged(qint64 count);
    void queryFailed(const QString &message);
    // A new query's first page is in (after the reset it caused).
    void queryFinished();

protected:
    // Takes ownership of the worker, which moves to a thread of its own.
    PagedTableModel(PagedQueryWorker *worker, const QString &threadName, QObject *parent);

    // Starts a new generation for `source`: the old rows stay until its first page arrives.
    void startQuery(std::shared_ptr<const PageSource> source);
    bool hasQuery() const { return m_source != nullptr; }
    PagedQueryWorker *worker() const { return m_worker; }

    // A cell of a loaded row; `row` holds the source's raw values.
    virtual QVariant cellData(const QVector<QVariant> &row, int column, int role) const = 0;
    // What identifies a row across refreshes (a row id); 0 when rows have no stable key.
    virtual qint64 rowKey(const QVector<QVariant> &row) const;

private:
    void onCounted(quint64 generation, qint64 count, const PageRows &firstPage);
    void onPageFetched(quint64 generation, int page, const PageRows &rows);
    void onRefetched(quint64 generation, qint64 count, const QMap<int, PageRows> &pages);
    void applyInPlace(qint64 count, const QMap<int, PageRows> &pages);
    void remapPersistentIndexes(const QMap<int, PageRows> &pages);
    void onFailed(quint64 generation, const QString &message);
    // Const because data() discovers which pages are wanted.
    const QVector<QVariant> *rowOrRequest(int row) const;
    void requestPage(int page) const;
    quint64 nextGeneration();
    bool isCurrent(quint64 generation) const { return generation == m_generation->load(); }
    void setLoading(bool loading);
    void announcePage(int page);

    PagedQueryWorker *m_worker; // owned by m_thread
    std::shared_ptr<PagedQueryWorker::Generation> m_generation;
    std::unique_ptr<WorkerThread> m_thread;
    std::shared_ptr<const PageSource> m_source;
    qint64 m_count = 0;
    bool m_loading = false;
    // A new query's count is awaited: rows shown still belong to the old one, so no page of the
    // new one may be requested yet.
    bool m_resetPending = false;
    mutable PageCache m_cache{kMaxCachedPages};
    mutable QSet<int> m_requested;
    // The generation of a running refreshInPlace(), and whether another was asked for meanwhile.
    quint64 m_inPlaceGeneration = 0;
    bool m_inPlaceAgain = false;
};

} // namespace fleet
