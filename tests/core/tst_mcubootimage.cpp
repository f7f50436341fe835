// McubootImage: header and TLV areas of images built in code the way imgtool lays them out,
// the image hash checked against the bytes, and hostile images (truncated, oversized lengths,
// overlapping or duplicated TLVs, flipped bytes) refused with a clear message.

#include "FirmwareFixtures.h"
#include "firmware/McubootImage.h"

#include <QTemporaryDir>
#include <QTest>

using fleet::McubootImage;
using fleet::test::McubootImageBuilder;

class TestMcubootImage : public QObject
{
    Q_OBJECT

private slots:
    void parsesPlainImage()
    {
        McubootImageBuilder b;
        b.loadAddress = 0x10000;
        b.major = 1;
        b.minor = 4;
        b.revision = 300;
        b.buildNumber = 7;
        const QByteArray bytes = b.bytes();
        auto img = McubootImage::parse(bytes);
        QVERIFY2(img.ok(), qUtf8Printable(img.message()));
        QCOMPARE(img->loadAddress(), quint32(0x10000));
        QCOMPARE(img->headerSize(), quint16(32));
        QCOMPARE(img->imageSize(), quint32(1000));
        QCOMPARE(img->protectedTlvSize(), quint16(0));
        QCOMPARE(img->version().toString(), QStringLiteral("1.4.300+7"));
        QCOMPARE(img->buildNumber(), quint32(7));
        QCOMPARE(img->hashAlgorithm(), QStringLiteral("SHA256"));
        QCOMPARE(img->imageHash(),
                 QCryptographicHash::hash(bytes.left(32 + 1000), QCryptographicHash::Sha256));
        QVERIFY(img->signatureTypes().isEmpty());
        QVERIFY(img->keyHash().isEmpty());
        QCOMPARE(img->totalSize(), qint64(bytes.size()));
        QCOMPARE(img->trailingBytes(), qint64(0));
        QVERIFY(McubootImage::looksLikeImage(bytes.left(4)));
    }

    void parsesSignedImageWithProtectedTlvs()
    {
        McubootImageBuilder b;
        b.headerSize = 0x200;
        b.flags = 0x1 | 0x10 | 0x80000000u;
        b.protectedTlvs = {{McubootImage::SecurityCounter, QByteArray("\x05\0\0\0", 4)}};
        const QByteArray keyHash(32, '\x11');
        b.tlvs = {{McubootImage::KeyHash, keyHash},
                  {McubootImage::Ed25519, QByteArray(64, 'E')},
                  {McubootImage::Rsa2048Pss, QByteArray(256, 'R')},
                  {McubootImage::Rsa3072Pss, QByteArray(384, 'r')},
                  {McubootImage::EcdsaSig, QByteArray(71, 'C')},
                  {McubootImage::EcdsaSig, QByteArray(103, 'c')}};
        QByteArray bytes = b.bytes();
        bytes += QByteArray(100, '\xff'); // slot padding after the TLVs
        auto img = McubootImage::parse(bytes);
        QVERIFY2(img.ok(), qUtf8Printable(img.message()));
        QCOMPARE(img->headerSize(), quint16(0x200));
        QCOMPARE(img->protectedTlvSize(), quint16(4 + 4 + 4));
        // The hash covers header, payload and the protected area.
        QCOMPARE(img->imageHash(), QCryptographicHash::hash(bytes.left(0x200 + 1000 + 12),
                                                            QCryptographicHash::Sha256));
        QCOMPARE(img->keyHash(), keyHash);
        QCOMPARE(img->signatureTypes(),
                 QStringList({QStringLiteral("ED25519"), QStringLiteral("RSA2048-PSS"),
                              QStringLiteral("RSA3072-PSS"), QStringLiteral("ECDSA P-256"),
                              QStringLiteral("ECDSA P-384")}));
        QCOMPARE(img->flagNames(),
                 QStringList({QStringLiteral("PIC"), QStringLiteral("NON_BOOTABLE"),
                              QStringLiteral("0x80000000")}));
        QCOMPARE(img->trailingBytes(), qint64(100));
        bool sawProtected = false;
        for (const auto &t : img->tlvs())
            if (t.type == McubootImage::SecurityCounter)
                sawProtected = t.isProtected;
        QVERIFY(sawProtected);
    }

