// WavePlanner: pilot + waves by count, by cumulative percentage (ceil, empty steps dropped) and
// by group; the plan is deterministic, keeps the caller's order, and puts every device in
// exactly one wave or in the excluded list with a reason.

#include "rollout/WavePlanner.h"

#include <QSet>
#include <QTest>

using namespace fleet;

namespace {

QStringList devices(int n, const QString &prefix = QStringLiteral("d"))
{
    QStringList list;
    for (int i = 1; i <= n; ++i)
        list << QStringLiteral("%1%2").arg(prefix).arg(i, 5, 10, QLatin1Char('0'));
    return list;
}

QList<int> sizes(const WavePlan &plan)
{
    QList<int> s;
    for (const PlannedWave &w : plan.waves())
        s << int(w.deviceUids.size());
    return s;
}

// Every planned device is in exactly one wave; none is both planned and excluded.
void verifyPartition(const WavePlan &plan)
{
    QSet<QString> seen;
    for (int i = 0; i < plan.waves().size(); ++i)
        for (const QString &uid : plan.waves()[i].deviceUids) {
            QVERIFY2(!seen.contains(uid), qUtf8Printable(uid));
            seen.insert(uid);
            QCOMPARE(plan.waveIndexOf(uid), i);
        }
    QCOMPARE(qint64(seen.size()), plan.deviceCount());
    for (const ExcludedDevice &e : plan.excluded()) {
        QVERIFY2(!seen.contains(e.deviceUid), qUtf8Printable(e.deviceUid));
        QCOMPARE(plan.waveIndexOf(e.deviceUid), -1);
    }
}

} // namespace

class TestWavePlanner : public QObject
{
    Q_OBJECT

private slots:
    void byCount_data()
    {
        QTest::addColumn<int>("targets");
        QTest::addColumn<int>("perWave");
        QTest::addColumn<QList<int>>("expected");
        QTest::newRow("even") << 100 << 25 << QList<int>{25, 25, 25, 25};
        QTest::newRow("remainder in the last wave") << 10 << 3 << QList<int>{3, 3, 3, 1};
        QTest::newRow("one wave bigger than the fleet") << 3 << 50 << QList<int>{3};
        QTest::newRow("one per wave") << 3 << 1 << QList<int>{1, 1, 1};
        QTest::newRow("no targets") << 0 << 10 << QList<int>{};
    }
    void byCount()
    {
        QFETCH(int, targets);
        QFETCH(int, perWave);
        QFETCH(QList<int>, expected);
        auto plan = WavePlanner::plan(devices(targets), {}, {}, *WaveSplit::byCount(perWave));
        QVERIFY2(plan.ok(), qUtf8Printable(plan.message()));
        QCOMPARE(sizes(*plan), expected);
        verifyPartition(*plan);
        QVERIFY(!plan->hasPilot());
        if (!expected.isEmpty())
            QCOMPARE(plan->waves().front().name, QStringLiteral("Wave 1"));
    }

