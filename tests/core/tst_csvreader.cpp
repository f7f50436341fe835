#include "io/CsvReader.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTest>

using namespace fleet;

namespace {

// What a reader produced, one string per outcome, so a whole read compares in one QCOMPARE:
// "R<line>:<field>|<field>" for a record, "E<line>:<message>" for a bad record.
QStringList readAll(const QByteArray &input, CsvReader::Options options)
{
    QBuffer buffer;
    buffer.setData(input);
    buffer.open(QIODevice::ReadOnly);
    CsvReader reader(buffer, options);
    QStringList out;
    // A reader that never ends would hang the test: every outcome consumes at least one byte.
    for (qsizetype guard = 0; guard <= input.size() + 1; ++guard) {
        switch (reader.next()) {
        case CsvReader::Next::Record:
            out << QStringLiteral("R%1:%2")
                       .arg(reader.line())
                       .arg(reader.fields().join(QLatin1Char('|')));
            break;
        case CsvReader::Next::BadRecord:
            out << QStringLiteral("E%1:%2").arg(reader.errorLine()).arg(reader.errorMessage());
            break;
        case CsvReader::Next::End:
            return out;
        case CsvReader::Next::ReadFailed:
            out << QStringLiteral("F:%1").arg(reader.errorMessage());
            return out;
        }
    }
    out << QStringLiteral("reader did not end");
    return out;
}

// Errors compare by line and a distinctive part of the message.
bool matches(const QString &actual, const QString &expected)
{
    if (expected.startsWith(QLatin1Char('E')))
        return actual.startsWith(expected.section(QLatin1Char(':'), 0, 0) + QLatin1Char(':')) &&
               actual.contains(expected.section(QLatin1Char(':'), 1));
    return actual == expected;
}

// A device whose every read fails, like a file on a vanished network share.
class FailingDevice : public QIODevice
{
protected:
    qint64 readData(char *, qint64) override
    {
        setErrorString(QStringLiteral("network share went away"));
        return -1;
    }
    qint64 writeData(const char *, qint64) override { return -1; }
};

} // namespace

class TestCsvReader : public QObject
{
    Q_OBJECT

private slots:
    void reads_data();
    void reads();
    void tenMegabyteLineIsOneBadRecord();
    void hashesEveryByteRead();
    void reportsReadFailure();
    void hostileInputReadsTheSameInAnyChunking_data();
    void hostileInputReadsTheSameInAnyChunking();
};

