// WeeklySchedule and WallClock: windows placed in real IANA zones (Europe/Berlin,
// America/Chicago, Australia/Sydney, Asia/Kolkata) on ordinary days, across midnight and on the
// actual 2026 daylight-saving days. Expected instants are worked out by hand from the zone
// rules (Berlin: 29 Mar 01:00 UTC and 25 Oct 01:00 UTC; Chicago: 8 Mar 08:00 UTC and
// 1 Nov 07:00 UTC; Sydney: 4 Apr 16:00 UTC and 3 Oct 16:00 UTC; Kolkata: +05:30 always).

#include "rollout/WallClock.h"
#include "rollout/WeeklySchedule.h"

#include <QTest>

using fleet::WallClock;
using fleet::WeeklySchedule;

namespace {

QDateTime utc(const char *iso)
{
    QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    Q_ASSERT(t.isValid());
    return t.toUTC();
}

WeeklySchedule schedule(const QString &windows, const QByteArray &zone)
{
    auto s = WeeklySchedule::parse(windows, zone);
    if (!s)
        qFatal("bad schedule in test: %s", qUtf8Printable(s.message()));
    return *s;
}

} // namespace

class TestWeeklySchedule : public QObject
{
    Q_OBJECT

private slots:
    void wallClock_data()
    {
        QTest::addColumn<QByteArray>("zone");
        QTest::addColumn<QDate>("date");
        QTest::addColumn<int>("minute");
        QTest::addColumn<QDateTime>("expected");

        QTest::newRow("Berlin winter") << QByteArray("Europe/Berlin") << QDate(2026, 11, 24) << 60
                                       << utc("2026-11-24T00:00:00Z");
        QTest::newRow("Berlin summer") << QByteArray("Europe/Berlin") << QDate(2026, 7, 1) << 60
                                       << utc("2026-06-30T23:00:00Z");
        QTest::newRow("Berlin 24:00 is next midnight")
            << QByteArray("Europe/Berlin") << QDate(2026, 11, 24) << 1440
            << utc("2026-11-24T23:00:00Z");
        QTest::newRow("Berlin skipped 02:30 -> the change")
            << QByteArray("Europe/Berlin") << QDate(2026, 3, 29) << 150
            << utc("2026-03-29T01:00:00Z");
        QTest::newRow("Berlin skipped 02:00 -> the change")
            << QByteArray("Europe/Berlin") << QDate(2026, 3, 29) << 120
            << utc("2026-03-29T01:00:00Z");
        QTest::newRow("Berlin 03:00 after the jump")
            << QByteArray("Europe/Berlin") << QDate(2026, 3, 29) << 180
            << utc("2026-03-29T01:00:00Z");
        QTest::newRow("Berlin 01:59 before the jump")
            << QByteArray("Europe/Berlin") << QDate(2026, 3, 29) << 119
            << utc("2026-03-29T00:59:00Z");
        QTest::newRow("Berlin repeated 02:30 -> first (summer time)")
            << QByteArray("Europe/Berlin") << QDate(2026, 10, 25) << 150
            << utc("2026-10-25T00:30:00Z");
        QTest::newRow("Berlin 03:00 after fall back")
            << QByteArray("Europe/Berlin") << QDate(2026, 10, 25) << 180
            << utc("2026-10-25T02:00:00Z");
        QTest::newRow("Chicago skipped 02:15") << QByteArray("America/Chicago") << QDate(2026, 3, 8)
                                               << 135 << utc("2026-03-08T08:00:00Z");
        QTest::newRow("Chicago repeated 01:30 -> CDT")
            << QByteArray("America/Chicago") << QDate(2026, 11, 1) << 90
            << utc("2026-11-01T06:30:00Z");
        QTest::newRow("Sydney repeated 02:30 -> AEDT")
            << QByteArray("Australia/Sydney") << QDate(2026, 4, 5) << 150
            << utc("2026-04-04T15:30:00Z");
        QTest::newRow("Sydney skipped 02:30 -> the change")
            << QByteArray("Australia/Sydney") << QDate(2026, 10, 4) << 150
            << utc("2026-10-03T16:00:00Z");
        QTest::newRow("Kolkata half-hour offset")
            << QByteArray("Asia/Kolkata") << QDate(2026, 3, 29) << 150
            << utc("2026-03-28T21:00:00Z");
    }
    void wallClock()
    {
        QFETCH(QByteArray, zone);
        QFETCH(QDate, date);
        QFETCH(int, minute);
        QFETCH(QDateTime, expected);
        QCOMPARE(WallClock::firstInstantShowing(QTimeZone(zone), date, minute), expected);
    }

