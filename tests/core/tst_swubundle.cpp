// SwuBundle: .swu bundles (newc and crc cpio) built in code, sw-description with board
// sections and JSON, and hostile archives refused with a clear message. When the cpio tool is
// installed, a bundle it made is read too.

#include "FirmwareFixtures.h"
#include "firmware/SwuBundle.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using fleet::SwuBundle;
using fleet::test::CpioBuilder;

class TestSwuBundle : public QObject
{
    Q_OBJECT

private slots:
    void readsBundle_data()
    {
        QTest::addColumn<bool>("crc");
        QTest::newRow("newc") << false;
        QTest::newRow("crc") << true;
    }
    void readsBundle()
    {
        QFETCH(bool, crc);
        auto b = SwuBundle::parse(fleet::test::sampleSwu("2.1.0-rc.1", crc));
        QVERIFY2(b.ok(), qUtf8Printable(b.message()));
        QCOMPARE(b->archiveFormat(), crc ? QStringLiteral("crc") : QStringLiteral("newc"));
        QCOMPARE(b->versionText(), QStringLiteral("2.1.0-rc.1"));
        QCOMPARE(b->version().toString(), QStringLiteral("2.1.0-rc.1"));
        QCOMPARE(b->description(), QStringLiteral("Gateway root file system"));
        QCOMPARE(b->hardwareCompatibility(),
                 QStringList({QStringLiteral("1.0"), QStringLiteral("1.2")}));
        QVERIFY(b->isSigned());
        QVERIFY(b->missingFiles().isEmpty());
        QCOMPARE(b->entries().size(), 3);
        QCOMPARE(b->entries().at(2).name, QStringLiteral("app.bin"));
        QCOMPARE(b->entries().at(2).size, qint64(7));
        QVERIFY(SwuBundle::looksLikeBundle(fleet::test::sampleSwu()));
    }

