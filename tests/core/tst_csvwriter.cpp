#include "io/CsvReader.h"
#include "io/CsvWriter.h"

#include <QBuffer>
#include <QTest>

using namespace fleet;

namespace {

// A device that accepts nothing, like a full disk.
class FullDevice : public QIODevice
{
protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64) override { return -1; }
};

} // namespace

class TestCsvWriter : public QObject
{
    Q_OBJECT

private slots:
    void escapes_data();
    void escapes();
    void writesRowsWithCrlf();
    void readerReadsBackWhatWriterWrote_data();
    void readerReadsBackWhatWriterWrote();
    void reportsFailedWrites();
};

void TestCsvWriter::escapes_data()
{
    QTest::addColumn<QString>("cell");
    QTest::addColumn<QString>("expected");

    QTest::newRow("plain") << QStringLiteral("GW-4000") << QStringLiteral("GW-4000");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("comma") << QStringLiteral("Plant A, hall 2")
                           << QStringLiteral("\"Plant A, hall 2\"");
    QTest::newRow("quote") << QStringLiteral("say \"hi\"") << QStringLiteral("\"say \"\"hi\"\"\"");
    QTest::newRow("line break") << QStringLiteral("a\nb") << QStringLiteral("\"a\nb\"");
    QTest::newRow("carriage return inside") << QStringLiteral("a\rb") << QStringLiteral("\"a\rb\"");
    QTest::newRow("formula =") << QStringLiteral("=HYPERLINK(\"http://x\")")
                               << QStringLiteral("\"'=HYPERLINK(\"\"http://x\"\")\"");
    QTest::newRow("formula +") << QStringLiteral("+1") << QStringLiteral("'+1");
    QTest::newRow("formula -") << QStringLiteral("-2+3") << QStringLiteral("'-2+3");
    QTest::newRow("formula @") << QStringLiteral("@SUM(A1)") << QStringLiteral("'@SUM(A1)");
    QTest::newRow("leading tab") << QStringLiteral("\t=1") << QStringLiteral("'\t=1");
    QTest::newRow("leading carriage return")
        << QStringLiteral("\r=1") << QStringLiteral("\"'\r=1\"");
    QTest::newRow("formula character later is harmless")
        << QStringLiteral("a=b") << QStringLiteral("a=b");
    QTest::newRow("non-ascii") << QStringLiteral("Zürich") << QStringLiteral("Zürich");
}

void TestCsvWriter::escapes()
{
    QFETCH(QString, cell);
    QFETCH(QString, expected);
    QCOMPARE(CsvWriter::escape(cell), expected);
}

void TestCsvWriter::writesRowsWithCrlf()
{
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    CsvWriter writer(buffer);
    writer.writeRow({QStringLiteral("uid"), QStringLiteral("site")});
    writer.writeRow({QStringLiteral("dev-1"), QStringLiteral("München, Halle 3")});
    writer.writeRow({});
    QVERIFY(writer.ok());
    QCOMPARE(buffer.data(), QByteArray("uid,site\r\ndev-1,\"M\xC3\xBCnchen, Halle 3\"\r\n\r\n"));
}

void TestCsvWriter::readerReadsBackWhatWriterWrote_data()
{
    QTest::addColumn<QStringList>("row");
    QTest::newRow("plain") << QStringList{QStringLiteral("a"), QStringLiteral("b")};
    QTest::newRow("quoting") << QStringList{QStringLiteral("a,b"), QStringLiteral("\"q\""),
                                            QStringLiteral("line\nbreak"),
                                            QStringLiteral("crlf\r\ninside")};
    QTest::newRow("empty cells") << QStringList{QString(), QString(), QStringLiteral("x")};
    QTest::newRow("unicode") << QStringList{QStringLiteral("東京"), QStringLiteral("São Paulo")};
}

void TestCsvWriter::readerReadsBackWhatWriterWrote()
{
    QFETCH(QStringList, row);
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::ReadWrite));
    CsvWriter writer(buffer);
    writer.writeRow(row);
    writer.writeRow({QStringLiteral("next")});
    buffer.seek(0);

    CsvReader reader(buffer);
    QCOMPARE(reader.next(), CsvReader::Next::Record);
    QCOMPARE(reader.fields(), row);
    QCOMPARE(reader.next(), CsvReader::Next::Record);
    QCOMPARE(reader.fields(), QStringList{QStringLiteral("next")});
    QCOMPARE(reader.next(), CsvReader::Next::End);
}

void TestCsvWriter::reportsFailedWrites()
{
    FullDevice device;
    QVERIFY(device.open(QIODevice::WriteOnly));
    CsvWriter writer(device);
    QVERIFY(writer.ok());
    writer.writeRow({QStringLiteral("a")});
    QVERIFY(!writer.ok());
}

QTEST_GUILESS_MAIN(TestCsvWriter)
#include "tst_csvwriter.moc"