    void wallClockRefusesNonsense()
    {
        QVERIFY(!WallClock::firstInstantShowing(QTimeZone(), QDate(2026, 1, 1), 0).isValid());
        QVERIFY(!WallClock::firstInstantShowing(QTimeZone("Europe/Berlin"), QDate(), 0).isValid());
        QVERIFY(!WallClock::firstInstantShowing(QTimeZone("Europe/Berlin"), QDate(2026, 1, 1), 1441)
                     .isValid());
    }

    // For a probe instant: open or not, and if open the open period it belongs to.
    void openPeriods_data()
    {
        QTest::addColumn<QByteArray>("zone");
        QTest::addColumn<QString>("windows");
        QTest::addColumn<QDateTime>("probe");
        QTest::addColumn<QDateTime>("opened"); // invalid = closed at probe
        QTest::addColumn<QDateTime>("closes");

        const QByteArray berlin("Europe/Berlin");
        const QString weekdays = QStringLiteral("Mon-Fri 01:00-05:00");
        QTest::newRow("weekday inside")
            << berlin << weekdays << utc("2026-11-24T00:30:00Z") << utc("2026-11-24T00:00:00Z")
            << utc("2026-11-24T04:00:00Z");
        QTest::newRow("weekday first minute")
            << berlin << weekdays << utc("2026-11-24T00:00:00Z") << utc("2026-11-24T00:00:00Z")
            << utc("2026-11-24T04:00:00Z");
        QTest::newRow("weekday last minute")
            << berlin << weekdays << utc("2026-11-24T03:59:00Z") << utc("2026-11-24T00:00:00Z")
            << utc("2026-11-24T04:00:00Z");
        QTest::newRow("weekday end is exclusive")
            << berlin << weekdays << utc("2026-11-24T04:00:00Z") << QDateTime() << QDateTime();
        QTest::newRow("Saturday closed")
            << berlin << weekdays << utc("2026-11-28T01:00:00Z") << QDateTime() << QDateTime();
        QTest::newRow("summer offset")
            << berlin << weekdays << utc("2026-07-01T02:59:00Z") << utc("2026-06-30T23:00:00Z")
            << utc("2026-07-01T03:00:00Z");

        const QString saturdayNight = QStringLiteral("Sat 22:00-02:00");
        QTest::newRow("cross midnight, Saturday part")
            << berlin << saturdayNight << utc("2026-11-28T21:00:00Z") << utc("2026-11-28T21:00:00Z")
            << utc("2026-11-29T01:00:00Z");
        QTest::newRow("cross midnight, Sunday part")
            << berlin << saturdayNight << utc("2026-11-29T00:30:00Z") << utc("2026-11-28T21:00:00Z")
            << utc("2026-11-29T01:00:00Z");
        QTest::newRow("cross midnight, Sunday night closed")
            << berlin << saturdayNight << utc("2026-11-29T21:30:00Z") << QDateTime() << QDateTime();
        QTest::newRow("cross midnight, week wraps Sunday->Monday")
            << berlin << QStringLiteral("Sun 23:00-01:00") << utc("2026-11-29T23:30:00Z")
            << utc("2026-11-29T22:00:00Z") << utc("2026-11-30T00:00:00Z");
        QTest::newRow("touching windows merge across midnight")
            << berlin << QStringLiteral("Mon 22:00-24:00; Tue 00:00-02:00")
            << utc("2026-11-23T22:00:00Z") << utc("2026-11-23T21:00:00Z")
            << utc("2026-11-24T01:00:00Z");
        QTest::newRow("overlapping windows merge")
            << berlin << QStringLiteral("Mon-Fri 01:00-05:00; Tue 04:00-06:00")
            << utc("2026-11-24T00:30:00Z") << utc("2026-11-24T00:00:00Z")
            << utc("2026-11-24T05:00:00Z");

        // Berlin, spring forward: Sunday 29 March 2026, 02:00 CET -> 03:00 CEST (01:00 UTC).
        QTest::newRow("Berlin spring: 01-05 is 3 h real")
            << berlin << QStringLiteral("Sun 01:00-05:00") << utc("2026-03-29T02:59:00Z")
            << utc("2026-03-29T00:00:00Z") << utc("2026-03-29T03:00:00Z");
        QTest::newRow("Berlin spring: 02-03 skipped (before)")
            << berlin << QStringLiteral("Sun 02:00-03:00") << utc("2026-03-29T00:59:00Z")
            << QDateTime() << QDateTime();
        QTest::newRow("Berlin spring: 02-03 skipped (at the change)")
            << berlin << QStringLiteral("Sun 02:00-03:00") << utc("2026-03-29T01:00:00Z")
            << QDateTime() << QDateTime();
        QTest::newRow("Berlin spring: 02:30-04 opens at the change")
            << berlin << QStringLiteral("Sun 02:30-04:00") << utc("2026-03-29T01:30:00Z")
            << utc("2026-03-29T01:00:00Z") << utc("2026-03-29T02:00:00Z");
        QTest::newRow("Berlin spring: 01-02:30 closes at the change")
            << berlin << QStringLiteral("Sun 01:00-02:30") << utc("2026-03-29T00:30:00Z")
            << utc("2026-03-29T00:00:00Z") << utc("2026-03-29T01:00:00Z");
        QTest::newRow("Berlin spring: crossing into the short night")
            << berlin << QStringLiteral("Sat 22:00-04:00") << utc("2026-03-29T00:30:00Z")
            << utc("2026-03-28T21:00:00Z") << utc("2026-03-29T02:00:00Z");
        QTest::newRow("Berlin spring: the next day is normal again")
            << berlin << QStringLiteral("Daily 02:00-03:00") << utc("2026-03-30T00:30:00Z")
            << utc("2026-03-30T00:00:00Z") << utc("2026-03-30T01:00:00Z");

        // Berlin, fall back: Sunday 25 October 2026, 03:00 CEST -> 02:00 CET (01:00 UTC).
        QTest::newRow("Berlin fall: 02-03 lasts 2 h (first pass)")
            << berlin << QStringLiteral("Sun 02:00-03:00") << utc("2026-10-25T00:30:00Z")
            << utc("2026-10-25T00:00:00Z") << utc("2026-10-25T02:00:00Z");
        QTest::newRow("Berlin fall: 02-03 lasts 2 h (repeated hour)")
            << berlin << QStringLiteral("Sun 02:00-03:00") << utc("2026-10-25T01:30:00Z")
            << utc("2026-10-25T00:00:00Z") << utc("2026-10-25T02:00:00Z");
        QTest::newRow("Berlin fall: 01-02:30 closes at the first 02:30")
            << berlin << QStringLiteral("Sun 01:00-02:30") << utc("2026-10-25T00:15:00Z")
            << utc("2026-10-24T23:00:00Z") << utc("2026-10-25T00:30:00Z");
        QTest::newRow("Berlin fall: 01-02:30 does not reopen at the second 02:15")
            << berlin << QStringLiteral("Sun 01:00-02:30") << utc("2026-10-25T01:15:00Z")
            << QDateTime() << QDateTime();
        QTest::newRow("Berlin fall: 02:30-02:45 happens once")
            << berlin << QStringLiteral("Sun 02:30-02:45") << utc("2026-10-25T01:35:00Z")
            << QDateTime() << QDateTime();
        QTest::newRow("Berlin fall: 01-05 is 5 h real")
            << berlin << QStringLiteral("Sun 01:00-05:00") << utc("2026-10-25T03:30:00Z")
            << utc("2026-10-24T23:00:00Z") << utc("2026-10-25T04:00:00Z");

        // Chicago: 8 March 2026 02:00 CST -> 03:00 CDT (08:00 UTC);
        // 1 November 2026 02:00 CDT -> 01:00 CST (07:00 UTC).
        const QByteArray chicago("America/Chicago");
        QTest::newRow("Chicago spring: 02-03 skipped")
            << chicago << QStringLiteral("Sun 02:00-03:00") << utc("2026-03-08T08:00:00Z")
            << QDateTime() << QDateTime();
        QTest::newRow("Chicago spring: 01-05 is 3 h real")
            << chicago << QStringLiteral("Sun 01:00-05:00") << utc("2026-03-08T09:00:00Z")
            << utc("2026-03-08T07:00:00Z") << utc("2026-03-08T10:00:00Z");
        QTest::newRow("Chicago Monday after spring is on CDT")
            << chicago << weekdays << utc("2026-03-09T06:00:00Z") << utc("2026-03-09T06:00:00Z")
            << utc("2026-03-09T10:00:00Z");
        QTest::newRow("Chicago fall: 01-02 lasts 2 h")
            << chicago << QStringLiteral("Sun 01:00-02:00") << utc("2026-11-01T07:30:00Z")
            << utc("2026-11-01T06:00:00Z") << utc("2026-11-01T08:00:00Z");
        QTest::newRow("Chicago fall: Saturday night crossing the change")
            << chicago << QStringLiteral("Sat 23:00-03:00") << utc("2026-11-01T08:30:00Z")
            << utc("2026-11-01T04:00:00Z") << utc("2026-11-01T09:00:00Z");

        // Sydney (southern hemisphere): DST ends 5 April 2026 03:00 AEDT -> 02:00 AEST
        // (4 Apr 16:00 UTC); starts 4 October 2026 02:00 AEST -> 03:00 AEDT (3 Oct 16:00 UTC).
        const QByteArray sydney("Australia/Sydney");
        QTest::newRow("Sydney April: 02-03 lasts 2 h")
            << sydney << QStringLiteral("Sun 02:00-03:00") << utc("2026-04-04T16:30:00Z")
            << utc("2026-04-04T15:00:00Z") << utc("2026-04-04T17:00:00Z");
        QTest::newRow("Sydney October: 02-03 skipped")
            << sydney << QStringLiteral("Sun 02:00-03:00") << utc("2026-10-03T15:30:00Z")
            << QDateTime() << QDateTime();
        QTest::newRow("Sydney October: Sat 22-04 is 5 h real")
            << sydney << QStringLiteral("Sat 22:00-04:00") << utc("2026-10-03T16:00:00Z")
            << utc("2026-10-03T12:00:00Z") << utc("2026-10-03T17:00:00Z");
        QTest::newRow("Sydney weekday in its summer (AEDT)")
            << sydney << weekdays << utc("2026-11-23T14:00:00Z") << utc("2026-11-23T14:00:00Z")
            << utc("2026-11-23T18:00:00Z");

        // Kolkata: no daylight saving, +05:30; the European change day is an ordinary day.
        const QByteArray kolkata("Asia/Kolkata");
        QTest::newRow("Kolkata weekday")
            << kolkata << weekdays << utc("2026-03-29T19:30:00Z") << utc("2026-03-29T19:30:00Z")
            << utc("2026-03-29T23:30:00Z");
        QTest::newRow("Kolkata 02-03 on Berlin's change day")
            << kolkata << QStringLiteral("Sun 02:00-03:00") << utc("2026-03-28T21:00:00Z")
            << utc("2026-03-28T20:30:00Z") << utc("2026-03-28T21:30:00Z");
        QTest::newRow("Kolkata cross midnight")
            << kolkata << saturdayNight << utc("2026-03-28T20:00:00Z")
            << utc("2026-03-28T16:30:00Z") << utc("2026-03-28T20:30:00Z");
    }
    void openPeriods()
    {
        QFETCH(QByteArray, zone);
        QFETCH(QString, windows);
        QFETCH(QDateTime, probe);
        QFETCH(QDateTime, opened);
        QFETCH(QDateTime, closes);
        const WeeklySchedule s = schedule(windows, zone);
        const bool expectOpen = opened.isValid();
        QCOMPARE(s.isOpen(probe), expectOpen);
        QCOMPARE(s.openAtOrAfter(probe).value_or(QDateTime()) == probe, expectOpen);
        if (!expectOpen) {
            QVERIFY(!s.currentWindowEnd(probe).has_value());
            return;
        }
        QCOMPARE(s.currentWindowEnd(probe).value_or(QDateTime()), closes);
        // The same period seen through openIntervals(), with its true start.
        const QList<fleet::TimeInterval> periods = s.openIntervals(probe, probe.addSecs(60));
        QCOMPARE(periods.size(), 1);
        QCOMPARE(periods.front().start, opened);
        QCOMPARE(periods.front().end, closes);
        // Just before it closes it is open; at the close it is not (unless another opens).
        QVERIFY(s.isOpen(closes.addSecs(-1)));
        QVERIFY(s.isOpen(opened));
        QVERIFY(!s.isOpen(opened.addSecs(-1)));
    }

