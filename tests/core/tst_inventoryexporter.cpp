#include "TestWorkspace.h"
#include "inventory/DeviceRepository.h"
#include "io/CsvImporter.h"
#include "io/CsvReader.h"
#include "io/InventoryExporter.h"
#include "io/JsonInventoryImporter.h"

#include <QBuffer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace fleet;
using fleet::test::TestWorkspace;

Q_DECLARE_METATYPE(fleet::DeviceFilter)

namespace {

// Devices that exercise what a file format can get wrong: separators, quotes and line breaks
// in values, formula-like text, non-ASCII, missing timestamps, no site, lists.
QList<Device> tricky()
{
    Device a = TestWorkspace::makeDevice(QStringLiteral("gw-001"));
    a.name = QStringLiteral("Press line, bay \"3\"");
    a.notes = QStringLiteral("Mounted high;\nuse the ladder\r\nin bay 3");
    a.tags = {QStringLiteral("critical"), QStringLiteral("outdoor")};
    a.groups = {QStringLiteral("line-1"), QStringLiteral("pilot-lab")};
    a.firstSeen = QDateTime(QDate(2025, 1, 2), QTime(3, 4, 5, 678), Qt::UTC);
    a.lastSeen = QDateTime(QDate(2026, 3, 2), QTime(8, 59), Qt::UTC);
    a.fwPrevious = QStringLiteral("2.4.0");
    a.fwKnownGood = QStringLiteral("2.4.0");
    a.connection = QStringLiteral("ddi");
    a.mac = QStringLiteral("02:4E:10:00:01:AA");
    a.hostname = QStringLiteral("kar-gw-001");
    a.components = {{QStringLiteral("linux"), QStringLiteral("6.1.70"),
                     QStringLiteral("pkg:generic/linux@6.1.70"),
                     QStringLiteral("cpe:2.3:o:linux:linux_kernel:6.1.70:*:*:*:*:*:*:*")},
                    {QStringLiteral("openssl"), QStringLiteral("3.0.13"),
                     QStringLiteral("pkg:generic/openssl@3.0.13"),
                     QStringLiteral("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*")}};
    a.config = {{QStringLiteral("log.level"), QStringLiteral("info")},
                {QStringLiteral("mqtt.broker"), QStringLiteral("mqtts://broker:8883")}};

    Device b = TestWorkspace::makeDevice(QStringLiteral("sh-002"));
    b.name = QStringLiteral("=HYPERLINK(\"http://evil.example\",\"click\")");
    b.serial = QStringLiteral("-12345");
    b.vendor = QStringLiteral("@vendor");
    b.model = QStringLiteral("+SH8");
    b.site = QStringLiteral("São Paulo Fundição");
    b.siteTimeZone = QStringLiteral("America/Sao_Paulo");
    b.state = QStringLiteral("quarantined");
    b.online = false;
    b.health = QStringLiteral("failing");
    b.connection = QStringLiteral("serial");
    b.ip.clear();
    b.notes = QStringLiteral("東京から移設");

    Device c = TestWorkspace::makeDevice(QStringLiteral("io-003"));
    c.site.clear();
    c.siteTimeZone.clear();
    c.state = QStringLiteral("registered");
    c.health = QStringLiteral("unknown");
    c.online = false;
    c.configHash = QStringLiteral("abc123"); // reported by the device; no configuration known
    return {a, b, c};
}

void addDevices(TestWorkspace &ws, const QList<Device> &devices)
{
    for (const Device &d : devices)
        if (auto r = ws.session().inventory().saveDevice(d); !r)
            qFatal("saveDevice: %s", qPrintable(r.message()));
}

QByteArray exportAll(TestWorkspace &ws, InventoryExporter::Format format,
                     const QStringList &columns = {}, const DeviceFilter &filter = {})
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    auto written = InventoryExporter::write(ws.db(), filter, format, buffer, columns);
    if (!written)
        qFatal("export: %s", qPrintable(written.message()));
    return buffer.data();
}