    void byPercent_data()
    {
        QTest::addColumn<int>("targets");
        QTest::addColumn<QList<int>>("steps");
        QTest::addColumn<QList<int>>("expected");
        QTest::addColumn<QStringList>("names");
        QTest::newRow("1,10,50,100 of 1000")
            << 1000 << QList<int>{1, 10, 50, 100} << QList<int>{10, 90, 400, 500}
            << QStringList{"Wave 1 (up to 1 %)", "Wave 2 (up to 10 %)", "Wave 3 (up to 50 %)",
                           "Wave 4 (up to 100 %)"};
        QTest::newRow("1 % of 40 is one device, not none")
            << 40 << QList<int>{1, 100} << QList<int>{1, 39}
            << QStringList{"Wave 1 (up to 1 %)", "Wave 2 (up to 100 %)"};
        QTest::newRow("ceil: 10 % of 15 is 2")
            << 15 << QList<int>{10, 100} << QList<int>{2, 13} << QStringList{};
        QTest::newRow("empty steps make no wave (3 devices)")
            << 3 << QList<int>{1, 10, 50, 100} << QList<int>{1, 1, 1}
            << QStringList{"Wave 1 (up to 1 %)", "Wave 2 (up to 50 %)", "Wave 3 (up to 100 %)"};
        QTest::newRow("one device: one wave") << 1 << QList<int>{1, 10, 50, 100} << QList<int>{1}
                                              << QStringList{"Wave 1 (up to 1 %)"};
        QTest::newRow("100 only") << 7 << QList<int>{100} << QList<int>{7} << QStringList{};
        QTest::newRow("10,20,...,100 of 10")
            << 10 << QList<int>{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}
            << QList<int>{1, 1, 1, 1, 1, 1, 1, 1, 1, 1} << QStringList{};
        QTest::newRow("no targets") << 0 << QList<int>{50, 100} << QList<int>{} << QStringList{};
    }
    void byPercent()
    {
        QFETCH(int, targets);
        QFETCH(QList<int>, steps);
        QFETCH(QList<int>, expected);
        QFETCH(QStringList, names);
        auto split = WaveSplit::byCumulativePercent(steps);
        QVERIFY2(split.ok(), qUtf8Printable(split.message()));
        auto plan = WavePlanner::plan(devices(targets), {}, {}, *split);
        QVERIFY(plan.ok());
        QCOMPARE(sizes(*plan), expected);
        verifyPartition(*plan);
        if (!names.isEmpty()) {
            QStringList actual;
            for (const PlannedWave &w : plan->waves())
                actual << w.name;
            QCOMPARE(actual, names);
        }
    }

    void percentStepsRefused_data()
    {
        QTest::addColumn<QList<int>>("steps");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("none") << QList<int>{} << "at least one";
        QTest::newRow("not ending at 100") << QList<int>{10, 50} << "end at 100, or 50 %";
        QTest::newRow("falling") << QList<int>{50, 10, 100} << "10 after 50";
        QTest::newRow("repeated") << QList<int>{10, 10, 100} << "10 after 10";
        QTest::newRow("zero") << QList<int>{0, 100} << "0 after 0";
        QTest::newRow("over 100") << QList<int>{50, 150} << "150 after 50";
    }
    void percentStepsRefused()
    {
        QFETCH(QList<int>, steps);
        QFETCH(QString, mentions);
        auto split = WaveSplit::byCumulativePercent(steps);
        QVERIFY(!split.ok());
        QVERIFY2(split.message().contains(mentions), qUtf8Printable(split.message()));
    }

    void countRefused()
    {
        QVERIFY(!WaveSplit::byCount(0).ok());
        QVERIFY(!WaveSplit::byCount(-5).ok());
    }

    void byGroup()
    {
        // Targets in the caller's order; groups overlap (d3 is in both: first group wins);
        // d6 is in no group and is excluded with the reason; the empty group makes no wave.
        const QStringList targets = {"d1", "d2", "d3", "d4", "d5", "d6"};
        auto split = WaveSplit::byGroup(
            {{"line-B", {"d5", "d3", "d2"}}, {"empty", {"x9"}}, {"line-A", {"d1", "d3", "d4"}}});
        QVERIFY(split.ok());
        auto plan = WavePlanner::plan(targets, {}, {}, *split);
        QVERIFY(plan.ok());
        QCOMPARE(plan->waves().size(), 2);
        QCOMPARE(plan->waves()[0].name, QStringLiteral("Wave 1: line-B"));
        // Order inside a wave is the target order, not the group's listing order.
        QCOMPARE(plan->waves()[0].deviceUids, (QStringList{"d2", "d3", "d5"}));
        QCOMPARE(plan->waves()[1].name, QStringLiteral("Wave 2: line-A"));
        QCOMPARE(plan->waves()[1].deviceUids, (QStringList{"d1", "d4"}));
        QCOMPARE(plan->excluded().size(), 1);
        QCOMPARE(plan->excluded()[0].deviceUid, QStringLiteral("d6"));
        QCOMPARE(plan->excluded()[0].reason,
                 QStringLiteral("not in any of the wave groups (line-B, empty, line-A)"));
        verifyPartition(*plan);
    }

