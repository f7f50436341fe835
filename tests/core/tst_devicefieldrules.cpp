#include "io/DeviceFieldRules.h"

#include <QTest>

using namespace fleet;

class TestDeviceFieldRules : public QObject
{
    Q_OBJECT

private slots:
    void parsesTimestamps_data();
    void parsesTimestamps();
    void formatsTimestampsAsUtc();
    void parsesBooleans_data();
    void parsesBooleans();
    void normalizesNames_data();
    void normalizesNames();
    void validatesTimeZones_data();
    void validatesTimeZones();
    void splitsLists_data();
    void splitsLists();
};

void TestDeviceFieldRules::parsesTimestamps_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected"); // invalid: rejected

    const QDateTime nine(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC);
    QTest::newRow("Z") << QStringLiteral("2026-03-02T09:00:00Z") << nine;
    QTest::newRow("no offset") << QStringLiteral("2026-03-02T09:00:00") << nine;
    QTest::newRow("surrounding space") << QStringLiteral("  2026-03-02T09:00:00Z ") << nine;
    QTest::newRow("space separator") << QStringLiteral("2026-03-02 09:00:00") << nine;
    QTest::newRow("+hh:mm") << QStringLiteral("2026-03-02T18:00:00+09:00") << nine;
    QTest::newRow("+hhmm") << QStringLiteral("2026-03-02T18:00:00+0900") << nine;
    QTest::newRow("-hh") << QStringLiteral("2026-03-02T04:00:00-05") << nine;
    QTest::newRow("across midnight") << QStringLiteral("2026-03-01T23:30:00-10:00")
                                     << QDateTime(QDate(2026, 3, 2), QTime(9, 30), Qt::UTC);
    QTest::newRow("milliseconds") << QStringLiteral("2026-03-02T09:00:00.125Z")
                                  << nine.addMSecs(125);
    QTest::newRow("date only") << QStringLiteral("2026-03-02")
                               << QDateTime(QDate(2026, 3, 2), QTime(0, 0), Qt::UTC);
    QTest::newRow("empty") << QString() << QDateTime();
    QTest::newRow("words") << QStringLiteral("yesterday at nine") << QDateTime();
    QTest::newRow("day first") << QStringLiteral("02.03.2026 09:00") << QDateTime();
    QTest::newRow("month 13") << QStringLiteral("2026-13-02T09:00:00Z") << QDateTime();
    QTest::newRow("February 30") << QStringLiteral("2026-02-30") << QDateTime();
    QTest::newRow("hour 25") << QStringLiteral("2026-03-02T25:00:00Z") << QDateTime();
}

void TestDeviceFieldRules::parsesTimestamps()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    const auto parsed = DeviceFieldRules::parseTimestamp(text);
    if (!expected.isValid()) {
        QVERIFY2(!parsed, qPrintable(parsed ? parsed->toString(Qt::ISODate) : QString()));
        return;
    }
    QVERIFY(parsed);
    QCOMPARE(*parsed, expected);
    QCOMPARE(parsed->timeSpec(), Qt::UTC);
}

void TestDeviceFieldRules::formatsTimestampsAsUtc()
{
    const QDateTime berlin = QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::OffsetFromUTC, 3600);
    QCOMPARE(DeviceFieldRules::formatTimestamp(berlin), QStringLiteral("2026-03-02T09:00:00.000Z"));
    QCOMPARE(DeviceFieldRules::formatTimestamp(QDateTime()), QString());
    const QDateTime t(QDate(2025, 12, 31), QTime(23, 59, 59, 999), Qt::UTC);
    QCOMPARE(DeviceFieldRules::parseTimestamp(DeviceFieldRules::formatTimestamp(t)), t);
}

void TestDeviceFieldRules::parsesBooleans_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("expected"); // 1 true, 0 false, -1 rejected
    QTest::newRow("true") << QStringLiteral("true") << 1;
    QTest::newRow("TRUE") << QStringLiteral("TRUE") << 1;
    QTest::newRow("yes") << QStringLiteral(" Yes ") << 1;
    QTest::newRow("1") << QStringLiteral("1") << 1;
    QTest::newRow("false") << QStringLiteral("false") << 0;
    QTest::newRow("no") << QStringLiteral("no") << 0;
    QTest::newRow("0") << QStringLiteral("0") << 0;
    QTest::newRow("empty") << QString() << -1;
    QTest::newRow("online") << QStringLiteral("online") << -1;
    QTest::newRow("2") << QStringLiteral("2") << -1;
}

