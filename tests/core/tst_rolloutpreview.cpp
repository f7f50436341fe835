// RolloutPreview: what `rollout plan` prints and the wizard shows before a rollout exists. The
// waves are the ones RolloutService::create stores (device for device), every device left out
// is listed with its reasons (install policy, an unknown site zone, no group of a by-group
// split), the timeline places each wave in the sites' maintenance windows, and bad input is an
// error rather than a wrong preview. Read-only: nothing is written.

#include "DdiFixture.h"
#include "inventory/InventoryService.h"
#include "rollout/RolloutPreview.h"
#include "rollout/RolloutService.h"

#include <QTest>

using fleet::Device;
using fleet::Error;
using fleet::InventoryService;
using fleet::MaintenanceWindow;
using fleet::RolloutPlanSpec;
using fleet::RolloutPreview;
using fleet::RolloutService;
using fleet::StoredRollout;
using fleet::TargetingExclusion;
using fleet::TargetingReason;
using fleet::WaveSplit;
using fleet::WaveTimeline;
using fleet::test::DdiFixture;
using fleet::test::scalarOf;
using fleet::test::TestWorkspace;

namespace {

// Sunday 2026-11-29 12:00 UTC: the next "Mon-Fri 01:00-05:00" in Berlin (UTC+1 in winter) opens
// Monday 2026-11-30 00:00 UTC.
const QDateTime kSundayNoon(QDate(2026, 11, 29), QTime(12, 0), Qt::UTC);
const QDateTime kMondayOpen(QDate(2026, 11, 30), QTime(0, 0), Qt::UTC);

// Adds devices "<prefix>-01".. (site "Plant A", Europe/Berlin) and returns their ids.
QList<qint64> addDevices(DdiFixture &f, const QString &prefix, int count,
                         const QString &fwVersion = QStringLiteral("2.4.1"))
{
    QList<qint64> ids;
    for (int i = 1; i <= count; ++i) {
        const QString uid = QStringLiteral("%1-%2").arg(prefix).arg(i, 2, 10, QLatin1Char('0'));
        f.addDevice(uid, fwVersion);
        ids << f.deviceId(uid);
    }
    return ids;
}

qint64 saveDevice(DdiFixture &f, const Device &d)
{
    InventoryService inventory(f.ws.db(), f.ws.session().audit());
    auto saved = inventory.saveDevice(d, QStringLiteral("test setup"));
    if (!saved)
        qFatal("cannot save %s: %s", qPrintable(d.uid), qPrintable(saved.message()));
    return saved->id;
}

void addToGroup(DdiFixture &f, const QList<qint64> &ids, const QString &group)
{
    InventoryService inventory(f.ws.db(), f.ws.session().audit());
    if (!inventory.addToGroup(ids, group))
        qFatal("cannot fill group %s", qPrintable(group));
}

QStringList kindsOf(const QList<TargetingExclusion> &excluded, const QString &uid)
{
    QStringList kinds;
    for (const TargetingExclusion &e : excluded)
        if (e.deviceUid == uid)
            for (const TargetingReason &r : e.reasons)
                kinds << TargetingReason::kindName(r.kind);
    return kinds;
}

QStringList uidsOf(const QList<TargetingExclusion> &excluded)
{
    QStringList uids;
    for (const TargetingExclusion &e : excluded)
        uids << e.deviceUid;
    return uids;
}

WaveSplit splitOf(const QString &text)
{
    if (text.startsWith(QLatin1String("count:")))
        return WaveSplit::byCount(text.mid(6).toLongLong()).value();
    if (text.startsWith(QLatin1String("percent:"))) {
        QList<int> steps;
        for (const QString &p : text.mid(8).split(QLatin1Char(',')))
            steps << p.toInt();
        return WaveSplit::byCumulativePercent(steps).value();
    }
    return RolloutPlanSpec::oneWave();
}

// The stored waves of a rollout, as lists of uids by wave number (0 = the pilot, possibly empty).
QList<QStringList> storedWaves(const StoredRollout &r)
{
    QList<QStringList> waves;
    for (const StoredRollout::Device &d : r.devices) {
        while (waves.size() <= d.wave)
            waves << QStringList();
        waves[d.wave] << d.uid;
    }
    return waves;
}

qint64 rowsIn(DdiFixture &f, const QString &table)
{
    return scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM %1").arg(table)).toLongLong();
}

} // namespace

