// RolloutForecaster: the projected timeline of a wave plan under rate limit, concurrency cap,
// expected duration and each site's maintenance windows (in its own zone, across daylight-saving
// changes), and a 10,000-device plan over four continents checked against every rule the
// forecast promises. No timing assertions: the algorithm is event-driven, see the header.

#include "rollout/RolloutForecaster.h"
#include "rollout/WavePlanner.h"

#include <QMap>
#include <QTest>
#include <algorithm>

using namespace fleet;

namespace {

QDateTime utc(const char *iso)
{
    QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    Q_ASSERT(t.isValid());
    return t.toUTC();
}

QStringList devices(int n, const QString &prefix = QStringLiteral("d"))
{
    QStringList list;
    for (int i = 1; i <= n; ++i)
        list << QStringLiteral("%1%2").arg(prefix).arg(i, 5, 10, QLatin1Char('0'));
    return list;
}

WavePlan oneWave(const QStringList &uids)
{
    return *WavePlanner::plan(uids, {}, {}, *WaveSplit::byCount(qMax<qint64>(1, uids.size())));
}

WeeklySchedule schedule(const char *windows, const char *zone)
{
    auto s = WeeklySchedule::parse(QString::fromLatin1(windows), QByteArray(zone));
    if (!s)
        qFatal("bad schedule in test: %s", qUtf8Printable(s.message()));
    return *s;
}

ForecastSettings settings(const char *start, int rate, int concurrent, int minutes)
{
    ForecastSettings s;
    s.start = utc(start);
    s.devicesPerMinute = rate;
    s.maxConcurrent = concurrent;
    s.minutesPerDevice = minutes;
    return s;
}

QHash<QString, QString> allAt(const QStringList &uids, const QString &site)
{
    QHash<QString, QString> h;
    for (const QString &uid : uids)
        h.insert(uid, site);
    return h;
}

} // namespace

class TestRolloutForecast : public QObject
{
    Q_OBJECT

private slots:
    // Unrestricted sites: only the rate and the concurrency cap shape the timeline.
    void rateAndConcurrency_data()
    {
        QTest::addColumn<int>("deviceCount");
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("concurrent");
        QTest::addColumn<int>("minutes");
        QTest::addColumn<int>("lastStartMinute");
        QTest::addColumn<int>("endMinute");
        QTest::newRow("rate 2/min") << 10 << 2 << 100 << 30 << 4 << 34;
        QTest::newRow("rate 3/min, remainder") << 10 << 3 << 100 << 30 << 3 << 33;
        QTest::newRow("concurrency 2") << 6 << 10 << 2 << 10 << 20 << 30;
        QTest::newRow("concurrency 1, one at a time") << 3 << 100 << 1 << 5 << 10 << 15;
        QTest::newRow("rate and cap together") << 10 << 2 << 3 << 5 << 15 << 20;
        QTest::newRow("one device") << 1 << 1 << 1 << 1 << 0 << 1;
    }
    void rateAndConcurrency()
    {
        QFETCH(int, deviceCount);
        QFETCH(int, rate);
        QFETCH(int, concurrent);
        QFETCH(int, minutes);
        QFETCH(int, lastStartMinute);
        QFETCH(int, endMinute);
        const QDateTime start = utc("2026-11-24T10:00:00Z");
        auto f = RolloutForecaster::forecast(
            oneWave(devices(deviceCount)), {}, {},
            settings("2026-11-24T10:00:00Z", rate, concurrent, minutes));
        QVERIFY2(f.ok(), qUtf8Printable(f.message()));
        QCOMPARE(f->waves().size(), 1);
        QCOMPARE(f->waves()[0].firstStart, start);
        QCOMPARE(f->devices().back().start, start.addSecs(lastStartMinute * 60));
        QCOMPARE(f->waves()[0].lastFinish, start.addSecs(endMinute * 60));
        QCOMPARE(f->end(), start.addSecs(endMinute * 60));
        QCOMPARE(f->notScheduledCount(), 0);
        // Plan order is start order when nothing else differs.
        for (qsizetype i = 1; i < f->devices().size(); ++i)
            QVERIFY(f->devices()[i - 1].start <= f->devices()[i].start);
    }