void TestDeviceFieldRules::parsesBooleans()
{
    QFETCH(QString, text);
    QFETCH(int, expected);
    const auto parsed = DeviceFieldRules::parseBool(text);
    QCOMPARE(parsed ? int(*parsed) : -1, expected);
}

void TestDeviceFieldRules::normalizesNames_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected"); // empty: rejected
    QTest::newRow("state") << QStringLiteral("state") << QStringLiteral("Active")
                           << QStringLiteral("active");
    QTest::newRow("state spaced") << QStringLiteral("state") << QStringLiteral(" retired ")
                                  << QStringLiteral("retired");
    QTest::newRow("state unknown")
        << QStringLiteral("state") << QStringLiteral("sleeping") << QString();
    QTest::newRow("connection") << QStringLiteral("connection") << QStringLiteral("DDI")
                                << QStringLiteral("ddi");
    QTest::newRow("connection unknown")
        << QStringLiteral("connection") << QStringLiteral("zigbee") << QString();
    QTest::newRow("health") << QStringLiteral("health") << QStringLiteral("Failing")
                            << QStringLiteral("failing");
    QTest::newRow("health unknown")
        << QStringLiteral("health") << QStringLiteral("fine") << QString();
}

void TestDeviceFieldRules::normalizesNames()
{
    QFETCH(QString, kind);
    QFETCH(QString, text);
    QFETCH(QString, expected);
    std::optional<QString> normalized;
    if (kind == QLatin1String("state"))
        normalized = DeviceFieldRules::normalizeState(text);
    else if (kind == QLatin1String("connection"))
        normalized = DeviceFieldRules::normalizeConnection(text);
    else
        normalized = DeviceFieldRules::normalizeHealth(text);
    QCOMPARE(normalized.value_or(QString()), expected);
}

void TestDeviceFieldRules::validatesTimeZones_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("valid");
    for (const char *zone :
         {"Europe/Berlin", "America/Chicago", "Asia/Singapore", "America/Sao_Paulo",
          "Europe/London", "Australia/Sydney", "America/Argentina/Buenos_Aires", "Etc/UTC", "UTC"})
        QTest::newRow(zone) << QString::fromLatin1(zone) << true;
    for (const char *zone :
         {"", " ", "Europe/Karlsruhe", "Mars/Olympus", "europe/berlin", "Europe/Berlin ", "CEST",
          "aaaa", "UTC+01:00", "+01:00", "Europe/../Europe/Berlin", "../../../etc/passwd",
          "/etc/localtime", "Europe//Berlin"})
        QTest::newRow(qPrintable(QStringLiteral("not '%1'").arg(QLatin1String(zone))))
            << QString::fromLatin1(zone) << false;
    QTest::newRow("very long") << QString(5000, QLatin1Char('a')) << false;
}

void TestDeviceFieldRules::validatesTimeZones()
{
    QFETCH(QString, id);
    QFETCH(bool, valid);
    QCOMPARE(DeviceFieldRules::isValidTimeZone(id), valid);
    QCOMPARE(DeviceFieldRules::isValidTimeZone(id), valid); // the cached answer agrees
}

void TestDeviceFieldRules::splitsLists_data()
{
    QTest::addColumn<QString>("cell");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("empty") << QString() << QStringList();
    QTest::newRow("one") << QStringLiteral("outdoor") << QStringList{QStringLiteral("outdoor")};
    QTest::newRow("spaces") << QStringLiteral(" a ;b;  c ")
                            << QStringList{QStringLiteral("a"), QStringLiteral("b"),
                                           QStringLiteral("c")};
    QTest::newRow("blanks and repeats")
        << QStringLiteral(";a;;a; ;b;") << QStringList{QStringLiteral("a"), QStringLiteral("b")};
    QTest::newRow("commas stay") << QStringLiteral("line 1, hall 2;x")
                                 << QStringList{QStringLiteral("line 1, hall 2"),
                                                QStringLiteral("x")};
}

void TestDeviceFieldRules::splitsLists()
{
    QFETCH(QString, cell);
    QFETCH(QStringList, expected);
    const QStringList split = DeviceFieldRules::splitList(cell);
    QCOMPARE(split, expected);
    QCOMPARE(DeviceFieldRules::splitList(DeviceFieldRules::joinList(split)), split);
}

QTEST_GUILESS_MAIN(TestDeviceFieldRules)
#include "tst_devicefieldrules.moc"
