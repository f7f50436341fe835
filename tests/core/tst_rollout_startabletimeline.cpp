// StartableTimeline: the minutes at which a device may start under a schedule, given its
// expected duration; the update must fit before the window closes, open periods longer than the
// week-sized loading chunks are not cut at chunk edges, the horizon is respected, and a query
// that steps back in time still gets the right answer.

#include "rollout/StartableTimeline.h"

#include <QTest>

using fleet::StartableTimeline;
using fleet::WeeklySchedule;

namespace {

qint64 minuteOf(const char *iso)
{
    const QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    Q_ASSERT(t.isValid());
    return t.toSecsSinceEpoch() / 60;
}

std::optional<WeeklySchedule> schedule(const char *windows, const char *zone = "Europe/Berlin")
{
    if (!*windows)
        return std::nullopt; // no schedule: around the clock
    auto s = WeeklySchedule::parse(QString::fromLatin1(windows), QByteArray(zone));
    if (!s)
        qFatal("bad schedule in test: %s", qUtf8Printable(s.message()));
    return *s;
}

} // namespace

class TestStartableTimeline : public QObject
{
    Q_OBJECT

private slots:
    void earliestStart_data()
    {
        QTest::addColumn<QString>("windows");
        QTest::addColumn<int>("minutes");
        QTest::addColumn<qint64>("query");
        QTest::addColumn<qint64>("expected"); // -1: none

        // Berlin Mon-Fri 01:00-05:00 = 00:00-04:00 UTC in November.
        const QString weekdays = QStringLiteral("Mon-Fri 01:00-05:00");
        QTest::newRow("before the window") << weekdays << 60 << minuteOf("2026-11-23T12:00:00Z")
                                           << minuteOf("2026-11-24T00:00:00Z");
        QTest::newRow("inside, fits") << weekdays << 60 << minuteOf("2026-11-24T02:59:00Z")
                                      << minuteOf("2026-11-24T02:59:00Z");
        QTest::newRow("inside, fits exactly") << weekdays << 60 << minuteOf("2026-11-24T03:00:00Z")
                                              << minuteOf("2026-11-24T03:00:00Z");
        QTest::newRow("inside, does not fit: next night")
            << weekdays << 60 << minuteOf("2026-11-24T03:01:00Z")
            << minuteOf("2026-11-25T00:00:00Z");
        QTest::newRow("Friday too late: Monday")
            << weekdays << 60 << minuteOf("2026-11-27T03:30:00Z")
            << minuteOf("2026-11-30T00:00:00Z");
        QTest::newRow("never fits")
            << weekdays << 241 << minuteOf("2026-11-23T12:00:00Z") << qint64(-1);
        QTest::newRow("whole window") << weekdays << 240 << minuteOf("2026-11-23T12:00:00Z")
                                      << minuteOf("2026-11-24T00:00:00Z");
        // Touching windows make one period longer than either window.
        QTest::newRow("merged periods fit longer updates")
            << QStringLiteral("Mon 22:00-24:00; Tue 00:00-02:00") << 240
            << minuteOf("2026-11-23T12:00:00Z") << minuteOf("2026-11-23T21:00:00Z");
        // Around the clock: one period longer than the loading chunk of a week.
        QTest::newRow("ten-day update, around the clock")
            << QStringLiteral("Daily 00:00-24:00") << 10 * 24 * 60
            << minuteOf("2026-11-24T10:00:00Z") << minuteOf("2026-11-24T10:00:00Z");
        QTest::newRow("no schedule") << QString() << 100'000 << minuteOf("2026-11-24T10:00:00Z")
                                     << minuteOf("2026-11-24T10:00:00Z");
        // Daylight saving: the autumn window is two hours long, every other one hour.
        QTest::newRow("fall back: 90 min fits only that Sunday")
            << QStringLiteral("Sun 02:00-03:00") << 90 << minuteOf("2026-10-20T00:00:00Z")
            << minuteOf("2026-10-25T00:00:00Z");
        QTest::newRow("fall back: after it, never again")
            << QStringLiteral("Sun 02:00-03:00") << 90 << minuteOf("2026-10-25T00:31:00Z")
            << qint64(-1);
        QTest::newRow("spring forward: skipped Sunday")
            << QStringLiteral("Sun 02:00-03:00") << 30 << minuteOf("2026-03-28T00:00:00Z")
            << minuteOf("2026-04-05T00:00:00Z");
    }
    void earliestStart()
    {
        QFETCH(QString, windows);
        QFETCH(int, minutes);
        QFETCH(qint64, query);
        QFETCH(qint64, expected);
        const QByteArray text = windows.toLatin1();
        const qint64 from = query - 60;
        const qint64 horizon = from + 40 * 24 * 60;
        StartableTimeline timeline(schedule(text.constData()), minutes, from, horizon);
        const std::optional<qint64> at = timeline.earliestStartAtOrAfter(query);
        QCOMPARE(at.value_or(-1), expected);
        if (at) {
            // Asking again at the answer gives the answer (the simulation relies on it).
            QCOMPARE(timeline.earliestStartAtOrAfter(*at).value_or(-1), *at);
        }
    }

    void horizonIsRespected()
    {
        const qint64 from = minuteOf("2026-11-23T12:00:00Z");
        StartableTimeline timeline(schedule("Mon 01:00-02:00"), 30, from, from + 24 * 60);
        QVERIFY(!timeline.earliestStartAtOrAfter(from).has_value());
        StartableTimeline wider(schedule("Mon 01:00-02:00"), 30, from, from + 8 * 24 * 60);
        QCOMPARE(wider.earliestStartAtOrAfter(from).value_or(-1), minuteOf("2026-11-30T00:00:00Z"));
    }

    void steppingBackStillAnswersCorrectly()
    {
        const qint64 from = minuteOf("2026-11-23T12:00:00Z");
        StartableTimeline timeline(schedule("Mon-Fri 01:00-05:00"), 60, from, from + 30 * 24 * 60);
        QCOMPARE(timeline.earliestStartAtOrAfter(minuteOf("2026-11-26T12:00:00Z")).value_or(-1),
                 minuteOf("2026-11-27T00:00:00Z"));
        QCOMPARE(timeline.earliestStartAtOrAfter(from).value_or(-1),
                 minuteOf("2026-11-24T00:00:00Z"));
    }

    void longEnoughWindow()
    {
        const qint64 from = minuteOf("2026-11-23T12:00:00Z");
        QVERIFY(StartableTimeline(schedule("Mon-Fri 01:00-05:00"), 240, from, from + 10)
                    .hasLongEnoughWindow());
        QVERIFY(!StartableTimeline(schedule("Mon-Fri 01:00-05:00"), 241, from, from + 10)
                     .hasLongEnoughWindow());
        QVERIFY(
            StartableTimeline(schedule("Mon 22:00-24:00; Tue 00:00-02:00"), 240, from, from + 10)
                .hasLongEnoughWindow());
        QVERIFY(StartableTimeline(std::nullopt, 1'000'000, from, from + 10).hasLongEnoughWindow());
    }
};

QTEST_GUILESS_MAIN(TestStartableTimeline)
#include "tst_rollout_startabletimeline.moc"