    void nextOpening_data()
    {
        QTest::addColumn<QByteArray>("zone");
        QTest::addColumn<QString>("windows");
        QTest::addColumn<QDateTime>("from");
        QTest::addColumn<QDateTime>("expected");

        const QByteArray berlin("Europe/Berlin");
        QTest::newRow("later today") << berlin << QStringLiteral("Mon-Fri 01:00-05:00")
                                     << utc("2026-11-23T12:00:00Z") << utc("2026-11-24T00:00:00Z");
        QTest::newRow("exactly at an opening")
            << berlin << QStringLiteral("Mon-Fri 01:00-05:00") << utc("2026-11-24T00:00:00Z")
            << utc("2026-11-24T00:00:00Z");
        QTest::newRow("inside a window: the next one")
            << berlin << QStringLiteral("Mon-Fri 01:00-05:00") << utc("2026-11-24T01:00:00Z")
            << utc("2026-11-25T00:00:00Z");
        QTest::newRow("Friday evening: Monday")
            << berlin << QStringLiteral("Mon-Fri 01:00-05:00") << utc("2026-11-27T12:00:00Z")
            << utc("2026-11-30T00:00:00Z");
        QTest::newRow("skipped Sunday: the week after")
            << berlin << QStringLiteral("Sun 02:00-03:00") << utc("2026-03-28T12:00:00Z")
            << utc("2026-04-05T00:00:00Z");
        QTest::newRow("partly skipped: opens at the change")
            << berlin << QStringLiteral("Sun 02:30-04:00") << utc("2026-03-28T12:00:00Z")
            << utc("2026-03-29T01:00:00Z");
        QTest::newRow("fall back: first 02:00")
            << berlin << QStringLiteral("Sun 02:00-03:00") << utc("2026-10-24T12:00:00Z")
            << utc("2026-10-25T00:00:00Z");
        QTest::newRow("fall back: not again in the repeated hour")
            << berlin << QStringLiteral("Sun 02:30-02:45") << utc("2026-10-25T01:00:00Z")
            << utc("2026-11-01T01:30:00Z");
        QTest::newRow("Chicago skipped Sunday")
            << QByteArray("America/Chicago") << QStringLiteral("Sun 02:00-03:00")
            << utc("2026-03-07T12:00:00Z") << utc("2026-03-15T07:00:00Z");
        QTest::newRow("Sydney skipped Sunday")
            << QByteArray("Australia/Sydney") << QStringLiteral("Sun 02:00-03:00")
            << utc("2026-10-02T12:00:00Z") << utc("2026-10-10T15:00:00Z");
        QTest::newRow("Kolkata") << QByteArray("Asia/Kolkata") << QStringLiteral("Sat 22:00-02:00")
                                 << utc("2026-03-25T00:00:00Z") << utc("2026-03-28T16:30:00Z");
        QTest::newRow("around the clock never opens anew")
            << berlin << QStringLiteral("Daily 00:00-24:00") << utc("2026-03-28T12:00:00Z")
            << QDateTime();
    }
    void nextOpening()
    {
        QFETCH(QByteArray, zone);
        QFETCH(QString, windows);
        QFETCH(QDateTime, from);
        QFETCH(QDateTime, expected);
        const auto next = schedule(windows, zone).nextOpening(from);
        QCOMPARE(next.has_value(), expected.isValid());
        if (next)
            QCOMPARE(*next, expected);
    }

