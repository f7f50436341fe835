#pragma once

#include "PageSource.h"

#include <QHash>
#include <QList>

namespace fleet {

// The pages of a table model that are in memory, bounded: inserting beyond the capacity drops
// the least recently used page. A dropped page is simply fetched again when it is looked at.
class PageCache
{
public:
    explicit PageCache(int capacity)
        : m_capacity(capacity)
    {}

    // The page, marking it as just used; nullptr when it is not cached.
    const PageRows *find(int page);
    void insert(int page, PageRows rows);
    bool contains(int page) const { return m_pages.contains(page); }
    QList<int> pages() const { return m_pages.keys(); }
    int size() const { return int(m_pages.size()); }
    int capacity() const { return m_capacity; }
    void clear() { m_pages.clear(); }

private:
    struct Entry
    {
        PageRows rows;
        quint64 lastUse = 0;
    };
    void evictLeastRecentlyUsed();

    int m_capacity;
    quint64 m_useCounter = 0;
    QHash<int, Entry> m_pages;
};

} // namespace fleet
