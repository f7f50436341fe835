#pragma once

#include "TestWorkspace.h"
#include "inventory/DeviceRepository.h"
#include "storage/SqliteDatabase.h"

#include <QTest>

namespace fleet::test {

// A varied fleet for model and GUI tests, written in one transaction (fast, and without audit
// entries, so the audit trail of a test holds only what the test itself did).
// Device i (1-based) has uid dev-NNNN and:
//   model    GW-4000 / SN-200 / PLC-9 for i % 3 == 1 / 2 / 0
//   firmware 2.5.0 when i is even, else 2.4.1
//   site     Plant A (Europe/Berlin) when i % 2, else Plant B (America/Chicago)
//   online   unless i % 4 == 0
//   state    maintenance when i % 10 == 0, else active
//   tag      "critical" when i % 5 == 0
//   lastSeen 2026-03-01 08:00 UTC + i minutes
class DeviceFixtures
{
public:
    static QString uid(int i) { return QStringLiteral("dev-%1").arg(i, 4, 10, QLatin1Char('0')); }

    static Device device(int i)
    {
        Device d = TestWorkspace::makeDevice(uid(i));
        static const QStringList models = {QStringLiteral("PLC-9"), QStringLiteral("GW-4000"),
                                           QStringLiteral("SN-200")};
        d.model = models.at(i % 3);
        d.fwVersion = i % 2 == 0 ? QStringLiteral("2.5.0") : QStringLiteral("2.4.1");
        if (i % 2 == 0) {
            d.site = QStringLiteral("Plant B");
            d.siteTimeZone = QStringLiteral("America/Chicago");
        }
        d.online = i % 4 != 0;
        d.state = i % 10 == 0 ? QStringLiteral("maintenance") : QStringLiteral("active");
        if (i % 5 == 0)
            d.tags = QStringList{QStringLiteral("critical")};
        d.firstSeen = QDateTime(QDate(2025, 1, 1), QTime(0, 0), Qt::UTC);
        d.lastSeen = QDateTime(QDate(2026, 3, 1), QTime(8, 0), Qt::UTC).addSecs(60 * i);
        return d;
    }

    static void seed(SqliteDatabase &db, int count)
    {
        SqliteTransaction transaction(db);
        QVERIFY2(transaction.beginStatus().ok(), qPrintable(transaction.beginStatus().message()));
        DeviceRepository repo(db);
        for (int i = 1; i <= count; ++i) {
            auto r = repo.upsert(device(i));
            QVERIFY2(r.ok(), qPrintable(r.message()));
        }
        const Status committed = transaction.commit();
        QVERIFY2(committed.ok(), qPrintable(committed.message()));
    }

    // How many of the first `count` fixture devices satisfy `predicate`.
    template<typename Predicate> static int countWhere(int count, Predicate predicate)
    {
        int n = 0;
        for (int i = 1; i <= count; ++i)
            n += predicate(i) ? 1 : 0;
        return n;
    }
};

} // namespace fleet::test
