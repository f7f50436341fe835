#include "io/CycloneDxSbom.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace fleet;

Q_DECLARE_METATYPE(fleet::Component)

namespace {

QByteArray bom(const QByteArray &specVersion, const QByteArray &components)
{
    return R"({"bomFormat": "CycloneDX", "specVersion": ")" + specVersion +
           R"(", "version": 1, "components": )" + components + "}";
}

Component component(const char *name, const char *version, const char *purl = "",
                    const char *cpe = "")
{
    return {QString::fromUtf8(name), QString::fromUtf8(version), QString::fromUtf8(purl),
            QString::fromUtf8(cpe)};
}

} // namespace

class TestCycloneDxSbom : public QObject
{
    Q_OBJECT

private slots:
    void parses_data();
    void parses();
    void rejects_data();
    void rejects();
    void readsFixtureFile();
    void refusesOversizeFile();
    void missingFileIsNotFound();
    void hostileInputNeverCrashes_data();
    void hostileInputNeverCrashes();
};

void TestCycloneDxSbom::parses_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QList<Component>>("expected");

    const QByteArray openssl =
        R"([{"type": "library", "name": "openssl", "version": "3.0.11",
             "purl": "pkg:generic/openssl@3.0.11",
             "cpe": "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*"}])";
    const QList<Component> opensslOnly{component("openssl", "3.0.11", "pkg:generic/openssl@3.0.11",
                                                 "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*")};
    for (const char *version : {"1.2", "1.3", "1.4", "1.5", "1.6"})
        QTest::newRow(qPrintable(QStringLiteral("spec %1").arg(QLatin1String(version))))
            << bom(version, openssl) << opensslOnly;

    QTest::newRow("empty components") << bom("1.5", "[]") << QList<Component>();
    QTest::newRow("only a name") << bom("1.4", R"([{"type": "library", "name": "tinycbor"}])")
                                 << QList<Component>{component("tinycbor", "")};
    QTest::newRow("nested components")
        << bom("1.5", R"([{"name": "zephyr", "version": "3.5.0", "components": [
                             {"name": "mbedtls", "version": "3.5.2",
                              "components": [{"name": "everest", "version": "1"}]}]},
                          {"name": "mcuboot", "version": "2.0.0"}])")
        << QList<Component>{component("zephyr", "3.5.0"), component("mbedtls", "3.5.2"),
                            component("everest", "1"), component("mcuboot", "2.0.0")};
    QTest::newRow("same name and version once")
        << bom("1.5", R"([{"name": "zlib", "version": "1.3.1"},
                          {"name": "zlib", "version": "1.3.1", "purl": "pkg:generic/zlib@1.3.1"},
                          {"name": "zlib", "version": "1.2.13"}])")
        << QList<Component>{component("zlib", "1.3.1"), component("zlib", "1.2.13")};
    QTest::newRow("spaces trimmed")
        << bom("1.6", R"([{"name": "  busybox ", "version": " 1.36.1"}])")
        << QList<Component>{component("busybox", "1.36.1")};
    QTest::newRow("null fields ignored")
        << bom("1.5", R"([{"name": "curl", "version": null, "cpe": null}])")
        << QList<Component>{component("curl", "")};
}

void TestCycloneDxSbom::parses()
{
    QFETCH(QByteArray, json);
    QFETCH(QList<Component>, expected);
    auto components = CycloneDxSbom::parse(json);
    QVERIFY2(components, qPrintable(components.message()));
    QCOMPARE(components.value(), expected);
}

void TestCycloneDxSbom::rejects_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << QByteArray(" \n") << QStringLiteral("The SBOM file is empty");
    QTest::newRow("not JSON") << QByteArray("name,version\nopenssl,3.0.11\n")
                              << QStringLiteral("Not a CycloneDX SBOM: the file is not valid JSON");
    QTest::newRow("truncated") << bom("1.5", "[{\"name\": \"x\"}").left(60)
                               << QStringLiteral("not valid JSON");
    QTest::newRow("XML") << QByteArray("<?xml version=\"1.0\"?><bom/>")
                         << QStringLiteral("looks like XML");
    QTest::newRow("JSON array") << QByteArray("[]")
                                << QStringLiteral("expected a JSON object with \"bomFormat\"");
    QTest::newRow("SPDX") << QByteArray(R"({"spdxVersion": "SPDX-2.3", "packages": []})")
                          << QStringLiteral("This is an SPDX document");
    QTest::newRow("no bomFormat") << QByteArray(R"({"specVersion": "1.5", "components": []})")
                                  << QStringLiteral("\"bomFormat\" is missing");
    QTest::newRow("other bomFormat")
        << QByteArray(R"({"bomFormat": "SWID", "specVersion": "1.5", "components": []})")
        << QStringLiteral("\"bomFormat\" is 'SWID', expected 'CycloneDX'");
    QTest::newRow("bomFormat not a string")
        << QByteArray(R"({"bomFormat": 1, "specVersion": "1.5", "components": []})")
        << QStringLiteral("\"bomFormat\" is 'not a string'");
    QTest::newRow("spec 1.1") << bom("1.1", "[]")
                              << QStringLiteral("specVersion 1.1 is not supported; use 1.2 to 1.6");
    QTest::newRow("spec 2.0") << bom("2.0", "[]") << QStringLiteral("specVersion 2.0 is not");
    QTest::newRow("spec missing") << QByteArray(R"({"bomFormat": "CycloneDX", "components": []})")
                                  << QStringLiteral("The SBOM has no \"specVersion\"");
    QTest::newRow("spec a number")
        << QByteArray(R"({"bomFormat": "CycloneDX", "specVersion": 1.5, "components": []})")
        << QStringLiteral("The SBOM has no \"specVersion\"");
    QTest::newRow("no components")
        << QByteArray(R"({"bomFormat": "CycloneDX", "specVersion": "1.5", "metadata": {}})")
        << QStringLiteral("The SBOM has no \"components\" array");
    QTest::newRow("components an object")
        << bom("1.5", R"({"name": "x"})") << QStringLiteral("\"components\" must be an array");
    QTest::newRow("component a string")
        << bom("1.5", R"(["openssl"])")
        << QStringLiteral("components[0]: a component must be a JSON object");
    QTest::newRow("component without name")
        << bom("1.5", R"([{"name": "a"}, {"version": "1.0"}])")
        << QStringLiteral("components[1]: a component needs a name");
    QTest::newRow("name a number") << bom("1.5", R"([{"name": 42}])")
                                   << QStringLiteral("components[0].name: must be a string");
    QTest::newRow("nested not an array")
        << bom("1.5", R"([{"name": "a", "components": {"name": "b"}}])")
        << QStringLiteral("components[0].components: must be an array");
    QTest::newRow("nested without name")
        << bom("1.5", R"([{"name": "a", "components": [{"name": "b"}, {"type": "library"}]}])")
        << QStringLiteral("components[0].components[1]: a component needs a name");

    QByteArray deep = "[]";
    for (int i = 0; i < 100; ++i)
        deep = R"([{"name": "n)" + QByteArray::number(i) + R"(", "components": )" + deep + "}]";
    QTest::newRow("nested too deep")
        << bom("1.5", deep) << QStringLiteral("nested more than 64 levels deep");
}