    void aroundTheClockNeverCloses()
    {
        // Across both Berlin change days.
        const WeeklySchedule s = schedule(QStringLiteral("Daily 00:00-24:00"), "Europe/Berlin");
        for (const char *t :
             {"2026-03-29T01:00:00Z", "2026-10-25T01:30:00Z", "2026-11-24T12:00:00Z"}) {
            QVERIFY2(s.isOpen(utc(t)), t);
            QVERIFY(!s.currentWindowEnd(utc(t)).has_value());
        }
    }

    void openIntervalsCoverAWeek()
    {
        // Mon-Fri 01:00-05:00 in Berlin across the spring change week: five periods of 4 h.
        const WeeklySchedule s = schedule(QStringLiteral("Mon-Fri 01:00-05:00"), "Europe/Berlin");
        const auto periods =
            s.openIntervals(utc("2026-03-29T12:00:00Z"), utc("2026-04-05T12:00:00Z"));
        QCOMPARE(periods.size(), 5);
        QCOMPARE(periods.front().start, utc("2026-03-29T23:00:00Z")); // Monday 01:00 CEST
        for (const auto &p : periods)
            QCOMPARE(p.seconds(), 4 * 3600);
    }

    void parseAndFormat()
    {
        auto s = WeeklySchedule::parse(QStringLiteral("mon-fri 01:00-05:00 ;sat 22:00-02:00;"),
                                       "Europe/Berlin");
        QVERIFY2(s.ok(), qUtf8Printable(s.message()));
        QCOMPARE(s->toString(), QStringLiteral("Mon-Fri 01:00-05:00; Sat 22:00-02:00"));
        QCOMPARE(s->timeZone().id(), QByteArray("Europe/Berlin"));
        QCOMPARE(s->windows().size(), 2);
    }

    void parseRefuses_data()
    {
        QTest::addColumn<QString>("windows");
        QTest::addColumn<QByteArray>("zone");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown zone") << "Mon 01:00-02:00" << QByteArray("Europe/Atlantis")
                                      << "Unknown time zone 'Europe/Atlantis'";
        QTest::newRow("no zone") << "Mon 01:00-02:00" << QByteArray() << "Unknown time zone";
        QTest::newRow("no windows")
            << " ; " << QByteArray("Europe/Berlin") << "at least one window";
        QTest::newRow("bad second window")
            << "Mon 01:00-02:00; Tue 02:00" << QByteArray("Europe/Berlin") << "'Tue 02:00'";
    }
    void parseRefuses()
    {
        QFETCH(QString, windows);
        QFETCH(QByteArray, zone);
        QFETCH(QString, mentions);
        auto s = WeeklySchedule::parse(windows, zone);
        QVERIFY(!s.ok());
        QVERIFY2(s.message().contains(mentions), qUtf8Printable(s.message()));
    }
};

QTEST_GUILESS_MAIN(TestWeeklySchedule)
#include "tst_maintenancewindow_schedule.moc"