    void startRoundsUpToTheMinute()
    {
        ForecastSettings s = settings("2026-11-24T10:00:30Z", 1, 1, 1);
        auto f = RolloutForecaster::forecast(oneWave({"a"}), {}, {}, s);
        QVERIFY(f.ok());
        QCOMPARE(f->devices()[0].start, utc("2026-11-24T10:01:00Z"));
    }

    // A device starts only inside its window and only if it finishes before the window closes.
    void startsOnlyWhenTheUpdateFitsTheWindow()
    {
        // Berlin Mon-Fri 01:00-05:00 = 00:00-04:00 UTC in November. 235 minutes per device
        // leaves starts at 00:00..00:05: six devices a night at one per minute.
        const QStringList uids = devices(20);
        QHash<QString, WeeklySchedule> sites{
            {"berlin", schedule("Mon-Fri 01:00-05:00", "Europe/Berlin")}};
        auto f = RolloutForecaster::forecast(oneWave(uids), allAt(uids, "berlin"), sites,
                                             settings("2026-11-23T12:00:00Z", 1, 100, 235));
        QVERIFY2(f.ok(), qUtf8Printable(f.message()));
        QCOMPARE(f->device("d00001")->start, utc("2026-11-24T00:00:00Z"));
        QCOMPARE(f->device("d00006")->start, utc("2026-11-24T00:05:00Z"));
        QCOMPARE(f->device("d00006")->finish, utc("2026-11-24T04:00:00Z")); // exactly at the close
        QCOMPARE(f->device("d00007")->start, utc("2026-11-25T00:00:00Z"));
        QCOMPARE(f->device("d00019")->start, utc("2026-11-27T00:00:00Z"));
        QCOMPARE(f->device("d00020")->start, utc("2026-11-27T00:01:00Z"));
        QCOMPARE(f->waves()[0].lastFinish, utc("2026-11-27T03:56:00Z"));
    }

    void windowsShorterThanAnUpdate()
    {
        const QStringList uids = devices(3);
        QHash<QString, WeeklySchedule> sites{
            {"berlin", schedule("Mon-Fri 01:00-05:00", "Europe/Berlin")}};
        ForecastSettings s = settings("2026-11-23T12:00:00Z", 1, 100, 300);
        s.horizonDays = 30;
        auto f = RolloutForecaster::forecast(oneWave(uids), allAt(uids, "berlin"), sites, s);
        QVERIFY(f.ok());
        QCOMPARE(f->notScheduledCount(), 3);
        QVERIFY(!f->waves()[0].firstStart.isValid());
        QVERIFY(!f->end().isValid());
        QCOMPARE(f->devices()[0].notScheduledReason,
                 QStringLiteral("the maintenance windows at its site are shorter than the "
                                "expected 300 minutes per device"));
    }

    void horizonEndsTheForecast()
    {
        // One device per Monday night; a 10-day horizon sees two Mondays.
        const QStringList uids = devices(3);
        QHash<QString, WeeklySchedule> sites{{"s", schedule("Mon 01:00-02:00", "Europe/Berlin")}};
        ForecastSettings s = settings("2026-11-23T12:00:00Z", 1, 1, 60);
        s.horizonDays = 10;
        auto f = RolloutForecaster::forecast(oneWave(uids), allAt(uids, "s"), sites, s);
        QVERIFY(f.ok());
        QCOMPARE(f->device("d00001")->start, utc("2026-11-30T00:00:00Z"));
        QVERIFY(!f->device("d00002")->start.isValid());
        QVERIFY2(f->device("d00002")->notScheduledReason.contains(QStringLiteral("10-day")),
                 qUtf8Printable(f->device("d00002")->notScheduledReason));
    }

