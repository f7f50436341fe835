#include "crypto/ArtifactSignature.h"

#include <QTest>

using namespace fleet;

namespace {

const QString hashA =
    QStringLiteral("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
const QString hashB =
    QStringLiteral("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a09");

} // namespace

class TestArtifactSignature : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void statementIsExact();
    void signsAndVerifies();
    void refusesTampering_data();
    void refusesTampering();
    void refusesMalformedHash();

private:
    Ed25519PrivateKey m_key;
    Ed25519PrivateKey m_otherKey;
};

void TestArtifactSignature::initTestCase()
{
    m_key = Ed25519PrivateKey::generate().value();
    m_otherKey = Ed25519PrivateKey::generate().value();
}

void TestArtifactSignature::statementIsExact()
{
    QCOMPARE(
        ArtifactSignature::statement(hashA.toUpper(), 48234496),
        QByteArray(
            "fleetdesk-artifact-v1\nsha256:"
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\nsize:48234496\n"));
    QCOMPARE(ArtifactSignature::statement(hashA, 0).right(8), QByteArray("\nsize:0\n"));
}

void TestArtifactSignature::signsAndVerifies()
{
    const auto signature = ArtifactSignature::sign(m_key, hashA, 1234);
    QVERIFY2(signature.ok(), qPrintable(signature.message()));
    QCOMPARE(QByteArray::fromBase64(signature->toLatin1()).size(), 64);
    const Status verified = ArtifactSignature::verify(m_key.publicKey(), hashA, 1234, *signature);
    QVERIFY2(verified.ok(), qPrintable(verified.message()));
    // Upper-case hex names the same artifact.
    QVERIFY(ArtifactSignature::verify(m_key.publicKey(), hashA.toUpper(), 1234, *signature).ok());
    // The signature is the key's signature over the statement, nothing else.
    QVERIFY(m_key.publicKey().verify(ArtifactSignature::statement(hashA, 1234),
                                     QByteArray::fromBase64(signature->toLatin1())));
}

void TestArtifactSignature::refusesTampering_data()
{
    QTest::addColumn<bool>("otherKey");
    QTest::addColumn<QString>("hash");
    QTest::addColumn<qint64>("size");
    QTest::addColumn<QString>("signatureOverride");
    QTest::addColumn<QString>("expected");
    QTest::newRow("size") << false << hashA << qint64(1235) << QString()
                          << QStringLiteral("does not verify");
    QTest::newRow("hash") << false << hashB << qint64(1234) << QString()
                          << QStringLiteral("does not verify");
    QTest::newRow("other key") << true << hashA << qint64(1234) << QString()
                               << QStringLiteral("does not verify");
    QTest::newRow("not base64") << false << hashA << qint64(1234) << QStringLiteral("not*base64!")
                                << QStringLiteral("not base64");
    QTest::newRow("empty") << false << hashA << qint64(1234) << QStringLiteral("")
                           << QStringLiteral("not base64");
    QTest::newRow("wrong length") << false << hashA << qint64(1234)
                                  << QString::fromLatin1(QByteArray(63, 'x').toBase64())
                                  << QStringLiteral("has 63 bytes");
    QTest::newRow("flipped") << false << hashA << qint64(1234) << QStringLiteral("flip")
                             << QStringLiteral("does not verify");
}

void TestArtifactSignature::refusesTampering()
{
    QFETCH(bool, otherKey);
    QFETCH(QString, hash);
    QFETCH(qint64, size);
    QFETCH(QString, signatureOverride);
    QFETCH(QString, expected);
    QString signature = ArtifactSignature::sign(m_key, hashA, 1234).value();
    if (signatureOverride == QLatin1String("flip")) {
        QByteArray raw = QByteArray::fromBase64(signature.toLatin1());
        raw[0] = static_cast<char>(raw[0] ^ 0x80);
        signature = QString::fromLatin1(raw.toBase64());
    } else if (!signatureOverride.isNull()) {
        signature = signatureOverride;
    }
    const Status verified = ArtifactSignature::verify((otherKey ? m_otherKey : m_key).publicKey(),
                                                      hash, size, signature);
    QVERIFY(!verified.ok());
    QVERIFY2(verified.message().contains(expected), qPrintable(verified.message()));
}

void TestArtifactSignature::refusesMalformedHash()
{
    QVERIFY(!ArtifactSignature::sign(m_key, QStringLiteral("abc"), 1).ok());
    QVERIFY(!ArtifactSignature::sign(m_key, hashA, -1).ok());
    const QString signature = ArtifactSignature::sign(m_key, hashA, 1).value();
    const Status verified = ArtifactSignature::verify(
        m_key.publicKey(), hashA.left(63) + QLatin1Char('g'), 1, signature);
    QVERIFY(!verified.ok());
    QVERIFY2(verified.message().contains(QStringLiteral("64 hexadecimal")),
             qPrintable(verified.message()));
    QVERIFY(!ArtifactSignature::verify(Ed25519PublicKey(), hashA, 1, signature).ok());
}

QTEST_GUILESS_MAIN(TestArtifactSignature)
#include "tst_artifactsignature.moc"