void TestCycloneDxSbom::rejects()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    auto components = CycloneDxSbom::parse(json);
    QVERIFY(!components);
    QCOMPARE(components.error().kind, Error::Kind::Invalid);
    QVERIFY2(components.message().contains(message), qPrintable(components.message()));
}

void TestCycloneDxSbom::readsFixtureFile()
{
    const QString path = QFINDTESTDATA("data/cyclonedx-gateway-1.5.json");
    QVERIFY(!path.isEmpty());
    auto components = CycloneDxSbom::parseFile(path);
    QVERIFY2(components, qPrintable(components.message()));
    QStringList names;
    for (const Component &c : components.value())
        names << c.name + QLatin1Char('@') + c.version;
    // The firmware itself (metadata.component) is not one of its components.
    QCOMPARE(names,
             (QStringList{QStringLiteral("linux@6.1.70"), QStringLiteral("openssl@3.0.13"),
                          QStringLiteral("busybox@1.36.1"), QStringLiteral("swupdate@2023.12"),
                          QStringLiteral("libconfig@1.7.3"), QStringLiteral("zlib@1.3.1"),
                          QStringLiteral("u-boot@2023.10")}));
    QCOMPARE(components->at(1).purl, QStringLiteral("pkg:generic/openssl@3.0.13"));
    QCOMPARE(components->at(1).cpe,
             QStringLiteral("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*"));
    QCOMPARE(components->at(3).cpe, QString());
}

void TestCycloneDxSbom::refusesOversizeFile()
{
    const QString path = QFINDTESTDATA("data/cyclonedx-gateway-1.5.json");
    auto components = CycloneDxSbom::parseFile(path, 1024);
    QVERIFY(!components);
    QCOMPARE(components.error().kind, Error::Kind::Invalid);
    QVERIFY2(components.message().contains(QStringLiteral("cyclonedx-gateway-1.5.json is")),
             qPrintable(components.message()));
    QVERIFY(components.message().contains(QStringLiteral("larger than the 1.00 KiB")));
}

void TestCycloneDxSbom::missingFileIsNotFound()
{
    QTemporaryDir dir;
    auto components = CycloneDxSbom::parseFile(dir.filePath(QStringLiteral("sbom.json")));
    QVERIFY(!components);
    QCOMPARE(components.error().kind, Error::Kind::NotFound);
}

void TestCycloneDxSbom::hostileInputNeverCrashes_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("deep arrays") << (QByteArray(200000, '[') + QByteArray(200000, ']'));
    QTest::newRow("deep objects in components")
        << bom("1.5", QByteArray(3000, '[') + QByteArray(3000, ']'));
    QTest::newRow("nul bytes") << QByteArray("{\0\0}", 4);
    QTest::newRow("invalid UTF-8 name") << bom("1.5", "[{\"name\": \"\xC3\x28\"}]");
    QTest::newRow("huge number") << bom("1.5", "[{\"name\": 1e99999}]");
    QTest::newRow("bomFormat array")
        << QByteArray(R"({"bomFormat": ["CycloneDX"], "specVersion": "1.5"})");

    QFile fixture(QFINDTESTDATA("data/cyclonedx-gateway-1.5.json"));
    if (!fixture.open(QIODevice::ReadOnly))
        qFatal("fixture missing");
    const QByteArray valid = fixture.readAll();
    QRandomGenerator random(2026);
    for (int i = 0; i < 24; ++i) {
        QByteArray mutated = valid;
        const int flips = 1 + random.bounded(6);
        for (int f = 0; f < flips; ++f)
            mutated[random.bounded(int(mutated.size()))] = char(random.bounded(256));
        QTest::newRow(qPrintable(QStringLiteral("mutation %1").arg(i))) << mutated;
    }
    QTest::newRow("truncated") << valid.left(valid.size() / 2);
}

void TestCycloneDxSbom::hostileInputNeverCrashes()
{
    QFETCH(QByteArray, json);
    auto components = CycloneDxSbom::parse(json);
    if (!components) {
        QVERIFY(!components.message().isEmpty());
        return;
    }
    for (const Component &c : components.value())
        QVERIFY(!c.name.isEmpty());
}

QTEST_GUILESS_MAIN(TestCycloneDxSbom)
#include "tst_cyclonedxsbom.moc"
