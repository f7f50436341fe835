// MaintenanceWindow: the compact text form engineers type ("Mon-Fri 01:00-05:00",
// "Sat 22:00-02:00"), its canonical spelling, and the refusals with a message naming the
// offending part.

#include "rollout/MaintenanceWindow.h"

#include <QTest>

using fleet::MaintenanceWindow;

class TestMaintenanceWindow : public QObject
{
    Q_OBJECT

private slots:
    void parsesValid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical");
        QTest::addColumn<int>("days"); // bit 0 = Monday
        QTest::addColumn<int>("start");
        QTest::addColumn<int>("end");
        QTest::addColumn<bool>("crossesMidnight");
        QTest::addColumn<int>("wallClockMinutes");

        QTest::newRow("weekdays") << "Mon-Fri 01:00-05:00"
                                  << "Mon-Fri 01:00-05:00" << 0x1f << 60 << 300 << false << 240;
        QTest::newRow("one day crossing midnight")
            << "Sat 22:00-02:00"
            << "Sat 22:00-02:00" << 0x20 << 1320 << 120 << true << 240;
        QTest::newRow("case and spaces") << "  mon-FRI   1:00-05:00 "
                                         << "" << 0 << 0 << 0 << false << 0; // refused below
        QTest::newRow("list") << "Mon,Wed,Fri 03:15-04:45"
                              << "Mon,Wed,Fri 03:15-04:45" << 0x15 << 195 << 285 << false << 90;
        QTest::newRow("two-day run is a list")
            << "Sat-Sun 00:00-06:00"
            << "Sat,Sun 00:00-06:00" << 0x60 << 0 << 360 << false << 360;
        QTest::newRow("range wrapping the weekend")
            << "Fri-Mon 23:00-01:00"
            << "Mon,Fri-Sun 23:00-01:00" << 0x71 << 1380 << 60 << true << 120;
        QTest::newRow("daily") << "daily 02:00-03:00"
                               << "Daily 02:00-03:00" << 0x7f << 120 << 180 << false << 60;
        QTest::newRow("all days spelled out")
            << "Mon-Sun 00:00-24:00"
            << "Daily 00:00-24:00" << 0x7f << 0 << 1440 << false << 1440;
        QTest::newRow("until midnight written 00:00")
            << "Tue 22:00-00:00"
            << "Tue 22:00-24:00" << 0x02 << 1320 << 1440 << false << 120;
        QTest::newRow("one minute") << "Thu 23:59-24:00"
                                    << "Thu 23:59-24:00" << 0x08 << 1439 << 1440 << false << 1;
        QTest::newRow("all but the first minute")
            << "Wed 00:01-00:00"
            << "Wed 00:01-24:00" << 0x04 << 1 << 1440 << false << 1439;
        QTest::newRow("overlapping list items")
            << "Mon-Wed,Tue 01:00-02:00"
            << "Mon-Wed 01:00-02:00" << 0x07 << 60 << 120 << false << 60;
    }
    void parsesValid()
    {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        QFETCH(int, days);
        QFETCH(int, start);
        QFETCH(int, end);
        QFETCH(bool, crossesMidnight);
        QFETCH(int, wallClockMinutes);
        auto w = MaintenanceWindow::parse(text);
        if (canonical.isEmpty()) {
            QVERIFY(!w.ok()); // hours need two digits: "1:00" is refused, not guessed
            return;
        }
        QVERIFY2(w.ok(), qUtf8Printable(w.message()));
        QCOMPARE(w->toString(), canonical);
        QCOMPARE(int(w->days()), days);
        QCOMPARE(w->startMinute(), start);
        QCOMPARE(w->endMinute(), end);
        QCOMPARE(w->crossesMidnight(), crossesMidnight);
        QCOMPARE(w->wallClockMinutes(), wallClockMinutes);
        // The canonical text parses back to the same window.
        auto again = MaintenanceWindow::parse(w->toString());
        QVERIFY(again.ok());
        QVERIFY(*again == *w);
    }

    void refusesInvalid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << "   "
                               << "empty";
        QTest::newRow("no days") << "01:00-05:00"
                                 << "days and a time range";
        QTest::newRow("unknown day") << "Mo-Fr 01:00-05:00"
                                     << "unknown day";
        QTest::newRow("dangling range") << "Mon- 01:00-05:00"
                                        << "unknown day";
        QTest::newRow("empty list item") << "Mon,,Fri 01:00-05:00"
                                         << "not a day";
        QTest::newRow("hour 25") << "Mon 25:00-05:00"
                                 << "'25:00'";
        QTest::newRow("start 24:00") << "Mon 24:00-05:00"
                                     << "'24:00'";
        QTest::newRow("end 24:01") << "Mon 01:00-24:01"
                                   << "'24:01'";
        QTest::newRow("minute 60") << "Mon 01:60-05:00"
                                   << "'01:60'";
        QTest::newRow("no range") << "Mon 01:00"
                                  << "HH:MM-HH:MM";
        QTest::newRow("same start and end") << "Mon 03:00-03:00"
                                            << "00:00-24:00";
        QTest::newRow("midnight to midnight") << "Mon 00:00-00:00"
                                              << "00:00-24:00";
        QTest::newRow("three fields") << "Mon 01:00 05:00"
                                      << "days and a time range";
        QTest::newRow("letters in time") << "Mon 0a:00-05:00"
                                         << "'0a:00'";
    }
    void refusesInvalid()
    {
        QFETCH(QString, text);
        QFETCH(QString, mentions);
        auto w = MaintenanceWindow::parse(text);
        QVERIFY(!w.ok());
        QCOMPARE(w.error().kind, fleet::Error::Kind::Invalid);
        QVERIFY2(w.message().contains(mentions), qUtf8Printable(w.message()));
    }

    void opensOnNamesTheOpeningDay()
    {
        auto w = MaintenanceWindow::parse(QStringLiteral("Sat 22:00-02:00"));
        QVERIFY(w.ok());
        QVERIFY(w->opensOn(Qt::Saturday));
        QVERIFY(!w->opensOn(Qt::Sunday)); // it is still open on Sunday morning, but opened Saturday
    }

    void fromPartsRefusesNoDays()
    {
        QVERIFY(!MaintenanceWindow::fromParts(0, 60, 120).ok());
        QVERIFY(!MaintenanceWindow::fromParts(0x80, 60, 120).ok());
        QVERIFY(MaintenanceWindow::fromParts(0x01, 60, 120).ok());
    }
};

QTEST_GUILESS_MAIN(TestMaintenanceWindow)
#include "tst_maintenancewindow.moc"