    void boardSectionsAndMissingFiles()
    {
        const QByteArray desc = R"(software = {
    version = "1.4";
    name = "plant-gw";
    gw-4000 = {
        hardware-compatibility: [ "A", "B" ];
        stable = {
            hardware-compatibility: [ "C" ];
            images: ( { filename = "rootfs.img"; device = "/dev/mmcblk0p2"; } );
        };
    };
    sensor-9 = { hardware-compatibility: [ "rev3" ]; };
    files: ( { filename = "remote.bin"; url = "ftp:remote.bin"; } );
};)";
        CpioBuilder c;
        c.add("sw-description", desc);
        auto b = SwuBundle::parse(c.bytes());
        QVERIFY2(b.ok(), qUtf8Printable(b.message()));
        QCOMPARE(b->name(), QStringLiteral("plant-gw"));
        QCOMPARE(b->versionText(), QStringLiteral("1.4"));
        QVERIFY(b->version().isNull());
        QVERIFY(b->versionError().contains(QLatin1String("three numbers")));
        QCOMPARE(b->hardwareByBoard().value(QStringLiteral("gw-4000")),
                 QStringList({QStringLiteral("A"), QStringLiteral("B")}));
        QCOMPARE(b->hardwareByBoard().value(QStringLiteral("gw-4000.stable")),
                 QStringList{QStringLiteral("C")});
        QCOMPARE(b->hardwareByBoard().value(QStringLiteral("sensor-9")),
                 QStringList{QStringLiteral("rev3")});
        QCOMPARE(b->hardwareCompatibility().size(), 4);
        QCOMPARE(b->missingFiles(), QStringList{QStringLiteral("rootfs.img")});
        QVERIFY(!b->isSigned());
    }

    void jsonDescription()
    {
        CpioBuilder c;
        c.add("sw-description", R"({"software": {"version": "3.0.0",
            "hardware-compatibility": ["2.0"], "description": "json"}})");
        auto b = SwuBundle::parse(c.bytes());
        QVERIFY2(b.ok(), qUtf8Printable(b.message()));
        QCOMPARE(b->version().toString(), QStringLiteral("3.0.0"));
        QCOMPARE(b->hardwareCompatibility(), QStringList{QStringLiteral("2.0")});
    }

    void refusesHostileBundles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("mentions");
        const QByteArray good = fleet::test::sampleSwu();
        QTest::newRow("empty") << QByteArray() << "truncated";
        QTest::newRow("not cpio") << QByteArray(200, 'x') << "Not a newc/crc cpio archive";
        QTest::newRow("odc") << QByteArray("070707").append(200, '0') << "old-style";
        QTest::newRow("truncated") << good.left(good.size() - 50) << "truncated";
        QTest::newRow("no trailer") << good.left(good.size() - 124) << "truncated";
        {
            CpioBuilder c;
            c.add("app.bin", "x").add("sw-description", fleet::test::sampleSwDescription());
            QTest::newRow("wrong first entry") << c.bytes() << "first entry is 'app.bin'";
        }
        {
            CpioBuilder c;
            c.add("sw-description", fleet::test::sampleSwDescription()).add("a", "1").add("a", "2");
            QTest::newRow("duplicate entry") << c.bytes() << "appears twice";
        }
        {
            QByteArray b = good;
            b.replace(6 + 6 * 8, 8, "7fffffff"); // file size of sw-description
            QTest::newRow("huge size") << b << "declares 2147483647 bytes";
        }
        {
            QByteArray b = good;
            b.replace(6 + 11 * 8, 8, "00100000"); // name size
            QTest::newRow("huge name") << b << "a name of";
        }
        {
            QByteArray b = good;
            b.replace(6 + 11 * 8, 8, "00000000");
            QTest::newRow("empty name") << b << "a name of";
        }
        {
            QByteArray b = good;
            b.replace(6 + 3 * 8, 8, "0000zz00");
            QTest::newRow("bad hex") << b << "not 8 hex digits";
        }
        {
            QByteArray b = fleet::test::sampleSwu("2.1.0", true);
            const qsizetype at = b.indexOf("APPDATA");
            b[at] = 'B';
            QTest::newRow("crc mismatch") << b << "fails its checksum";
        }
        {
            QByteArray b = fleet::test::sampleSwu("2.1.0", true);
            b[b.indexOf("software")] = 'X';
            QTest::newRow("crc mismatch on description") << b << "fails its checksum";
        }
        {
            CpioBuilder c;
            c.add("sw-description", "software = { description = \"x\"; };");
            QTest::newRow("no version") << c.bytes() << "no software version";
        }
        {
            CpioBuilder c;
            c.add("sw-description", "software = { version = \"1.0.0\"");
            QTest::newRow("bad libconfig") << c.bytes() << "cannot be read: line 1";
        }
        {
            CpioBuilder c;
            c.add("sw-description", "{ \"software\": ");
            QTest::newRow("bad json") << c.bytes() << "not valid JSON";
        }
        {
            CpioBuilder c;
            c.add("sw-description", "other = { version = \"1.0.0\"; };");
            QTest::newRow("no software") << c.bytes() << "no 'software' group";
        }
        {
            CpioBuilder c;
            c.add("sw-description", QByteArray(SwuBundle::MaxDescriptionSize + 1, ' '));
            QTest::newRow("huge description") << c.bytes() << "more than the";
        }
        {
            QByteArray b = good;
            b.replace(0, 6, "070702"); // a crc header in an otherwise newc archive
            QTest::newRow("mixed formats or checksum") << b << "checksum";
        }
    }
    void refusesHostileBundles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, mentions);
        auto b = SwuBundle::parse(bytes);
        QVERIFY(!b.ok());
        QVERIFY2(b.message().contains(mentions), qUtf8Printable(b.message()));
    }

    void everyPrefixIsRefused()
    {
        const QByteArray good = fleet::test::sampleSwu("1.0.0", true);
        for (qsizetype n = 0; n < good.size(); ++n)
            QVERIFY2(!SwuBundle::parse(good.left(n)).ok(), qPrintable(QString::number(n)));
    }

    void crossCheckWithCpioTool()
    {
        const QString cpio = QStandardPaths::findExecutable(QStringLiteral("cpio"));
        if (cpio.isEmpty())
            QSKIP("the cpio tool is not installed; bundles built in code are tested above");
        QTemporaryDir dir;
        const QStringList names = {QStringLiteral("sw-description"), QStringLiteral("app.bin")};
        QVERIFY(QFile(dir.filePath(names[0])).open(QIODevice::WriteOnly));
        {
            QFile f(dir.filePath(names[0]));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(fleet::test::sampleSwDescription("5.6.7"));
            QFile a(dir.filePath(names[1]));
            QVERIFY(a.open(QIODevice::WriteOnly));
            a.write("APPDATA");
        }
        for (const QString &format : {QStringLiteral("newc"), QStringLiteral("crc")}) {
            QProcess p;
            p.setWorkingDirectory(dir.path());
            p.start(cpio, {QStringLiteral("-o"), QStringLiteral("-H"), format});
            QVERIFY(p.waitForStarted(10000));
            p.write(names.join(QLatin1Char('\n')).toUtf8() + '\n');
            p.closeWriteChannel();
            QVERIFY(p.waitForFinished(30000));
            QCOMPARE(p.exitCode(), 0);
            auto b = SwuBundle::parse(p.readAllStandardOutput());
            QVERIFY2(b.ok(), qUtf8Printable(b.message()));
            QCOMPARE(b->archiveFormat(), format);
            QCOMPARE(b->version().toString(), QStringLiteral("5.6.7"));
            QCOMPARE(b->entries().size(), 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestSwuBundle)
#include "tst_swubundle.moc"