class TestRolloutPreview : public QObject
{
    Q_OBJECT

private slots:
    // The preview's waves are the waves create() stores, and the excluded devices are the
    // ones it stores, for each kind of split.
    void previewIsTheRollout_data()
    {
        QTest::addColumn<QString>("split"); // "one", "count:N" or "percent:a,b,..."
        QTest::addColumn<int>("targets");
        QTest::addColumn<int>("pilots");
        QTest::addColumn<QList<int>>("waveSizes"); // in plan order, the pilot first if any

        QTest::newRow("one wave") << QStringLiteral("one") << 5 << 0 << QList<int>{5};
        QTest::newRow("pilot then one wave") << QStringLiteral("one") << 4 << 2 << QList<int>{2, 4};
        QTest::newRow("waves of 3 with pilot")
            << QStringLiteral("count:3") << 7 << 1 << QList<int>{1, 3, 3, 1};
        QTest::newRow("cumulative percent")
            << QStringLiteral("percent:10,50,100") << 10 << 0 << QList<int>{1, 4, 5};
    }
    void previewIsTheRollout()
    {
        QFETCH(QString, split);
        QFETCH(int, targets);
        QFETCH(int, pilots);
        QFETCH(QList<int>, waveSizes);

        DdiFixture f; // gw-7 is not a target here
        const qint64 release = f.addRelease(2, 5, 0);
        QList<qint64> targetIds = addDevices(f, QStringLiteral("t"), targets);
        targetIds << addDevices(f, QStringLiteral("newer"), 1, QStringLiteral("3.0.0"));
        const QList<qint64> pilotIds = addDevices(f, QStringLiteral("lab"), pilots);
        RolloutPlanSpec spec;
        spec.split = splitOf(split);

        const qint64 audits = f.ws.auditCount();
        auto preview =
            RolloutPreview::compute(f.ws.db(), release, targetIds, pilotIds, spec, kSundayNoon);
        QVERIFY2(preview.ok(), qPrintable(preview.message()));
        QCOMPARE(f.ws.auditCount(), audits); // read-only
        QCOMPARE(rowsIn(f, QStringLiteral("rollouts")), 0);

        QCOMPARE(preview->release.id, release);
        QCOMPARE(preview->eligible.size(), targets + pilots);
        QCOMPARE(preview->plannedDeviceCount(), qint64(targets + pilots));
        QCOMPARE(uidsOf(preview->excluded), QStringList{QStringLiteral("newer-01")});
        QCOMPARE(kindsOf(preview->excluded, QStringLiteral("newer-01")),
                 QStringList{QStringLiteral("downgrade")});
        QList<int> sizes;
        for (const auto &wave : preview->plan.waves())
            sizes << int(wave.deviceUids.size());
        QCOMPARE(sizes, waveSizes);
        QCOMPARE(preview->timeline.size(), waveSizes.size());
        QCOMPARE(preview->timeline.first().isPilot, pilots > 0);

        RolloutService service(f.ws.db(), f.ws.session().audit(), f.ws.clock());
        auto created = service.create(QStringLiteral("r"), release, targetIds, pilotIds, spec,
                                      QStringLiteral("test"));
        QVERIFY2(created.ok(), qPrintable(created.message()));
        QList<QStringList> stored = storedWaves(created.value());
        if (!stored.isEmpty() && stored.first().isEmpty())
            stored.removeFirst(); // no pilot: wave numbers start at 1
        QList<QStringList> previewed;
        for (const auto &wave : preview->plan.waves())
            previewed << wave.deviceUids;
        QCOMPARE(stored, previewed);
        QCOMPARE(uidsOf(created->excluded), uidsOf(preview->excluded));
    }

    // With windows, each wave runs inside the site's window in the site's zone; the pilot goes
    // first and the wave after it starts when the pilot is expected to be done.
    void timelineFollowsWindowsAndPace()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        const QList<qint64> targetIds = addDevices(f, QStringLiteral("t"), 5);
        const QList<qint64> pilotIds = addDevices(f, QStringLiteral("lab"), 2);
        RolloutPlanSpec spec;
        spec.windows = {MaintenanceWindow::parse(QStringLiteral("Mon-Fri 01:00-05:00")).value()};
        spec.devicesPerMinute = 10;
        spec.minutesPerDevice = 30;