    void groupsRefused()
    {
        QVERIFY(!WaveSplit::byGroup({}).ok());
        QVERIFY(!WaveSplit::byGroup({{" ", {"d1"}}}).ok());
        auto twice = WaveSplit::byGroup({{"a", {"d1"}}, {"a", {"d2"}}});
        QVERIFY(!twice.ok());
        QVERIFY(twice.message().contains(QStringLiteral("'a' is listed twice")));
    }

    void pilotAndExclusions()
    {
        const QStringList targets = {"d1", "d2", "d3", "d4", "d5", "d2", "d6"};
        const QStringList pilot = {"lab1", "d4", "lab2", "lab1", "d5"};
        const QList<ExcludedDevice> excluded = {{"d3", "hardware rev A is not supported"},
                                                {"d5", "already on 2.1.0"},
                                                {"d3", "battery below 20 %"},
                                                {"d3", "hardware rev A is not supported"}};
        auto plan = WavePlanner::plan(targets, pilot, excluded, *WaveSplit::byCount(2));
        QVERIFY2(plan.ok(), qUtf8Printable(plan.message()));
        QVERIFY(plan->hasPilot());
        // Pilot: its own order, duplicates once, excluded devices left out, lab devices kept
        // even though they are not targets.
        QCOMPARE(plan->waves()[0].name, QStringLiteral("Pilot"));
        QCOMPARE(plan->waves()[0].deviceUids, (QStringList{"lab1", "d4", "lab2"}));
        // The rest: target order, duplicates once, pilot and excluded devices left out.
        QCOMPARE(plan->waves()[1].deviceUids, (QStringList{"d1", "d2"}));
        QCOMPARE(plan->waves()[2].deviceUids, (QStringList{"d6"}));
        QCOMPARE(plan->waves()[1].name, QStringLiteral("Wave 1"));
        // Reasons merged per device, first-seen order, no repeats.
        QCOMPARE(
            plan->excluded(),
            (QList<ExcludedDevice>{{"d3", "hardware rev A is not supported; battery below 20 %"},
                                   {"d5", "already on 2.1.0"}}));
        QCOMPARE(plan->deviceCount(), qint64(6));
        verifyPartition(*plan);
    }

    void badInputRefused()
    {
        const auto split = *WaveSplit::byCount(10);
        auto emptyTarget = WavePlanner::plan({"d1", ""}, {}, {}, split);
        QVERIFY(!emptyTarget.ok());
        QVERIFY(emptyTarget.message().contains(
            QStringLiteral("target list has an empty device uid at position 2")));
        QVERIFY(!WavePlanner::plan({"d1"}, {" "}, {}, split).ok());
        QVERIFY(!WavePlanner::plan({"d1"}, {}, {{"", "why"}}, split).ok());
        auto noReason = WavePlanner::plan({"d1", "d2"}, {}, {{"d2", "  "}}, split);
        QVERIFY(noReason.ok());
        QCOMPARE(noReason->excluded()[0].reason, QStringLiteral("no reason given"));
    }

    void deterministic()
    {
        const QStringList targets = devices(5000);
        QStringList pilot = {"d00010", "d04999", "lab"};
        auto a = WavePlanner::plan(targets, pilot, {{"d00020", "x"}},
                                   *WaveSplit::byCumulativePercent({1, 10, 50, 100}));
        auto b = WavePlanner::plan(targets, pilot, {{"d00020", "x"}},
                                   *WaveSplit::byCumulativePercent({1, 10, 50, 100}));
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->waves(), b->waves());
        QCOMPARE(sizes(*a), (QList<int>{3, 50, 450, 1999, 2498}));
        // The rest is the target order with pilot and excluded devices taken out.
        QCOMPARE(a->waves()[1].deviceUids.front(), QStringLiteral("d00001"));
        QCOMPARE(a->deviceCount(), qint64(5000)); // 5000 targets - 1 excluded + the lab device
        verifyPartition(*a);
    }
};

QTEST_GUILESS_MAIN(TestWavePlanner)
#include "tst_waveplanner.moc"