    void otherHashes_data()
    {
        QTest::addColumn<int>("algorithm");
        QTest::addColumn<QString>("name");
        QTest::newRow("sha384") << int(QCryptographicHash::Sha384) << "SHA384";
        QTest::newRow("sha512") << int(QCryptographicHash::Sha512) << "SHA512";
    }
    void otherHashes()
    {
        QFETCH(int, algorithm);
        QFETCH(QString, name);
        McubootImageBuilder b;
        b.hash = QCryptographicHash::Algorithm(algorithm);
        b.tlvs = {{McubootImage::Ed25519, QByteArray(64, 'E')},
                  {McubootImage::SigPure, QByteArray()}};
        auto img = McubootImage::parse(b.bytes());
        QVERIFY2(img.ok(), qUtf8Printable(img.message()));
        QCOMPARE(img->hashAlgorithm(), name);
        QCOMPARE(img->signatureTypes(), QStringList{QStringLiteral("ED25519 (pure)")});
    }

    void refusesHostileImages_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("mentions");
        McubootImageBuilder good;
        const QByteArray base = good.bytes();
        auto patched = [&](int at, const QByteArray &with) {
            QByteArray b = base;
            b.replace(at, with.size(), with);
            return b;
        };
        QTest::newRow("empty") << QByteArray() << "shorter than the 32-byte";
        QTest::newRow("header only partly") << base.left(20) << "shorter than the 32-byte";
        QTest::newRow("wrong magic")
            << patched(0, QByteArray("\x00\x01\x02\x03", 4)) << "magic is 0x03020100";
        QTest::newRow("v1 magic") << patched(0, "\x3c\xb8\xf3\x96") << "legacy";
        QTest::newRow("header size too small")
            << patched(8, QByteArray("\x10\x00", 2)) << "header size 16";
        QTest::newRow("image size huge") << patched(12, "\xff\xff\xff\x7f") << "truncated";
        QTest::newRow("image size off by 4")
            << patched(12, QByteArray("\xec\x03\0\0", 4)) << "expected the TLV area";
        QTest::newRow("truncated in TLVs") << base.left(base.size() - 3) << "truncated";
        QTest::newRow("truncated in payload") << base.left(500) << "truncated";
        QTest::newRow("protected size without area")
            << patched(10, QByteArray("\x08\0", 2)) << "magic";
        QTest::newRow("protected size tiny")
            << patched(10, QByteArray("\x02\0", 2)) << "cannot hold";
        {
            McubootImageBuilder b;
            b.withHash = false;
            QTest::newRow("no hash") << b.bytes() << "no image hash TLV";
        }
        {
            McubootImageBuilder b;
            b.tlvs = {{McubootImage::Sha256, QByteArray(32, 'x')}};
            QTest::newRow("two hashes") << b.bytes() << "more than one image hash";
        }
        {
            McubootImageBuilder b;
            b.withHash = false;
            b.tlvs = {{McubootImage::Sha256, QByteArray(20, 'x')}};
            QTest::newRow("short hash") << b.bytes() << "is 20 bytes, expected 32";
        }
        {
            QByteArray b = base;
            b[100] = char(b[100] ^ 0x40);
            QTest::newRow("payload changed") << b << "does not match";
        }
        {
            // A TLV whose length runs past the end of its area.
            QByteArray b = base;
            const int firstTlvLen = 32 + 1000 + 4 + 2;
            b.replace(firstTlvLen, 2, QByteArray("\x40\x00", 2));
            QTest::newRow("tlv overruns area") << b << "claims 64 bytes";
        }
        {
            // The area's total says more than the file holds.
            QByteArray b = base;
            b.replace(32 + 1000 + 2, 2, QByteArray("\xff\x0f", 2));
            QTest::newRow("tlv area past eof") << b << "truncated";
        }
        {
            QByteArray b = base;
            b.replace(32 + 1000 + 2, 2, QByteArray("\x02\x00", 2));
            QTest::newRow("tlv area below header") << b << "less than its own";
        }
        {
            // A protected area whose declared total disagrees with the header.
            McubootImageBuilder pb;
            pb.protectedTlvs = {{McubootImage::SecurityCounter, QByteArray(4, '\1')}};
            QByteArray b = pb.bytes();
            b.replace(32 + 1000 + 2, 2, QByteArray("\x10\x00", 2));
            QTest::newRow("protected total mismatch") << b << "says it is 16 bytes";
        }
        {
            McubootImageBuilder pb;
            QByteArray b = pb.bytes();
            b.replace(32 + 1000, 2, QByteArray("\x08\x69", 2));
            QTest::newRow("protected without header size") << b << "protected TLV size is 0";
        }
        {
            // The last TLV header cut off inside its area.
            McubootImageBuilder tb;
            QByteArray b = tb.bytes();
            b.replace(32 + 1000 + 2, 2, QByteArray("\x2a\x00", 2));
            b += QByteArray(2, '\0');
            QTest::newRow("tlv header cut off") << b << "cut off";
        }
    }
    void refusesHostileImages()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, mentions);
        auto img = McubootImage::parse(bytes);
        QVERIFY(!img.ok());
        QVERIFY2(img.message().contains(mentions), qUtf8Printable(img.message()));
    }

    // Every prefix of a valid image is refused (never read past the end, never accepted), and
    // every single flipped bit either is refused or lies outside the hashed bytes and the TLV
    // framing.
    void corruptByteCorpus()
    {
        McubootImageBuilder b;
        b.payload = QByteArray(64, 'p');
        b.protectedTlvs = {{McubootImage::SecurityCounter, QByteArray(4, '\1')}};
        b.tlvs = {{McubootImage::Ed25519, QByteArray(64, 'E')}};
        const QByteArray base = b.bytes();
        QVERIFY(McubootImage::parse(base).ok());
        for (qsizetype n = 0; n < base.size(); ++n)
            QVERIFY2(!McubootImage::parse(base.left(n)).ok(), qPrintable(QString::number(n)));
        const qsizetype hashed = 32 + 64 + 12;
        int refused = 0;
        for (qsizetype i = 0; i < base.size(); ++i) {
            for (int bit = 0; bit < 8; ++bit) {
                QByteArray c = base;
                c[i] = char(c[i] ^ (1 << bit));
                auto img = McubootImage::parse(c);
                if (img.ok()) {
                    // Only the unprotected TLV values may change without the hash noticing.
                    QVERIFY2(i >= hashed,
                             qPrintable(QStringLiteral("byte %1 bit %2").arg(i).arg(bit)));
                } else {
                    QVERIFY(!img.message().isEmpty());
                    ++refused;
                }
            }
        }
        QVERIFY(refused >= int(hashed) * 8);
    }

    void streamsLargeFile()
    {
        QTemporaryDir dir;
        McubootImageBuilder b;
        b.payload = QByteArray(3 * 1024 * 1024 + 17, 'L');
        const QString path = dir.filePath(QStringLiteral("big.bin"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(b.bytes());
        f.close();
        auto img = McubootImage::readFile(path);
        QVERIFY2(img.ok(), qUtf8Printable(img.message()));
        QCOMPARE(img->imageSize(), quint32(b.payload.size()));
        auto missing = McubootImage::readFile(dir.filePath(QStringLiteral("none.bin")));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().kind, fleet::Error::Kind::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestMcubootImage)
#include "tst_mcubootimage.moc"
