#include "PagedTableModel.h"

#include <climits>
#include <utility>

namespace fleet {

QString PagedTableModel::placeholderText()
{
    return QStringLiteral("\u2026");
}

PagedTableModel::PagedTableModel(PagedQueryWorker *worker, const QString &threadName,
                                 QObject *parent)
    : QAbstractTableModel(parent)
    , m_worker(worker)
    , m_generation(worker->generation())
{
    connect(worker, &PagedQueryWorker::counted, this, &PagedTableModel::onCounted);
    connect(worker, &PagedQueryWorker::pageFetched, this, &PagedTableModel::onPageFetched);
    connect(worker, &PagedQueryWorker::refetched, this, &PagedTableModel::onRefetched);
    connect(worker, &PagedQueryWorker::failed, this, &PagedTableModel::onFailed);
    m_thread = std::make_unique<WorkerThread>(worker, threadName);
}

PagedTableModel::~PagedTableModel()
{
    // Makes any request still queued stale before the thread is stopped.
    nextGeneration();
    m_thread.reset();
}

int PagedTableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    // A view cannot address more rows than an int holds; no fleet comes close.
    return int(std::min<qint64>(m_count, std::numeric_limits<int>::max()));
}

QVariant PagedTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QVector<QVariant> *row = rowOrRequest(index.row());
    if (!row)
        return role == Qt::DisplayRole ? QVariant(placeholderText()) : QVariant();
    return cellData(*row, index.column(), role);
}

const QVector<QVariant> *PagedTableModel::loadedRow(int row) const
{
    if (row < 0 || row >= m_count)
        return nullptr;
    const PageRows *page = m_cache.find(row / kPageSize);
    const int offset = row % kPageSize;
    return page && offset < page->size() ? &(*page)[offset] : nullptr;
}

const QVector<QVariant> *PagedTableModel::rowOrRequest(int row) const
{
    const int page = row / kPageSize;
    if (!m_cache.contains(page)) {
        requestPage(page);
        return nullptr;
    }
    // A page shorter than expected (rows deleted since the count) shows the rest as empty
    // until the next refresh, instead of asking again and again.
    return loadedRow(row);
}

void PagedTableModel::requestPage(int page) const
{
    if (!m_source || m_resetPending || m_requested.contains(page))
        return;
    m_requested.insert(page);
    const quint64 generation = m_generation->load();
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, generation, source = m_source, page, count = m_count] {
            worker->fetchPage(generation, source, page, kPageSize, count);
        },
        Qt::QueuedConnection);
}

quint64 PagedTableModel::nextGeneration()
{
    m_requested.clear();
    return ++*m_generation;
}

void PagedTableModel::startQuery(std::shared_ptr<const PageSource> source)
{
    m_source = std::move(source);
    m_resetPending = true;
    const quint64 generation = nextGeneration();
    setLoading(true);
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, generation, source = m_source] {
            worker->countAndFirstPage(generation, source, kPageSize);
        },
        Qt::QueuedConnection);
}

void PagedTableModel::refresh()
{
    if (!m_source)
        return;
    const quint64 generation = nextGeneration();
    setLoading(true);
    QList<int> pages = m_cache.pages();
    // A refresh can overtake a new query's first answer; it then has to bring the first page.
    if (m_resetPending && !pages.contains(0))
        pages.append(0);
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, generation, source = m_source, pages] {
            worker->refetch(generation, source, pages, kPageSize);
        },
        Qt::QueuedConnection);
}

void PagedTableModel::refreshInPlace()
{
    if (!m_source || m_resetPending)
        return; // the query's first answer is still to come and brings fresh rows anyway
    if (m_inPlaceGeneration != 0 && isCurrent(m_inPlaceGeneration)) {
        m_inPlaceAgain = true;
        return;
    }
    const quint64 generation = nextGeneration();
    m_inPlaceGeneration = generation;
    QList<int> pages = m_cache.pages();
    if (pages.isEmpty())
        pages.append(0);
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, generation, source = m_source, pages] {
            worker->refetch(generation, source, pages, kPageSize);
        },
        Qt::QueuedConnection);
}

qint64 PagedTableModel::rowKey(const QVector<QVariant> &) const
{
    return 0;
}