void TestCsvReader::reads_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<qint64>("maxLineBytes");
    QTest::addColumn<QStringList>("expected");

    const qint64 mb = 1 << 20;
    QTest::newRow("simple") << QByteArray("a,b,c\n1,2,3\n") << mb
                            << QStringList{"R1:a|b|c", "R2:1|2|3"};
    QTest::newRow("no final line break")
        << QByteArray("a,b\n1,2") << mb << QStringList{"R1:a|b", "R2:1|2"};
    QTest::newRow("crlf") << QByteArray("a,b\r\n1,2\r\n3,4\r\n") << mb
                          << QStringList{"R1:a|b", "R2:1|2", "R3:3|4"};
    QTest::newRow("lone cr") << QByteArray("a,b\r1,2\r") << mb << QStringList{"R1:a|b", "R2:1|2"};
    QTest::newRow("quoted comma") << QByteArray("\"Plant A, hall 2\",x\n") << mb
                                  << QStringList{"R1:Plant A, hall 2|x"};
    QTest::newRow("quoted line break") << QByteArray("\"multi\nline\",x\nnext,y\n") << mb
                                       << QStringList{"R1:multi\nline|x", "R3:next|y"};
    QTest::newRow("quoted crlf kept")
        << QByteArray("\"a\r\nb\",c\r\nd,e\r\n") << mb << QStringList{"R1:a\r\nb|c", "R3:d|e"};
    QTest::newRow("doubled quotes")
        << QByteArray("\"say \"\"hi\"\"\",b\n") << mb << QStringList{"R1:say \"hi\"|b"};
    QTest::newRow("only a doubled quote") << QByteArray("\"\"\"\"\n") << mb << QStringList{"R1:\""};
    QTest::newRow("empty fields") << QByteArray(",,\n") << mb << QStringList{"R1:||"};
    QTest::newRow("quoted empty") << QByteArray("\"\",x\n") << mb << QStringList{"R1:|x"};
    QTest::newRow("trailing comma") << QByteArray("a,\n") << mb << QStringList{"R1:a|"};
    QTest::newRow("trailing comma at end of file")
        << QByteArray("a,") << mb << QStringList{"R1:a|"};
    QTest::newRow("blank lines skipped")
        << QByteArray("a\n\n\r\n\nb\n") << mb << QStringList{"R1:a", "R5:b"};
    QTest::newRow("byte order mark")
        << QByteArray("\xEF\xBB\xBFuid,name\n") << mb << QStringList{"R1:uid|name"};
    QTest::newRow("only a byte order mark") << QByteArray("\xEF\xBB\xBF") << mb << QStringList();
    QTest::newRow("byte order mark prefix is data")
        << QByteArray("\xEF\xBB") << mb << QStringList{"E1:not valid UTF-8"};
    QTest::newRow("empty input") << QByteArray() << mb << QStringList();
    QTest::newRow("utf-8") << QByteArray("Z\xC3\xBCrich,\xE6\x9D\xB1\xE4\xBA\xAC\n") << mb
                           << QStringList{QStringLiteral("R1:Zürich|東京")};
    QTest::newRow("invalid byte") << QByteArray("ok,1\nbad\xFF,2\nok,3\n") << mb
                                  << QStringList{"R1:ok|1", "E2:Field 1 is not valid UTF-8",
                                                 "R3:ok|3"};
    QTest::newRow("sequence cut at field end")
        << QByteArray("a\xC3,b\n") << mb << QStringList{"E1:Field 1 is not valid UTF-8"};
    QTest::newRow("overlong encoding")
        << QByteArray("x,\xC0\x80\n") << mb << QStringList{"E1:Field 2 is not valid UTF-8"};
    QTest::newRow("encoded surrogate")
        << QByteArray("\xED\xA0\x80\n") << mb << QStringList{"E1:not valid UTF-8"};
    QTest::newRow("latin-1 file") << QByteArray("uid,site\nd1,M\xFCnchen\n") << mb
                                  << QStringList{"R1:uid|site", "E2:Field 2 is not valid UTF-8"};
    QTest::newRow("invalid byte in a later line of a quoted field")
        << QByteArray("h\nx,\"l1\nl2\xFF\"\nok\n") << mb
        << QStringList{"R1:h", "E2:Field 2 is not valid UTF-8", "R4:ok"};
    QTest::newRow("text after closing quote")
        << QByteArray("\"a\"b,c\nnext\n") << mb
        << QStringList{"E1:after its closing quote", "R2:next"};
    QTest::newRow("quote inside unquoted field")
        << QByteArray("a\"b,c\nnext\n") << mb
        << QStringList{"E1:does not start with one", "R2:next"};
    QTest::newRow("quote never closed") << QByteArray("h\na,\"open\nmore\n") << mb
                                        << QStringList{"R1:h", "E2:field 2) is not closed"};
    QTest::newRow("line over the limit")
        << (QByteArray("short\n") + QByteArray(100, 'x') + QByteArray("\nafter\n")) << qint64(50)
        << QStringList{"R1:short", "E2:longer than the limit of 50 bytes", "R3:after"};
    QTest::newRow("many commas over the limit")
        << (QByteArray(200, ',') + QByteArray("\nafter\n")) << qint64(50)
        << QStringList{"E1:longer than the limit", "R2:after"};
    QTest::newRow("quoted record over the limit ends where its quote closes")
        << (QByteArray("\"") + QByteArray(40, 'x') + "\n" + QByteArray(40, 'y') +
            QByteArray("\",z\nafter\n"))
        << qint64(50) << QStringList{"E1:longer than the limit", "R3:after"};
    QTest::newRow("line at the limit")
        << (QByteArray(50, 'x') + QByteArray("\n")) << qint64(50)
        << QStringList{QStringLiteral("R1:") + QString(50, QLatin1Char('x'))};
    QTest::newRow("nul byte is data")
        << QByteArray("a\0b,c\n", 6) << mb
        << QStringList{QStringLiteral("R1:a") + QChar(0) + QStringLiteral("b|c")};
}

