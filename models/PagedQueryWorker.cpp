#include "PagedQueryWorker.h"

#include "storage/SqliteDatabase.h"
#include "storage/Workspace.h"

namespace fleet {

PagedQueryWorker::PagedQueryWorker(const Workspace &workspace)
    : m_generation(std::make_shared<Generation>(0))
{
    auto connection = workspace.openConnection();
    if (connection)
        m_db = std::move(connection.value());
    else
        m_connectionError =
            tr("Cannot open a reading connection to the workspace: %1").arg(connection.message());
}

PagedQueryWorker::~PagedQueryWorker() = default;

bool PagedQueryWorker::checkConnection(quint64 generation)
{
    if (m_db)
        return true;
    emit failed(generation, m_connectionError);
    return false;
}

void PagedQueryWorker::countAndFirstPage(quint64 generation,
                                         std::shared_ptr<const PageSource> source, int pageSize)
{
    if (isStale(generation) || !checkConnection(generation))
        return;
    auto count = source->count(*m_db);
    if (!count) {
        emit failed(generation, count.message());
        return;
    }
    if (isStale(generation))
        return;
    auto rows = source->page(*m_db, 0, pageSize, count.value());
    if (!rows) {
        emit failed(generation, rows.message());
        return;
    }
    emit counted(generation, count.value(), std::move(rows.value()));
}

void PagedQueryWorker::fetchPage(quint64 generation, std::shared_ptr<const PageSource> source,
                                 int page, int pageSize, qint64 count)
{
    if (isStale(generation) || !checkConnection(generation))
        return;
    auto rows = source->page(*m_db, qint64(page) * pageSize, pageSize, count);
    if (!rows) {
        emit failed(generation, rows.message());
        return;
    }
    emit pageFetched(generation, page, std::move(rows.value()));
}

void PagedQueryWorker::refetch(quint64 generation, std::shared_ptr<const PageSource> source,
                               QList<int> pages, int pageSize)
{
    if (isStale(generation) || !checkConnection(generation))
        return;
    auto count = source->count(*m_db);
    if (!count) {
        emit failed(generation, count.message());
        return;
    }
    QMap<int, PageRows> fetched;
    for (int page : pages) {
        if (isStale(generation))
            return;
        if (qint64(page) * pageSize >= count.value())
            continue;
        auto rows = source->page(*m_db, qint64(page) * pageSize, pageSize, count.value());
        if (!rows) {
            emit failed(generation, rows.message());
            return;
        }
        fetched.insert(page, std::move(rows.value()));
    }
    emit refetched(generation, count.value(), fetched);
}

} // namespace fleet