        auto preview =
            RolloutPreview::compute(f.ws.db(), release, targetIds, pilotIds, spec, kSundayNoon);
        QVERIFY2(preview.ok(), qPrintable(preview.message()));
        QCOMPARE(preview->windows, QStringList{QStringLiteral("Mon-Fri 01:00-05:00")});
        QCOMPARE(preview->settings.start, kSundayNoon);
        QCOMPARE(preview->timeline.size(), 2);
        const WaveTimeline &pilot = preview->timeline.at(0);
        QVERIFY(pilot.isPilot);
        QCOMPARE(pilot.sharedTimeZone, QStringLiteral("Europe/Berlin"));
        QCOMPARE(pilot.firstStart, kMondayOpen);
        QCOMPARE(pilot.lastFinish, kMondayOpen.addSecs(30 * 60));
        const WaveTimeline &wave = preview->timeline.at(1);
        QCOMPARE(wave.deviceUids.size(), 5);
        QCOMPARE(wave.firstStart, pilot.lastFinish);
        QCOMPARE(wave.lastFinish, pilot.lastFinish.addSecs(30 * 60));
        QVERIFY(wave.notScheduled.isEmpty());
        QVERIFY(wave.withoutWindow.isEmpty());
        QCOMPARE(preview->forecast.end(), wave.lastFinish);
        QCOMPARE(preview->siteOf.value(QStringLiteral("t-01")), QStringLiteral("Plant A"));
        QCOMPARE(preview->timeZoneOf.value(QStringLiteral("t-01")),
                 QStringLiteral("Europe/Berlin"));