    // A device whose window is closed does not hold up devices at sites that are open.
    void closedSiteDoesNotBlockOpenSites()
    {
        const QStringList uids = {"chicago-1", "chicago-2", "berlin-1", "berlin-2"};
        QHash<QString, QString> siteOf{
            {"chicago-1", "chi"}, {"chicago-2", "chi"}, {"berlin-1", "ber"}, {"berlin-2", "ber"}};
        QHash<QString, WeeklySchedule> sites{
            {"chi", schedule("Mon-Fri 01:00-05:00", "America/Chicago")},
            {"ber", schedule("Mon-Fri 01:00-05:00", "Europe/Berlin")}};
        auto f = RolloutForecaster::forecast(oneWave(uids), siteOf, sites,
                                             settings("2026-11-24T00:00:00Z", 1, 10, 30));
        QVERIFY(f.ok());
        // Berlin is open at 00:00 UTC (01:00 CET); Chicago opens at 07:00 UTC (01:00 CST).
        QCOMPARE(f->device("berlin-1")->start, utc("2026-11-24T00:00:00Z"));
        QCOMPARE(f->device("berlin-2")->start, utc("2026-11-24T00:01:00Z"));
        QCOMPARE(f->device("chicago-1")->start, utc("2026-11-24T07:00:00Z"));
        QCOMPARE(f->device("chicago-2")->start, utc("2026-11-24T07:01:00Z"));
        QCOMPARE(f->withoutWindowCount(), 0);
    }

    void devicesWithoutAWindowAreCounted()
    {
        // "lab" has no site, "pump" a site without a schedule: both may start at any time.
        const QStringList uids = {"lab", "pump", "berlin-1"};
        QHash<QString, QString> siteOf{{"pump", "unplanned"}, {"berlin-1", "ber"}};
        QHash<QString, WeeklySchedule> sites{
            {"ber", schedule("Mon-Fri 01:00-05:00", "Europe/Berlin")}};
        auto f = RolloutForecaster::forecast(oneWave(uids), siteOf, sites,
                                             settings("2026-11-24T12:00:00Z", 10, 10, 30));
        QVERIFY(f.ok());
        QCOMPARE(f->withoutWindowCount(), 2);
        QVERIFY(f->device("lab")->withoutWindow);
        QVERIFY(!f->device("berlin-1")->withoutWindow);
        QCOMPARE(f->device("lab")->start, utc("2026-11-24T12:00:00Z"));
        QCOMPARE(f->device("pump")->start, utc("2026-11-24T12:00:00Z"));
        QCOMPARE(f->device("berlin-1")->start, utc("2026-11-25T00:00:00Z"));
    }

    void wavesRunOneAfterAnother()
    {
        auto plan = WavePlanner::plan(devices(10), {"lab"}, {}, *WaveSplit::byCount(5));
        QVERIFY(plan.ok());
        ForecastSettings s = settings("2026-11-24T10:00:00Z", 5, 100, 20);
        s.minutesBetweenWaves = 60;
        auto f = RolloutForecaster::forecast(*plan, {}, {}, s);
        QVERIFY(f.ok());
        QCOMPARE(f->waves().size(), 3);
        QCOMPARE(f->waves()[0].name, QStringLiteral("Pilot"));
        QCOMPARE(f->waves()[0].firstStart, utc("2026-11-24T10:00:00Z"));
        QCOMPARE(f->waves()[0].lastFinish, utc("2026-11-24T10:20:00Z"));
        QCOMPARE(f->waves()[1].readyAt, utc("2026-11-24T11:20:00Z"));
        QCOMPARE(f->waves()[1].firstStart, utc("2026-11-24T11:20:00Z"));
        QCOMPARE(f->waves()[1].lastFinish, utc("2026-11-24T11:40:00Z"));
        QCOMPARE(f->waves()[2].firstStart, utc("2026-11-24T12:40:00Z"));
        QCOMPARE(f->end(), utc("2026-11-24T13:00:00Z"));
        QCOMPARE(f->device("lab")->wave, 0);
        QCOMPARE(f->device("d00006")->wave, 2);
    }