void PagedTableModel::applyInPlace(qint64 count, const QMap<int, PageRows> &pages)
{
    const qint64 oldCount = m_count;
    // The count first, at the end of the table, so no existing index changes its row yet.
    if (count > oldCount) {
        beginInsertRows({}, int(oldCount), int(std::min<qint64>(count, INT_MAX) - 1));
        m_count = count;
        endInsertRows();
    } else if (count < oldCount) {
        beginRemoveRows({}, int(count), int(oldCount - 1));
        m_count = count;
        endRemoveRows();
    }
    // Then the rows: a row that moved within the loaded pages takes its selection along.
    emit layoutAboutToBeChanged({}, QAbstractItemModel::NoLayoutChangeHint);
    remapPersistentIndexes(pages);
    // Pages not re-read (evicted meanwhile) are dropped; they load again when looked at.
    m_cache.clear();
    m_requested.clear();
    for (auto it = pages.begin(); it != pages.end(); ++it)
        m_cache.insert(it.key(), it.value());
    emit layoutChanged({}, QAbstractItemModel::NoLayoutChangeHint);
    for (auto it = pages.begin(); it != pages.end(); ++it)
        announcePage(it.key());
    if (count != oldCount)
        emit countChanged(count);
}

void PagedTableModel::remapPersistentIndexes(const QMap<int, PageRows> &pages)
{
    const QModelIndexList from = persistentIndexList();
    if (from.isEmpty())
        return;
    QHash<qint64, int> newRowOfKey;
    for (auto it = pages.begin(); it != pages.end(); ++it) {
        const PageRows &rows = it.value();
        for (int i = 0; i < rows.size(); ++i) {
            const qint64 key = rowKey(rows[i]);
            if (key != 0)
                newRowOfKey.insert(key, it.key() * kPageSize + i);
        }
    }
    QModelIndexList to;
    to.reserve(from.size());
    for (const QModelIndex &index : from) {
        const QVector<QVariant> *old = loadedRow(index.row());
        const qint64 key = old ? rowKey(*old) : 0;
        const int row = key != 0 ? newRowOfKey.value(key, index.row()) : index.row();
        to.append(row < m_count ? createIndex(row, index.column()) : QModelIndex());
    }
    changePersistentIndexList(from, to);
}

void PagedTableModel::onCounted(quint64 generation, qint64 count, const PageRows &firstPage)
{
    if (!isCurrent(generation))
        return;
    beginResetModel();
    m_cache.clear();
    m_requested.clear();
    m_cache.insert(0, firstPage);
    m_resetPending = false;
    m_count = count;
    endResetModel();
    emit countChanged(count);
    setLoading(false);
    emit queryFinished();
}

void PagedTableModel::onPageFetched(quint64 generation, int page, const PageRows &rows)
{
    if (!isCurrent(generation) || m_resetPending)
        return;
    m_requested.remove(page);
    m_cache.insert(page, rows);
    announcePage(page);
}

void PagedTableModel::onRefetched(quint64 generation, qint64 count,
                                  const QMap<int, PageRows> &pages)
{
    if (!isCurrent(generation))
        return;
    if (generation == m_inPlaceGeneration) {
        m_inPlaceGeneration = 0;
        applyInPlace(count, pages);
        if (std::exchange(m_inPlaceAgain, false))
            refreshInPlace();
        return;
    }
    if (count != m_count || m_resetPending) {
        // Rows moved (or a new query's rows arrive): a selection kept by row number would now
        // point at other items.
        const bool finishesQuery = m_resetPending;
        beginResetModel();
        m_cache.clear();
        m_requested.clear();
        for (auto it = pages.begin(); it != pages.end(); ++it)
            m_cache.insert(it.key(), it.value());
        m_resetPending = false;
        m_count = count;
        endResetModel();
        emit countChanged(count);
        setLoading(false);
        if (finishesQuery)
            emit queryFinished();
        return;
    }
    for (auto it = pages.begin(); it != pages.end(); ++it) {
        m_cache.insert(it.key(), it.value());
        announcePage(it.key());
    }
    setLoading(false);
}

void PagedTableModel::onFailed(quint64 generation, const QString &message)
{
    if (!isCurrent(generation))
        return;
    if (generation == m_inPlaceGeneration)
        m_inPlaceGeneration = 0;
    // The failed pages stay marked as requested: asking again on every repaint would only
    // repeat the error. The next query or refresh starts afresh.
    setLoading(false);
    emit queryFailed(message);
}

void PagedTableModel::announcePage(int page)
{
    const qint64 first = qint64(page) * kPageSize;
    const qint64 last = std::min<qint64>(first + kPageSize, m_count) - 1;
    if (first > last || columnCount() == 0)
        return;
    emit dataChanged(index(int(first), 0), index(int(last), columnCount() - 1));
}

void PagedTableModel::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    emit loadingChanged(loading);
}

} // namespace fleet
