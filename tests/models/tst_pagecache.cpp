#include "PageCache.h"

#include <QTest>

using namespace fleet;

namespace {
PageRows rowsTagged(int tag)
{
    return PageRows{QVector<QVariant>{tag}};
}
} // namespace

class TestPageCache : public QObject
{
    Q_OBJECT

private slots:
    void findsWhatWasInserted()
    {
        PageCache cache(3);
        QVERIFY(!cache.find(0));
        cache.insert(0, rowsTagged(10));
        QVERIFY(cache.contains(0));
        QCOMPARE(cache.find(0)->first().first().toInt(), 10);
        cache.insert(0, rowsTagged(11)); // replaces
        QCOMPARE(cache.size(), 1);
        QCOMPARE(cache.find(0)->first().first().toInt(), 11);
    }

    void dropsTheLeastRecentlyUsedPage()
    {
        PageCache cache(3);
        cache.insert(0, rowsTagged(0));
        cache.insert(1, rowsTagged(1));
        cache.insert(2, rowsTagged(2));
        QVERIFY(cache.find(0)); // page 0 used again: page 1 is now the oldest
        cache.insert(3, rowsTagged(3));
        QCOMPARE(cache.size(), 3);
        QVERIFY(cache.contains(0));
        QVERIFY(!cache.contains(1));
        QVERIFY(cache.contains(2));
        QVERIFY(cache.contains(3));
    }

    void staysWithinItsCapacity()
    {
        PageCache cache(50);
        for (int page = 0; page < 500; ++page)
            cache.insert(page, rowsTagged(page));
        QCOMPARE(cache.size(), 50);
        QCOMPARE(cache.capacity(), 50);
        for (int page = 450; page < 500; ++page)
            QVERIFY(cache.contains(page));
        cache.clear();
        QCOMPARE(cache.size(), 0);
    }
};

QTEST_APPLESS_MAIN(TestPageCache)
#include "tst_pagecache.moc"