QString saveFile(TestWorkspace &ws, const QString &name, const QByteArray &content)
{
    const QString path = ws.dir() + QLatin1Char('/') + name;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

QList<Device> allDevices(TestWorkspace &ws)
{
    QList<Device> out;
    DeviceRepository repo(ws.db());
    auto ids = ws.db().prepare(QStringLiteral("SELECT id FROM devices ORDER BY uid"));
    while (ids->next())
        out << repo.load(ids->int64(0)).value();
    return out;
}

// Compares what a CSV carries; with `everything`, also SBOM, configuration and its hash.
void compareDevice(const Device &actual, const Device &expected, bool everything)
{
    QCOMPARE(actual.uid, expected.uid);
    QCOMPARE(actual.name, expected.name);
    QCOMPARE(actual.serial, expected.serial);
    QCOMPARE(actual.vendor, expected.vendor);
    QCOMPARE(actual.model, expected.model);
    QCOMPARE(actual.hwRevision, expected.hwRevision);
    QCOMPARE(actual.fwVersion, expected.fwVersion);
    QCOMPARE(actual.fwPrevious, expected.fwPrevious);
    QCOMPARE(actual.fwKnownGood, expected.fwKnownGood);
    QCOMPARE(actual.mac, expected.mac);
    QCOMPARE(actual.ip, expected.ip);
    QCOMPARE(actual.hostname, expected.hostname);
    QCOMPARE(actual.connection, expected.connection);
    QCOMPARE(actual.site, expected.site);
    QCOMPARE(actual.siteTimeZone, expected.siteTimeZone);
    QCOMPARE(actual.state, expected.state);
    QCOMPARE(actual.firstSeen, expected.firstSeen);
    QCOMPARE(actual.lastSeen, expected.lastSeen);
    QCOMPARE(actual.online, expected.online);
    QCOMPARE(actual.health, expected.health);
    QCOMPARE(actual.notes, expected.notes);
    QCOMPARE(actual.tags, expected.tags);
    QCOMPARE(actual.groups, expected.groups);
    if (everything) {
        QCOMPARE(actual.components, expected.components);
        QCOMPARE(actual.config, expected.config);
        QCOMPARE(actual.configHash, expected.configHash);
    }
}

class FullDevice : public QIODevice
{
protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64) override { return -1; }
};

} // namespace

class TestInventoryExporter : public QObject
{
    Q_OBJECT

private slots:
    void roundTripsThroughImporter_data();
    void roundTripsThroughImporter();
    void csvGuardsFormulaCells_data();
    void csvGuardsFormulaCells();
    void csvHeaderIsColumnKeys();
    void csvWritesChosenColumns();
    void refusesUnknownColumn();
    void jsonHasEveryField();
    void appliesFilter_data();
    void appliesFilter();
    void emptyInventory_data();
    void emptyInventory();
    void reportsWriteFailure_data();
    void reportsWriteFailure();
};

void TestInventoryExporter::roundTripsThroughImporter_data()
{
    QTest::addColumn<bool>("json");
    QTest::newRow("csv") << false;
    QTest::newRow("json") << true;
}

void TestInventoryExporter::roundTripsThroughImporter()
{
    QFETCH(bool, json);
    TestWorkspace source;
    addDevices(source, tricky());
    source.addDevices(5);
    const QList<Device> original = allDevices(source);
    const auto format = json ? InventoryExporter::Format::Json : InventoryExporter::Format::Csv;
    const QByteArray exported = exportAll(source, format);

    TestWorkspace target;
    const QString path = saveFile(
        target, json ? QStringLiteral("fleet.json") : QStringLiteral("fleet.csv"), exported);
    qint64 created = 0;
    if (json) {
        auto report =
            JsonInventoryImporter::import(target.db(), target.session().audit(), path, false);
        QVERIFY2(report, qPrintable(report.message()));
        QVERIFY2(report->errors.isEmpty(), qPrintable(report->errors.join(QLatin1Char('\n'))));
        QVERIFY(report->committed);
        created = report->created;
    } else {
        auto report = CsvImporter::import(target.db(), target.session().audit(), path, {});
        QVERIFY2(report, qPrintable(report.message()));
        QVERIFY2(report->errors.isEmpty(),
                 report->errors.isEmpty() ? "" : qPrintable(report->errors.first().message));
        QVERIFY(report->committed);
        created = report->created;
    }
    QCOMPARE(created, original.size());

    const QList<Device> copy = allDevices(target);
    QCOMPARE(copy.size(), original.size());
    for (qsizetype i = 0; i < copy.size(); ++i) {
        compareDevice(copy.at(i), original.at(i), json);
        if (QTest::currentTestFailed())
            QFAIL(qPrintable(QStringLiteral("device %1 differs").arg(original.at(i).uid)));
    }
    // Exporting the copy gives the same file: nothing drifted (e.g. no growing quote prefix).
    QCOMPARE(exportAll(target, format), exported);

    // Importing the same file again updates every device and changes none.
    qint64 updated = 0;
    if (json) {
        auto again =
            JsonInventoryImporter::import(target.db(), target.session().audit(), path, false);
        QVERIFY(again && again->committed);
        updated = again->updated;
        QCOMPARE(again->created, 0);
    } else {
        auto again = CsvImporter::import(target.db(), target.session().audit(), path, {});
        QVERIFY(again && again->committed);
        updated = again->updated;
        QCOMPARE(again->created, 0);
    }
    QCOMPARE(updated, original.size());
    QCOMPARE(exportAll(target, format), exported);
}