        // A slower pace: 5 devices at 2 a minute start over 3 minutes.
        spec.devicesPerMinute = 2;
        auto slow = RolloutPreview::compute(f.ws.db(), release, targetIds, {}, spec, kSundayNoon);
        QVERIFY2(slow.ok(), qPrintable(slow.message()));
        QCOMPARE(slow->timeline.size(), 1);
        QCOMPARE(slow->timeline.first().firstStart, kMondayOpen);
        QCOMPARE(slow->timeline.first().lastFinish, kMondayOpen.addSecs((2 + 30) * 60));
    }

    // Where a device stands decides what the preview says about it: a site with an unknown zone
    // is excluded once there are windows (its "01:00" cannot be placed), a device without a site
    // may start at any hour and is flagged, but only when there are windows to escape.
    void sitesDecideWindowsAndExclusions_data()
    {
        QTest::addColumn<bool>("withWindows");
        QTest::addColumn<QStringList>("excluded");
        QTest::addColumn<QStringList>("withoutWindow");

        QTest::newRow("windows") << true << QStringList{QStringLiteral("rover")}
                                 << QStringList{QStringLiteral("floating")};
        QTest::newRow("any time") << false << QStringList() << QStringList();
    }
    void sitesDecideWindowsAndExclusions()
    {
        QFETCH(bool, withWindows);
        QFETCH(QStringList, excluded);
        QFETCH(QStringList, withoutWindow);

        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        Device nowhere = TestWorkspace::makeDevice(QStringLiteral("floating"));
        nowhere.site.clear();
        nowhere.siteTimeZone.clear();
        Device mars = TestWorkspace::makeDevice(QStringLiteral("rover"));
        mars.site = QStringLiteral("Olympus");
        mars.siteTimeZone = QStringLiteral("Mars/Olympus_Mons");
        const QList<qint64> ids{saveDevice(f, nowhere), saveDevice(f, mars),
                                f.deviceId(QStringLiteral("gw-7"))};
        RolloutPlanSpec spec;
        if (withWindows)
            spec.windows = {MaintenanceWindow::parse(QStringLiteral("Daily 01:00-05:00")).value()};

        auto preview = RolloutPreview::compute(f.ws.db(), release, ids, {}, spec, kSundayNoon);
        QVERIFY2(preview.ok(), qPrintable(preview.message()));
        QCOMPARE(uidsOf(preview->excluded), excluded);
        if (withWindows)
            QCOMPARE(kindsOf(preview->excluded, QStringLiteral("rover")),
                     QStringList{QStringLiteral("time-zone")});
        QCOMPARE(preview->timeline.size(), 1);
        QCOMPARE(preview->timeline.first().withoutWindow, withoutWindow);
        // Devices in two zones (or none): no local time is shared by the wave.
        QVERIFY(preview->timeline.first().sharedTimeZone.isEmpty());
    }

    // A split by group: one wave per group in the order named, a target in no group excluded
    // with that reason (and stored so by create()).
    void splitByGroup()
    {
        DdiFixture f; // gw-7 is in no group
        const qint64 release = f.addRelease(2, 5, 0);
        const QList<qint64> lineA = addDevices(f, QStringLiteral("a"), 2);
        const QList<qint64> lineB = addDevices(f, QStringLiteral("b"), 3);
        addToGroup(f, lineA, QStringLiteral("line-A"));
        addToGroup(f, lineB, QStringLiteral("line-B"));

        auto groups = RolloutPreview::waveGroups(
            f.ws.db(), {QStringLiteral("line-B"), QStringLiteral("line-A")});
        QVERIFY2(groups.ok(), qPrintable(groups.message()));
        QCOMPARE(groups->size(), 2);
        QCOMPARE(groups->at(0).name, QStringLiteral("line-B"));
        QCOMPARE(
            groups->at(0).deviceUids,
            (QStringList{QStringLiteral("b-01"), QStringLiteral("b-02"), QStringLiteral("b-03")}));
        auto unknown = RolloutPreview::waveGroups(f.ws.db(), {QStringLiteral("line-Z")});
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().kind, Error::Kind::NotFound);

        RolloutPlanSpec spec;
        spec.split = WaveSplit::byGroup(groups.value()).value();
        const QList<qint64> targets =
            lineA + lineB + QList<qint64>{f.deviceId(QStringLiteral("gw-7"))};
        auto preview = RolloutPreview::compute(f.ws.db(), release, targets, {}, spec, kSundayNoon);
        QVERIFY2(preview.ok(), qPrintable(preview.message()));
        QCOMPARE(preview->timeline.size(), 2);
        QCOMPARE(preview->timeline.at(0).deviceUids.size(), 3);
        QCOMPARE(preview->timeline.at(1).deviceUids.size(), 2);
        QCOMPARE(uidsOf(preview->excluded), QStringList{QStringLiteral("gw-7")});
        QCOMPARE(kindsOf(preview->excluded, QStringLiteral("gw-7")),
                 QStringList{QStringLiteral("policy")});

        RolloutService service(f.ws.db(), f.ws.session().audit(), f.ws.clock());
        auto created =
            service.create(QStringLiteral("g"), release, targets, {}, spec, QStringLiteral("t"));
        QVERIFY2(created.ok(), qPrintable(created.message()));
        QCOMPARE(uidsOf(created->excluded), uidsOf(preview->excluded));
        QCOMPARE(created->excluded.first().reasons.first().text,
                 preview->excluded.first().reasons.first().text);
    }

    // No eligible device is not an error: the preview says why each was left out.
    void nothingEligibleListsWhy()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        const QList<qint64> ids = addDevices(f, QStringLiteral("same"), 2, QStringLiteral("2.5.0"));
        auto preview = RolloutPreview::compute(f.ws.db(), release, ids, {}, {}, kSundayNoon);
        QVERIFY2(preview.ok(), qPrintable(preview.message()));
        QVERIFY(!preview->hasPlannedDevices());
        QVERIFY(preview->eligible.isEmpty());
        QVERIFY(preview->timeline.isEmpty());
        QCOMPARE(uidsOf(preview->excluded),
                 (QStringList{QStringLiteral("same-01"), QStringLiteral("same-02")}));
        QCOMPARE(kindsOf(preview->excluded, QStringLiteral("same-01")),
                 QStringList{QStringLiteral("already-on-target")});
    }

    void errors_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<int>("kind"); // Error::Kind
        QTest::addColumn<QString>("message");

        QTest::newRow("unknown release")
            << QStringLiteral("release") << int(Error::Kind::NotFound) << QString();
        QTest::newRow("unknown device")
            << QStringLiteral("device") << int(Error::Kind::NotFound) << QString();
        QTest::newRow("invalid plan") << QStringLiteral("plan") << int(Error::Kind::Invalid)
                                      << QStringLiteral("The plan is not valid");
        QTest::newRow("no start") << QStringLiteral("start") << int(Error::Kind::Invalid)
                                  << QString();
    }
    void errors()
    {
        QFETCH(QString, what);
        QFETCH(int, kind);
        QFETCH(QString, message);

        DdiFixture f;
        qint64 release = f.addRelease(2, 5, 0);
        QList<qint64> ids{f.deviceId(QStringLiteral("gw-7"))};
        RolloutPlanSpec spec;
        QDateTime start = kSundayNoon;
        if (what == QLatin1String("release"))
            release += 1000;
        else if (what == QLatin1String("device"))
            ids << 999'999;
        else if (what == QLatin1String("plan"))
            spec.devicesPerMinute = 0;
        else
            start = QDateTime();

        auto preview = RolloutPreview::compute(f.ws.db(), release, ids, {}, spec, start);
        QVERIFY(!preview.ok());
        QCOMPARE(int(preview.error().kind), kind);
        QVERIFY2(preview.message().contains(message), qPrintable(preview.message()));
    }
};

QTEST_GUILESS_MAIN(TestRolloutPreview)
#include "tst_rolloutpreview.moc"
