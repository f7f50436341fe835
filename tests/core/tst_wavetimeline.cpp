// WaveTimeline: a forecast's waves as people read them — devices, times, the time zone a wave
// shares (or not), the devices that cannot be scheduled and those without a window.

#include "rollout/RolloutForecaster.h"
#include "rollout/WavePlanner.h"
#include "rollout/WaveTimeline.h"

#include <QTest>

using namespace fleet;

namespace {

struct Scenario
{
    WavePlan plan;
    RolloutForecast forecast;
    QHash<QString, QString> zones;
};

// Pilot p1 (Berlin), then waves of two: [b1, b2] (Berlin), [c1 (Chicago), n1 (no site)].
// Windows Mon-Fri 01:00-02:00 local; the rollout starts on Saturday 28 November 2026, 12:00 UTC.
Scenario scenario(int minutesPerDevice)
{
    Scenario s;
    auto plan =
        WavePlanner::plan({"b1", "b2", "c1", "n1"}, {"p1"}, {}, WaveSplit::byCount(2).value());
    if (!plan)
        qFatal("plan: %s", qPrintable(plan.message()));
    s.plan = plan.value();
    const QHash<QString, QString> siteOf{{"p1", "B"}, {"b1", "B"}, {"b2", "B"}, {"c1", "C"}};
    const QHash<QString, WeeklySchedule> schedules{
        {"B",
         WeeklySchedule::parse(QStringLiteral("Mon-Fri 01:00-02:00"), "Europe/Berlin").value()},
        {"C",
         WeeklySchedule::parse(QStringLiteral("Mon-Fri 01:00-02:00"), "America/Chicago").value()}};
    ForecastSettings settings;
    settings.start = QDateTime(QDate(2026, 11, 28), QTime(12, 0), Qt::UTC);
    settings.minutesPerDevice = minutesPerDevice;
    settings.horizonDays = 14;
    auto forecast = RolloutForecaster::forecast(s.plan, siteOf, schedules, settings);
    if (!forecast)
        qFatal("forecast: %s", qPrintable(forecast.message()));
    s.forecast = forecast.value();
    s.zones = {{"p1", "Europe/Berlin"},
               {"b1", "Europe/Berlin"},
               {"b2", "Europe/Berlin"},
               {"c1", "America/Chicago"}};
    return s;
}

} // namespace

class TestWaveTimeline : public QObject
{
    Q_OBJECT

private slots:
    void wavesZonesAndWindows()
    {
        const Scenario s = scenario(30);
        const QList<WaveTimeline> t = WaveTimeline::build(s.plan, s.forecast, s.zones);
        QCOMPARE(t.size(), 3);
        QVERIFY(t[0].isPilot);
        QCOMPARE(t[0].deviceUids, QStringList{"p1"});
        QCOMPARE(t[0].sharedTimeZone, QStringLiteral("Europe/Berlin"));
        // Monday 01:00 in Berlin is 00:00 UTC in November.
        QCOMPARE(t[0].firstStart, QDateTime(QDate(2026, 11, 30), QTime(0, 0), Qt::UTC));
        QCOMPARE(t[0].lastFinish, QDateTime(QDate(2026, 11, 30), QTime(0, 30), Qt::UTC));
        QCOMPARE(t[1].deviceUids, (QStringList{"b1", "b2"}));
        QCOMPARE(t[1].sharedTimeZone, QStringLiteral("Europe/Berlin"));
        QCOMPARE(t[1].scheduled, 2);
        QVERIFY(t[1].firstStart >= t[0].lastFinish);
        QCOMPARE(t[2].deviceUids, (QStringList{"c1", "n1"}));
        QCOMPARE(t[2].sharedTimeZone, QString()); // Chicago and no site
        QCOMPARE(t[2].withoutWindow, QStringList{"n1"});
        for (qsizetype i = 0; i < t.size(); ++i) {
            QVERIFY(t[i].notScheduled.isEmpty());
            QCOMPARE(t[i].name, s.plan.waves().at(i).name);
        }
        QVERIFY(t[0].withoutWindow.isEmpty());
    }

    void devicesLongerThanTheirWindowAreNotScheduled()
    {
        // 90 minutes never fit a one-hour window; the device without a site still starts.
        const Scenario s = scenario(90);
        const QList<WaveTimeline> t = WaveTimeline::build(s.plan, s.forecast, s.zones);
        QCOMPARE(t.size(), 3);
        QCOMPARE(t[0].notScheduled.size(), 1);
        QCOMPARE(t[0].notScheduled.first().deviceUid, QStringLiteral("p1"));
        QVERIFY(!t[0].notScheduled.first().reason.isEmpty());
        QVERIFY(!t[0].firstStart.isValid());
        QCOMPARE(t[1].notScheduled.size(), 2);
        QCOMPARE(t[2].notScheduled.size(), 1);
        QCOMPARE(t[2].notScheduled.first().deviceUid, QStringLiteral("c1"));
        QCOMPARE(t[2].scheduled, 1);
        QVERIFY(t[2].firstStart.isValid());
    }

    void zoneSharedOnlyWhenEveryDeviceHasIt()
    {
        const Scenario s = scenario(30);
        QHash<QString, QString> zones = s.zones;
        zones.remove(QStringLiteral("b2")); // b2 lost its site
        const QList<WaveTimeline> t = WaveTimeline::build(s.plan, s.forecast, zones);
        QCOMPARE(t[1].sharedTimeZone, QString());
        QCOMPARE(t[0].sharedTimeZone, QStringLiteral("Europe/Berlin"));
    }
};

QTEST_GUILESS_MAIN(TestWaveTimeline)
#include "tst_wavetimeline.moc"
