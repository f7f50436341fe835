#pragma once

#include "PageSource.h"

#include <QList>
#include <QMap>
#include <QObject>
#include <atomic>
#include <memory>

namespace fleet {

class SqliteDatabase;
class Workspace;

// Runs a paged table's SQL on its own connection, in its own thread (see WorkerThread). Every
// request carries the generation it was made for; the model bumps the shared generation when
// the query changes, and requests for an older one are dropped unrun, so typing into the search
// box never piles up work. Results come back as queued signals carrying the generation.
class PagedQueryWorker : public QObject
{
    Q_OBJECT
public:
    using Generation = std::atomic<quint64>;

    // Opens the worker's own connection (on the calling thread; it is used only in the worker's).
    explicit PagedQueryWorker(const Workspace &workspace);
    ~PagedQueryWorker() override;

    // The counter the owning model bumps; shared so the worker can see new generations while it
    // is still busy with an old request.
    std::shared_ptr<Generation> generation() const { return m_generation; }

public slots:
    void countAndFirstPage(quint64 generation, std::shared_ptr<const fleet::PageSource> source,
                           int pageSize);
    // `count` is the source's row count from countAndFirstPage().
    void fetchPage(quint64 generation, std::shared_ptr<const fleet::PageSource> source, int page,
                   int pageSize, qint64 count);
    // Count again and fetch the given pages again (a refresh after a change).
    void refetch(quint64 generation, std::shared_ptr<const fleet::PageSource> source,
                 QList<int> pages, int pageSize);

signals:
    void counted(quint64 generation, qint64 count, fleet::PageRows firstPage);
    void pageFetched(quint64 generation, int page, fleet::PageRows rows);
    void refetched(quint64 generation, qint64 count, QMap<int, fleet::PageRows> pages);
    void failed(quint64 generation, QString message);

protected:
    // nullptr when the connection could not be opened; connectionError() says why.
    SqliteDatabase *db() const { return m_db.get(); }
    QString connectionError() const { return m_connectionError; }

private:
    bool isStale(quint64 generation) const { return generation != m_generation->load(); }
    bool checkConnection(quint64 generation);

    std::unique_ptr<SqliteDatabase> m_db;
    QString m_connectionError;
    std::shared_ptr<Generation> m_generation;
};

} // namespace fleet