    // Daylight-saving days as the forecast sees them: the skipped window is skipped, the
    // doubled one holds more devices.
    void springForwardSkipsTheWindow()
    {
        const QStringList uids = devices(2);
        QHash<QString, WeeklySchedule> sites{{"s", schedule("Sun 02:00-03:00", "Europe/Berlin")}};
        auto f = RolloutForecaster::forecast(oneWave(uids), allAt(uids, "s"), sites,
                                             settings("2026-03-28T12:00:00Z", 1, 10, 30));
        QVERIFY(f.ok());
        QCOMPARE(f->device("d00001")->start, utc("2026-04-05T00:00:00Z")); // 02:00 CEST, a week on
        QCOMPARE(f->device("d00002")->start, utc("2026-04-05T00:01:00Z"));
    }

    void fallBackWindowHoldsTwoHours()
    {
        // Sun 02:00-03:00 on 25 October 2026 is open 00:00-02:00 UTC: with 90 minutes per device
        // and one start a minute, 31 devices start (00:00..00:30). The 32nd finds no later
        // window long enough (every other Sunday it is one hour).
        const QStringList uids = devices(32);
        QHash<QString, WeeklySchedule> sites{{"s", schedule("Sun 02:00-03:00", "Europe/Berlin")}};
        ForecastSettings s = settings("2026-10-24T12:00:00Z", 1, 100, 90);
        s.horizonDays = 30;
        auto f = RolloutForecaster::forecast(oneWave(uids), allAt(uids, "s"), sites, s);
        QVERIFY(f.ok());
        QCOMPARE(f->device("d00001")->start, utc("2026-10-25T00:00:00Z"));
        QCOMPARE(f->device("d00031")->start, utc("2026-10-25T00:30:00Z"));
        QCOMPARE(f->device("d00031")->finish, utc("2026-10-25T02:00:00Z"));
        QVERIFY(!f->device("d00032")->start.isValid());
        QVERIFY(!f->device("d00032")->notScheduledReason.isEmpty());
        QCOMPARE(f->notScheduledCount(), 1);
    }

    void settingsRefused_data()
    {
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("concurrent");
        QTest::addColumn<int>("minutes");
        QTest::addColumn<int>("horizon");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("rate 0") << 0 << 1 << 1 << 90 << "one device per minute";
        QTest::newRow("concurrency 0") << 1 << 0 << 1 << 90 << "At least one device";
        QTest::newRow("duration 0") << 1 << 1 << 0 << 90 << "at least one minute";
        QTest::newRow("horizon 0") << 1 << 1 << 1 << 0 << "horizon";
    }
    void settingsRefused()
    {
        QFETCH(int, rate);
        QFETCH(int, concurrent);
        QFETCH(int, minutes);
        QFETCH(int, horizon);
        QFETCH(QString, mentions);
        ForecastSettings s = settings("2026-11-24T10:00:00Z", rate, concurrent, minutes);
        s.horizonDays = horizon;
        auto f = RolloutForecaster::forecast(oneWave({"a"}), {}, {}, s);
        QVERIFY(!f.ok());
        QVERIFY2(f.message().contains(mentions), qUtf8Printable(f.message()));
        ForecastSettings noStart;
        QVERIFY(!RolloutForecaster::forecast(oneWave({"a"}), {}, {}, noStart).ok());
    }