void TestInventoryExporter::csvGuardsFormulaCells_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("=") << QStringLiteral("=1+1");
    QTest::newRow("+") << QStringLiteral("+49 721 000");
    QTest::newRow("-") << QStringLiteral("-2+3");
    QTest::newRow("@") << QStringLiteral("@SUM(A1:A9)");
    QTest::newRow("tab") << QStringLiteral("\t=1");
}

void TestInventoryExporter::csvGuardsFormulaCells()
{
    QFETCH(QString, name);
    TestWorkspace ws;
    Device d = TestWorkspace::makeDevice(QStringLiteral("x-1"));
    d.name = name;
    addDevices(ws, {d});

    QBuffer buffer;
    buffer.setData(exportAll(ws, InventoryExporter::Format::Csv,
                             {QStringLiteral("uid"), QStringLiteral("name")}));
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    CsvReader reader(buffer);
    QCOMPARE(reader.next(), CsvReader::Next::Record);
    QCOMPARE(reader.next(), CsvReader::Next::Record);
    QCOMPARE(reader.fields().at(1), QLatin1Char('\'') + name);
}

void TestInventoryExporter::csvHeaderIsColumnKeys()
{
    TestWorkspace ws;
    ws.addDevices(2);
    QBuffer buffer;
    buffer.setData(exportAll(ws, InventoryExporter::Format::Csv));
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    CsvReader reader(buffer);
    QCOMPARE(reader.next(), CsvReader::Next::Record);
    QCOMPARE(reader.fields(), CsvColumnMapping::importableFields());
    for (const QString &key : {QStringLiteral("site"), QStringLiteral("time_zone"),
                               QStringLiteral("tags"), QStringLiteral("groups")})
        QVERIFY(reader.fields().contains(key));
    // The guess maps every exported column to itself.
    QCOMPARE(CsvColumnMapping::guess(reader.fields()).fieldForColumn, reader.fields());
}

void TestInventoryExporter::csvWritesChosenColumns()
{
    TestWorkspace ws;
    addDevices(ws, tricky());
    const QByteArray csv =
        exportAll(ws, InventoryExporter::Format::Csv,
                  {QStringLiteral("uid"), QStringLiteral("online"), QStringLiteral("last_seen"),
                   QStringLiteral("tags"), QStringLiteral("config_hash")});
    const QByteArray gwHash =
        DeviceRepository::configurationHash(tricky().first().config).toLatin1();
    QCOMPARE(csv, "uid,online,last_seen,tags,config_hash\r\n"
                  "gw-001,true,2026-03-02T08:59:00.000Z,critical;outdoor," +
                      gwHash +
                      "\r\n"
                      "io-003,false,,,abc123\r\n"
                      "sh-002,false,,,\r\n");
}

void TestInventoryExporter::refusesUnknownColumn()
{
    TestWorkspace ws;
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    auto written = InventoryExporter::write(ws.db(), {}, InventoryExporter::Format::Csv, buffer,
                                            {QStringLiteral("uid"), QStringLiteral("colour")});
    QVERIFY(!written);
    QCOMPARE(written.error().kind, Error::Kind::Invalid);
    QVERIFY(written.message().contains(QStringLiteral("Unknown column 'colour'")));
    QVERIFY(buffer.data().isEmpty());
}