void TestCsvReader::reads()
{
    QFETCH(QByteArray, input);
    QFETCH(qint64, maxLineBytes);
    QFETCH(QStringList, expected);

    // Chunk boundaries must not matter: a CRLF, a doubled quote or a UTF-8 sequence split
    // across two reads reads the same.
    for (qint64 chunk : {qint64(1), qint64(2), qint64(3), qint64(7), qint64(64 << 10)}) {
        const QStringList actual = readAll(input, {maxLineBytes, chunk});
        QVERIFY2(actual.size() == expected.size(),
                 qPrintable(QStringLiteral("chunk %1: got %2")
                                .arg(chunk)
                                .arg(actual.join(QStringLiteral(" / ")))));
        for (qsizetype i = 0; i < actual.size(); ++i)
            QVERIFY2(matches(actual.at(i), expected.at(i)),
                     qPrintable(QStringLiteral("chunk %1, outcome %2: got '%3', expected '%4'")
                                    .arg(chunk)
                                    .arg(i)
                                    .arg(actual.at(i), expected.at(i))));
    }
}

void TestCsvReader::tenMegabyteLineIsOneBadRecord()
{
    QByteArray input("uid,name\n");
    input += QByteArray("dev-1,");
    input += QByteArray(10 << 20, 'x');
    input += QByteArray("\ndev-2,ok\n");
    QBuffer buffer(&input);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    CsvReader reader(buffer); // default limit: 1 MiB

    QCOMPARE(reader.next(), CsvReader::Next::Record);
    QCOMPARE(reader.next(), CsvReader::Next::BadRecord);
    QCOMPARE(reader.errorLine(), 2);
    QVERIFY(reader.errorMessage().contains(QStringLiteral("longer than the limit")));
    // Nothing of the long line is kept once it is over the limit.
    QVERIFY(reader.fields().isEmpty());
    QCOMPARE(reader.next(), CsvReader::Next::Record);
    QCOMPARE(reader.line(), 3);
    QCOMPARE(reader.fields(), (QStringList{QStringLiteral("dev-2"), QStringLiteral("ok")}));
    QCOMPARE(reader.next(), CsvReader::Next::End);
    QCOMPARE(reader.bytesRead(), input.size());
}

void TestCsvReader::hashesEveryByteRead()
{
    const QByteArray input("\xEF\xBB\xBFuid\r\ndev-1\r\n");
    QBuffer buffer;
    buffer.setData(input);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    CsvReader reader(buffer, {1 << 20, 4});
    reader.setHash(&hash);
    while (reader.next() == CsvReader::Next::Record) {
    }
    QCOMPARE(hash.result(), QCryptographicHash::hash(input, QCryptographicHash::Sha256));
}

void TestCsvReader::reportsReadFailure()
{
    FailingDevice device;
    QVERIFY(device.open(QIODevice::ReadOnly));
    CsvReader reader(device);
    QCOMPARE(reader.next(), CsvReader::Next::ReadFailed);
    QVERIFY(reader.errorMessage().contains(QStringLiteral("network share went away")));
}

void TestCsvReader::hostileInputReadsTheSameInAnyChunking_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 24; ++seed)
        QTest::newRow(qPrintable(QStringLiteral("seed %1").arg(seed))) << seed;
}

void TestCsvReader::hostileInputReadsTheSameInAnyChunking()
{
    QFETCH(quint32, seed);
    // Random bytes drawn mostly from what CSV treats specially, plus broken UTF-8.
    static const char alphabet[] = {'a',        ',',        '"',        '\n',       '\r',
                                    ' ',        char(0xFF), char(0xC3), char(0xA9), char(0xEF),
                                    char(0xBB), char(0xBF), '\0'};
    QRandomGenerator random(seed);
    QByteArray input(4000, Qt::Uninitialized);
    for (char &c : input)
        c = alphabet[random.bounded(int(sizeof alphabet))];

    const QStringList whole = readAll(input, {64, 1 << 16});
    QVERIFY(!whole.contains(QStringLiteral("reader did not end")));
    QCOMPARE(readAll(input, {64, 1}), whole);
    QCOMPARE(readAll(input, {64, 5}), whole);

    // Lines only move forward.
    qint64 previous = 0;
    for (const QString &outcome : whole) {
        const qint64 line = outcome.section(QLatin1Char(':'), 0, 0).mid(1).toLongLong();
        QVERIFY2(line >= previous, qPrintable(outcome));
        previous = line;
    }
}

QTEST_GUILESS_MAIN(TestCsvReader)
#include "tst_csvreader.moc"
