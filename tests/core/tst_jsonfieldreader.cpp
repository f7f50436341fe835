#include "protocol/JsonFieldReader.h"

#include <QTest>

using namespace fleet;

// JsonFieldReader::parseTimestamp builds the usual UTC timestamps from their digits instead of
// calling QDateTime::fromString: its answers must be fromString's, valid or not.
class TestJsonFieldReader : public QObject
{
    Q_OBJECT

private slots:
    void timestampAsFromString_data();
    void timestampAsFromString();
    void timestampAsFromStringEverywhere();
    void timestampOfWrongShapeIsInvalid_data();
    void timestampOfWrongShapeIsInvalid();
};

void TestJsonFieldReader::timestampAsFromString_data()
{
    QTest::addColumn<QString>("text");
    const char *texts[] = {
        "2026-03-02T08:00:01.250Z",   "2026-03-02T08:00:01Z",     "2026-03-02T08:00:01.2Z",
        "2026-03-02T08:00:01.25Z",    "2026-03-02T08:00:01.025Z", "2026-03-02T08:00:01.999Z",
        "2026-03-02T08:00:01.000Z",   "2024-02-29T23:59:59.999Z", "2026-02-29T00:00:00Z",
        "2026-02-30T00:00:00Z",       "2026-04-31T12:00:00Z",     "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z",       "2026-01-00T00:00:00Z",     "2026-12-31T24:00:00Z",
        "2026-12-31T24:00:01Z",       "2026-06-30T23:59:60Z",     "2026-06-30T23:60:00Z",
        "2026-06-30T25:00:00Z",       "0000-01-01T00:00:00Z",     "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z",   "1970-01-01T00:00:00Z",     "2026-03-02T08:00:01+01:00",
        "2026-03-02T08:00:01.5-05:30"};
    for (const char *text : texts)
        QTest::newRow(text) << QString::fromLatin1(text);
}

void TestJsonFieldReader::timestampAsFromString()
{
    QFETCH(QString, text);
    const QDateTime expected = QDateTime::fromString(text, Qt::ISODateWithMs);
    const QDateTime actual = JsonFieldReader::parseTimestamp(text);
    QCOMPARE(actual.isValid(), expected.isValid());
    if (expected.isValid()) {
        QCOMPARE(actual.toMSecsSinceEpoch(), expected.toMSecsSinceEpoch());
        QCOMPARE(actual.toUTC(), expected.toUTC());
    }
}

// Every day of a leap and a common year, at times that cover every field's edges.
void TestJsonFieldReader::timestampAsFromStringEverywhere()
{
    const char *times[] = {"00:00:00", "23:59:59.9", "12:34:56.78", "07:08:09.010", "24:00:00"};
    int checked = 0;
    for (int year : {2024, 2026}) {
        for (int month = 0; month <= 13; ++month) {
            for (int day = 0; day <= 32; ++day) {
                for (const char *time : times) {
                    const QString text = QStringLiteral("%1-%2-%3T%4Z")
                                             .arg(year)
                                             .arg(month, 2, 10, QLatin1Char('0'))
                                             .arg(day, 2, 10, QLatin1Char('0'))
                                             .arg(QLatin1String(time));
                    const QDateTime expected = QDateTime::fromString(text, Qt::ISODateWithMs);
                    const QDateTime actual = JsonFieldReader::parseTimestamp(text);
                    QVERIFY2(actual.isValid() == expected.isValid() &&
                                 (!expected.isValid() ||
                                  actual.toMSecsSinceEpoch() == expected.toMSecsSinceEpoch()),
                             qPrintable(text));
                    ++checked;
                }
            }
        }
    }
    QCOMPARE(checked, 2 * 14 * 33 * 5);
}

void TestJsonFieldReader::timestampOfWrongShapeIsInvalid_data()
{
    QTest::addColumn<QString>("text");
    const char *texts[] = {"",
                           "2026-03-02",
                           "2026-03-02T08:00:01",
                           "2026-03-02T08:00:01.Z",
                           "2026-03-02T08:00:01.1234Z",
                           "2026-03-02 08:00:01Z",
                           "2026-3-02T08:00:01Z",
                           "2026-03-02T08:00:01z",
                           "2026-03-02T08:00:01ZZ",
                           "+2026-03-02T08:00:01Z",
                           "2026-03-02T08:00:01.25+0100"};
    for (const char *text : texts)
        QTest::newRow(text) << QString::fromLatin1(text);
}

void TestJsonFieldReader::timestampOfWrongShapeIsInvalid()
{
    QFETCH(QString, text);
    QVERIFY(!JsonFieldReader::parseTimestamp(text).isValid());
}

QTEST_GUILESS_MAIN(TestJsonFieldReader)
#include "tst_jsonfieldreader.moc"
