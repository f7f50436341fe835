#include "crypto/FileSha256.h"

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QTest>

using namespace fleet;

class TestFileSha256 : public QObject
{
    Q_OBJECT

private slots:
    void knownVectors_data();
    void knownVectors();
    void fileAcrossChunkBoundaries_data();
    void fileAcrossChunkBoundaries();
    void incrementalMatchesWhole();
    void missingFile();
};

void TestFileSha256::knownVectors_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("hex");
    // FIPS 180-2 / NIST examples.
    QTest::newRow("abc") << QByteArray("abc")
                         << QStringLiteral(
                                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    QTest::newRow("empty")
        << QByteArray()
        << QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    QTest::newRow("two blocks")
        << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        << QStringLiteral("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

void TestFileSha256::knownVectors()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, hex);
    FileSha256 hash;
    hash.addData(data);
    QCOMPARE(hash.hexResult(), hex);
    QCOMPARE(hash.bytesHashed(), data.size());

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("f"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(data);
    file.close();
    const auto ofFile = FileSha256::ofFile(path);
    QVERIFY2(ofFile.ok(), qPrintable(ofFile.message()));
    QCOMPARE(ofFile.value(), hex);
}

void TestFileSha256::fileAcrossChunkBoundaries_data()
{
    QTest::addColumn<qint64>("size");
    QTest::newRow("one chunk") << FileSha256::ChunkSize;
    QTest::newRow("chunk + 1") << FileSha256::ChunkSize + 1;
    QTest::newRow("3.5 chunks") << FileSha256::ChunkSize * 7 / 2;
}

void TestFileSha256::fileAcrossChunkBoundaries()
{
    QFETCH(qint64, size);
    QByteArray data(size, '\0');
    for (qint64 i = 0; i < size; ++i)
        data[i] = static_cast<char>((i * 31 + 7) & 0xff);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("f"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(data);
    file.close();
    QCOMPARE(
        FileSha256::ofFile(path).value(),
        QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex()));
}

void TestFileSha256::incrementalMatchesWhole()
{
    FileSha256 hash;
    hash.addData("a");
    const QString afterA = hash.hexResult();
    hash.addData("bc"); // hexResult() did not end the hash
    QCOMPARE(hash.hexResult(),
             QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    QVERIFY(afterA != hash.hexResult());
    hash.reset();
    QCOMPARE(hash.bytesHashed(), 0);
    QCOMPARE(hash.hexResult(),
             QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

void TestFileSha256::missingFile()
{
    const auto result = FileSha256::ofFile(QStringLiteral("/nonexistent/fleetdesk/file"));
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, Error::Kind::NotFound);
    QVERIFY(result.message().contains(QStringLiteral("/nonexistent/fleetdesk/file")));
}

QTEST_GUILESS_MAIN(TestFileSha256)
#include "tst_filesha256.moc"