void TestInventoryExporter::jsonHasEveryField()
{
    TestWorkspace ws;
    addDevices(ws, tricky());
    QJsonParseError error;
    const QJsonDocument doc =
        QJsonDocument::fromJson(exportAll(ws, InventoryExporter::Format::Json), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QVERIFY(doc.isArray());
    const QJsonArray devices = doc.array();
    QCOMPARE(devices.size(), 3);

    const QJsonObject gw = devices.at(0).toObject();
    const char *const expectedKeys[] = {
        "uid",        "name",        "serial",        "vendor",      "model", "hw_revision",
        "fw_version", "fw_previous", "fw_known_good", "config_hash", "mac",   "ip",
        "hostname",   "connection",  "site",          "time_zone",   "state", "first_seen",
        "last_seen",  "online",      "health",        "notes",       "tags",  "groups",
        "components", "config"};
    QStringList expected;
    for (const char *key : expectedKeys)
        expected << QString::fromLatin1(key);
    expected.sort();
    QCOMPARE(gw.keys(), expected); // QJsonObject keys come sorted
    QCOMPARE(gw.value(QStringLiteral("uid")).toString(), QStringLiteral("gw-001"));
    QCOMPARE(gw.value(QStringLiteral("first_seen")).toString(),
             QStringLiteral("2025-01-02T03:04:05.678Z"));
    QCOMPARE(gw.value(QStringLiteral("online")).toBool(), true);
    QCOMPARE(gw.value(QStringLiteral("time_zone")).toString(), QStringLiteral("Europe/Berlin"));
    const QJsonArray components = gw.value(QStringLiteral("components")).toArray();
    QCOMPARE(components.size(), 2);
    const QJsonObject openssl = components.at(1).toObject();
    QCOMPARE(openssl.value(QStringLiteral("name")).toString(), QStringLiteral("openssl"));
    QCOMPARE(openssl.value(QStringLiteral("version")).toString(), QStringLiteral("3.0.13"));
    QCOMPARE(openssl.value(QStringLiteral("purl")).toString(),
             QStringLiteral("pkg:generic/openssl@3.0.13"));
    QCOMPARE(openssl.value(QStringLiteral("cpe")).toString(),
             QStringLiteral("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*"));
    QCOMPARE(gw.value(QStringLiteral("config")).toObject().value(QStringLiteral("log.level")),
             QJsonValue(QStringLiteral("info")));
    QCOMPARE(gw.value(QStringLiteral("tags")).toArray(),
             QJsonArray({QStringLiteral("critical"), QStringLiteral("outdoor")}));

    const QJsonObject io = devices.at(1).toObject();
    QVERIFY(io.value(QStringLiteral("last_seen")).isNull());
    QCOMPARE(io.value(QStringLiteral("site")).toString(), QString());
}

void TestInventoryExporter::appliesFilter_data()
{
    QTest::addColumn<DeviceFilter>("filter");
    QTest::addColumn<QStringList>("uids");

    DeviceFilter offline;
    offline.online = false;
    QTest::newRow("offline") << offline
                             << QStringList{QStringLiteral("io-003"), QStringLiteral("sh-002")};
    DeviceFilter tagged;
    tagged.tags = {QStringLiteral("outdoor")};
    QTest::newRow("tag") << tagged << QStringList{QStringLiteral("gw-001")};
    DeviceFilter state;
    state.states = {QStringLiteral("quarantined")};
    QTest::newRow("state") << state << QStringList{QStringLiteral("sh-002")};
    DeviceFilter none;
    none.models = {QStringLiteral("no such model")};
    QTest::newRow("nothing matches") << none << QStringList();
}

void TestInventoryExporter::appliesFilter()
{
    QFETCH(DeviceFilter, filter);
    QFETCH(QStringList, uids);
    TestWorkspace ws;
    addDevices(ws, tricky());
    for (const bool json : {false, true}) {
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        auto written = InventoryExporter::write(ws.db(), filter,
                                                json ? InventoryExporter::Format::Json
                                                     : InventoryExporter::Format::Csv,
                                                buffer, {QStringLiteral("uid")});
        QVERIFY2(written, qPrintable(written.message()));
        QCOMPARE(written.value(), uids.size());
        QStringList exported;
        if (json) {
            for (const QJsonValue &v : QJsonDocument::fromJson(buffer.data()).array())
                exported << v.toObject().value(QStringLiteral("uid")).toString();
        } else {
            exported =
                QString::fromUtf8(buffer.data()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
            QCOMPARE(exported.takeFirst(), QStringLiteral("uid"));
        }
        QCOMPARE(exported, uids);
    }
}

void TestInventoryExporter::emptyInventory_data()
{
    QTest::addColumn<bool>("json");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("csv") << false << QByteArray("uid,name\r\n");
    QTest::newRow("json") << true << QByteArray("[\n]\n");
}

void TestInventoryExporter::emptyInventory()
{
    QFETCH(bool, json);
    QFETCH(QByteArray, expected);
    TestWorkspace ws;
    const QByteArray out =
        exportAll(ws, json ? InventoryExporter::Format::Json : InventoryExporter::Format::Csv,
                  {QStringLiteral("uid"), QStringLiteral("name")});
    QCOMPARE(out, expected);
    if (json)
        QVERIFY(QJsonDocument::fromJson(out).isArray());
}

void TestInventoryExporter::reportsWriteFailure_data()
{
    QTest::addColumn<bool>("json");
    QTest::newRow("csv") << false;
    QTest::newRow("json") << true;
}

void TestInventoryExporter::reportsWriteFailure()
{
    QFETCH(bool, json);
    TestWorkspace ws;
    ws.addDevices(2);
    FullDevice device;
    QVERIFY(device.open(QIODevice::WriteOnly));
    auto written = InventoryExporter::write(
        ws.db(), {}, json ? InventoryExporter::Format::Json : InventoryExporter::Format::Csv,
        device);
    QVERIFY(!written);
    QVERIFY(written.message().contains(QStringLiteral("Could not write the export")));
}

QTEST_GUILESS_MAIN(TestInventoryExporter)
#include "tst_inventoryexporter.moc"