    // 10,000 devices at 40 sites on four continents (Berlin, Chicago, Sydney, Kolkata), each
    // site Mon-Fri 01:00-05:00 local, pilot + 1/10/50/100 %, from a Thursday across a weekend.
    // Checked against every promise of the forecast.
    void tenThousandDevicesAcrossAWeek()
    {
        const QList<QByteArray> zones = {"Europe/Berlin", "America/Chicago", "Australia/Sydney",
                                         "Asia/Kolkata"};
        QHash<QString, WeeklySchedule> sites;
        for (int i = 0; i < 40; ++i)
            sites.insert(QStringLiteral("site%1").arg(i),
                         *WeeklySchedule::parse(QStringLiteral("Mon-Fri 01:00-05:00"),
                                                zones[i % zones.size()]));
        const QStringList targets = devices(10'000);
        QHash<QString, QString> siteOf;
        for (int i = 0; i < targets.size(); ++i)
            siteOf.insert(targets[i], QStringLiteral("site%1").arg((i * 7) % 40));
        const QStringList pilot = {"d00001", "d00002", "d00003", "d00004",
                                   "d00005", "d00006", "d00007", "d00008"};
        auto plan = WavePlanner::plan(targets, pilot, {{"d09999", "hardware rev A"}},
                                      *WaveSplit::byCumulativePercent({1, 10, 50, 100}));
        QVERIFY(plan.ok());
        QCOMPARE(plan->deviceCount(), qint64(9'999));

        ForecastSettings s = settings("2026-11-19T12:00:00Z", 25, 400, 30); // a Thursday
        auto f = RolloutForecaster::forecast(*plan, siteOf, sites, s);
        QVERIFY2(f.ok(), qUtf8Printable(f.message()));
        QCOMPARE(f->devices().size(), 9'999);
        QCOMPARE(f->notScheduledCount(), 0);
        QCOMPARE(f->waves().size(), 5);

        QMap<qint64, int> startsPerMinute;
        QMap<qint64, int> runningDelta; // +1 at start, -1 at finish
        QHash<QString, QDateTime> lastStartAtSiteInWave;
        for (const RolloutForecast::Device &d : f->devices()) {
            QVERIFY(d.start.isValid());
            QCOMPARE(d.start.secsTo(d.finish), qint64(30 * 60));
            QVERIFY(d.start >= s.start);
            // Inside its site's window, and finished before the window closes.
            const WeeklySchedule &site = sites[siteOf[d.uid]];
            QVERIFY2(site.isOpen(d.start), qUtf8Printable(d.uid));
            QVERIFY2(site.currentWindowEnd(d.start).value() >= d.finish, qUtf8Printable(d.uid));
            // Inside its wave's span.
            const RolloutForecast::Wave &w = f->waves()[d.wave];
            QVERIFY(d.start >= w.firstStart && d.finish <= w.lastFinish);
            // Plan order within a wave at one site.
            const QString key = siteOf[d.uid] + QLatin1Char('/') + QString::number(d.wave);
            QVERIFY(!lastStartAtSiteInWave.contains(key) || lastStartAtSiteInWave[key] <= d.start);
            lastStartAtSiteInWave[key] = d.start;
            const qint64 minute = d.start.toSecsSinceEpoch() / 60;
            ++startsPerMinute[minute];
            ++runningDelta[minute];
            --runningDelta[d.finish.toSecsSinceEpoch() / 60];
        }
        for (auto it = startsPerMinute.cbegin(); it != startsPerMinute.cend(); ++it)
            QVERIFY2(it.value() <= s.devicesPerMinute, qPrintable(QString::number(it.key())));
        int running = 0;
        for (auto it = runningDelta.cbegin(); it != runningDelta.cend(); ++it) {
            running += it.value(); // finishes and starts in the same minute net out first
            QVERIFY(running <= s.maxConcurrent);
        }
        QCOMPARE(running, 0);
        // Waves never overlap, and nothing starts over the weekend: Chicago's Friday window
        // closes Friday 11:00 UTC and Sydney's Monday window opens Sunday 14:00 UTC.
        for (int w = 1; w < f->waves().size(); ++w)
            QVERIFY(f->waves()[w].firstStart >= f->waves()[w - 1].lastFinish);
        for (const RolloutForecast::Device &d : f->devices())
            QVERIFY2(
                !(d.start >= utc("2026-11-20T11:00:00Z") && d.start < utc("2026-11-22T14:00:00Z")),
                qUtf8Printable(d.uid + QLatin1Char(' ') + d.start.toString(Qt::ISODate)));
        // The pilot needs a window in each of the four zones: Thursday and Friday.
        QVERIFY(f->waves()[0].lastFinish < utc("2026-11-20T12:00:00Z"));
        QVERIFY(f->end() < utc("2026-11-28T00:00:00Z"));
    }
};

QTEST_GUILESS_MAIN(TestRolloutForecast)
#include "tst_rolloutforecast.moc"
