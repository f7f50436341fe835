#include "PageCache.h"

namespace fleet {

const PageRows *PageCache::find(int page)
{
    auto it = m_pages.find(page);
    if (it == m_pages.end())
        return nullptr;
    it->lastUse = ++m_useCounter;
    return &it->rows;
}

void PageCache::insert(int page, PageRows rows)
{
    m_pages.insert(page, Entry{std::move(rows), ++m_useCounter});
    while (m_pages.size() > m_capacity)
        evictLeastRecentlyUsed();
}

void PageCache::evictLeastRecentlyUsed()
{
    // A linear scan: the cache holds a few dozen pages, and this runs once per page fetched.
    auto oldest = m_pages.begin();
    for (auto it = m_pages.begin(); it != m_pages.end(); ++it)
        if (it->lastUse < oldest->lastUse)
            oldest = it;
    if (oldest != m_pages.end())
        m_pages.erase(oldest);
}

} // namespace fleet
