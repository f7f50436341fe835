// FirmwareManifest and ArtifactInspector: the JSON manifest for other files, and how a manifest
// completes (never contradicts) what an MCUboot image or a .swu bundle says about itself.

#include "FirmwareFixtures.h"
#include "firmware/ArtifactInspector.h"
#include "firmware/FirmwareManifest.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using fleet::ArtifactInspector;
using fleet::ArtifactKind;
using fleet::FirmwareManifest;

class TestFirmwareManifest : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }
    static FirmwareManifest manifest(const QByteArray &json)
    {
        auto m = FirmwareManifest::parse(json);
        if (!m)
            qFatal("%s", qPrintable(m.message()));
        return *m;
    }

private slots:
    void parsesManifest()
    {
        auto m = FirmwareManifest::parse(R"({"name": "sensor-fw", "version": "1.4.0",
            "models": ["NW-S200", " NW-S200 ", "NW-S300"], "hw_revisions": ["C1"],
            "min_version": "1.0.0", "release_notes": "Fixes drift."})");
        QVERIFY2(m.ok(), qUtf8Printable(m.message()));
        QCOMPARE(m->name, QStringLiteral("sensor-fw"));
        QCOMPARE(m->version.toString(), QStringLiteral("1.4.0"));
        QCOMPARE(m->models, QStringList({QStringLiteral("NW-S200"), QStringLiteral("NW-S300")}));
        QCOMPARE(m->hwRevisions, QStringList{QStringLiteral("C1")});
        QCOMPARE(m->minVersion.toString(), QStringLiteral("1.0.0"));
        QCOMPARE(m->releaseNotes, QStringLiteral("Fixes drift."));
    }

    void refusesManifest_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << QByteArray("{name") << "offset";
        QTest::newRow("array") << QByteArray("[]") << "expected a JSON object";
        QTest::newRow("unknown key")
            << QByteArray(R"({"name":"x","modles":["a"]})") << "unknown key 'modles'";
        QTest::newRow("bad version") << QByteArray(R"({"version":"1.0"})") << "version:";
        QTest::newRow("bad min") << QByteArray(R"({"min_version":"x"})") << "min_version:";
        QTest::newRow("models not array") << QByteArray(R"({"models":"a"})") << "array of strings";
        QTest::newRow("empty model") << QByteArray(R"({"models":[""]})") << "non-empty strings";
        QTest::newRow("name number") << QByteArray(R"({"name":5})") << "'name' must be a string";
    }
    void refusesManifest()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        auto m = FirmwareManifest::parse(json);
        QVERIFY(!m.ok());
        QVERIFY2(m.message().contains(mentions), qUtf8Printable(m.message()));
    }

    void inspectsMcubootWithManifest()
    {
        fleet::test::McubootImageBuilder b;
        b.major = 3;
        b.minor = 1;
        b.revision = 0;
        b.tlvs = {{0x24, QByteArray(64, 'E')}};
        const QString path = write(QStringLiteral("zephyr-app.signed.bin"), b.bytes());
        auto d = ArtifactInspector::inspect(path, QStringLiteral("zephyr-app.signed.bin"), {});
        QVERIFY2(d.ok(), qUtf8Printable(d.message()));
        QCOMPARE(d->kind, ArtifactKind::Mcuboot);
        QCOMPARE(d->name, QStringLiteral("zephyr-app.signed"));
        QCOMPARE(d->version.toString(), QStringLiteral("3.1.0"));
        QCOMPARE(d->details.value(QStringLiteral("signatures")).toArray().at(0).toString(),
                 QStringLiteral("ED25519"));
        QVERIFY(d->models.isEmpty());

        auto withManifest = ArtifactInspector::inspect(
            path, QStringLiteral("x.bin"),
            manifest(R"({"name":"sensor","version":"3.1.0","models":["NW-S200"]})"));
        QVERIFY2(withManifest.ok(), qUtf8Printable(withManifest.message()));
        QCOMPARE(withManifest->name, QStringLiteral("sensor"));
        QCOMPARE(withManifest->models, QStringList{QStringLiteral("NW-S200")});

        auto contradicting = ArtifactInspector::inspect(path, QStringLiteral("x.bin"),
                                                        manifest(R"({"version":"3.2.0"})"));
        QVERIFY(!contradicting.ok());
        QVERIFY(contradicting.message().contains(QLatin1String("manifest says version 3.2.0")));
    }

    void inspectsSwu()
    {
        const QString path = write(QStringLiteral("gw.swu"), fleet::test::sampleSwu("2.1.0"));
        auto d = ArtifactInspector::inspect(path, QStringLiteral("gw.swu"), {});
        QVERIFY2(d.ok(), qUtf8Printable(d.message()));
        QCOMPARE(d->kind, ArtifactKind::Swu);
        QCOMPARE(d->version.toString(), QStringLiteral("2.1.0"));
        QCOMPARE(d->hwRevisions, QStringList({QStringLiteral("1.0"), QStringLiteral("1.2")}));
        QCOMPARE(d->notes, QStringLiteral("Gateway root file system"));
        QVERIFY(d->details.value(QStringLiteral("signed")).toBool());

        // A bundle version that is not SemVer needs the manifest to say which version it is.
        fleet::test::CpioBuilder c;
        c.add("sw-description", "software = { version = \"7\"; board-x = { "
                                "hardware-compatibility: [\"r1\"]; }; };");
        const QString odd = write(QStringLiteral("odd.swu"), c.bytes());
        auto refused = ArtifactInspector::inspect(odd, QStringLiteral("odd.swu"), {});
        QVERIFY(!refused.ok());
        QVERIFY(refused.message().contains(QLatin1String("Give its version in a manifest")));
        auto given = ArtifactInspector::inspect(odd, QStringLiteral("odd.swu"),
                                                manifest(R"({"version":"7.0.0"})"));
        QVERIFY2(given.ok(), qUtf8Printable(given.message()));
        QCOMPARE(given->version.toString(), QStringLiteral("7.0.0"));
        QCOMPARE(given->models, QStringList{QStringLiteral("board-x")});
    }

    void otherFilesNeedManifest()
    {
        const QString path = write(QStringLiteral("fpga.bit"), QByteArray(300, '\x5a'));
        auto refused = ArtifactInspector::inspect(path, QStringLiteral("fpga.bit"), {});
        QVERIFY(!refused.ok());
        QVERIFY(refused.message().contains(QLatin1String("neither an MCUboot image nor")));
        auto noVersion = ArtifactInspector::inspect(path, QStringLiteral("fpga.bit"),
                                                    manifest(R"({"name":"fpga"})"));
        QVERIFY(!noVersion.ok());
        auto d = ArtifactInspector::inspect(
            path, QStringLiteral("fpga.bit"),
            manifest(R"({"name":"fpga","version":"0.3.0","models":["X1"]})"));
        QVERIFY2(d.ok(), qUtf8Printable(d.message()));
        QCOMPARE(d->kind, ArtifactKind::File);
        QCOMPARE(d->name, QStringLiteral("fpga"));
        // A corrupt MCUboot image is refused, not imported as a plain file.
        QByteArray corrupt = fleet::test::McubootImageBuilder().bytes();
        corrupt[40] = 'x';
        const QString bad = write(QStringLiteral("bad.bin"), corrupt);
        QVERIFY(!ArtifactInspector::inspect(bad, QStringLiteral("bad.bin"),
                                            manifest(R"({"name":"a","version":"1.2.3"})"))
                     .ok());
    }
};

QTEST_GUILESS_MAIN(TestFirmwareManifest)
#include "tst_firmware_manifest.moc"
