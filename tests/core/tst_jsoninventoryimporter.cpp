#include "TestWorkspace.h"
#include "inventory/DeviceRepository.h"
#include "io/JsonInventoryImporter.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace fleet;
using fleet::test::TestWorkspace;

namespace {

QString saveFile(const TestWorkspace &ws, const QString &name, const QByteArray &content)
{
    const QString path = ws.dir() + QLatin1Char('/') + name;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

qint64 deviceCount(TestWorkspace &ws)
{
    return DeviceRepository(ws.db()).count().value();
}

qint64 auditCount(TestWorkspace &ws)
{
    return ws.db().scalar(QStringLiteral("SELECT count(*) FROM audit_log")).value().toLongLong();
}

Result<JsonInventoryImporter::Report> runImport(TestWorkspace &ws, const QByteArray &json,
                                                bool dryRun = false)
{
    return JsonInventoryImporter::import(ws.db(), ws.session().audit(),
                                         saveFile(ws, QStringLiteral("inventory.json"), json),
                                         dryRun, QStringLiteral("Sync from the MES"));
}

// "\/" rather than "/" in the URL: moc reads "//" in a multi-line raw string as a comment
// and then misses the test class.
const QByteArray kFullDevice = R"([
  {"uid": "gw-1", "name": "Press gateway", "serial": "SN-1", "vendor": "Northwind",
   "model": "NW-EG4100", "hw_revision": "C1", "fw_version": "4.4.2", "fw_previous": "4.4.0",
   "fw_known_good": "4.4.0", "config_hash": "", "mac": "02:4E:10:00:00:01",
   "ip": "10.11.0.2", "hostname": "kar-eg4100-0001", "connection": "ddi",
   "site": "Karlsruhe Press Shop", "time_zone": "Europe/Berlin", "state": "active",
   "first_seen": "2024-05-01T06:00:00.000Z", "last_seen": "2026-03-02T08:58:00+01:00",
   "online": true, "health": "ok", "notes": "Bay 3",
   "tags": ["critical-path", "battery-backed"], "groups": ["line-1"],
   "components": [
     {"name": "openssl", "version": "3.0.13", "purl": "pkg:generic/openssl@3.0.13",
      "cpe": "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*"},
     {"name": "swupdate", "version": "2023.12", "purl": "pkg:generic/swupdate@2023.12"}],
   "config": {"ddi.server": "https:\/\/updates.kar.example", "log.level": "info"}}
])";

} // namespace

class TestJsonInventoryImporter : public QObject
{
    Q_OBJECT

private slots:
    void parsesEveryField();
    void rejectsDocument_data();
    void rejectsDocument();
    void namesIndexAndField_data();
    void namesIndexAndField();
    void parseWithoutErrorListFailsOnFirstProblem();
    void importsWithOneAuditEntry();
    void badElementImportsNothing();
    void updateOverwritesOnlyGivenKeys();
    void givenEmptyListsClear();
    void dryRunWritesNothing();
    void siteWithTwoTimeZonesIsRefused();
    void missingFileIsNotFound();
    void hostileInputNeverCrashes_data();
    void hostileInputNeverCrashes();
};

void TestJsonInventoryImporter::parsesEveryField()
{
    QStringList errors;
    auto devices = JsonInventoryImporter::parse(kFullDevice, &errors);
    QVERIFY2(devices, qPrintable(devices.message()));
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
    QCOMPARE(devices->size(), 1);
    const Device &d = devices->first();
    QCOMPARE(d.uid, QStringLiteral("gw-1"));
    QCOMPARE(d.model, QStringLiteral("NW-EG4100"));
    QCOMPARE(d.hwRevision, QStringLiteral("C1"));
    QCOMPARE(d.fwPrevious, QStringLiteral("4.4.0"));
    QCOMPARE(d.connection, QStringLiteral("ddi"));
    QCOMPARE(d.siteTimeZone, QStringLiteral("Europe/Berlin"));
    QCOMPARE(d.firstSeen, QDateTime(QDate(2024, 5, 1), QTime(6, 0), Qt::UTC));
    QCOMPARE(d.lastSeen, QDateTime(QDate(2026, 3, 2), QTime(7, 58), Qt::UTC));
    QCOMPARE(d.online, true);
    QCOMPARE(d.tags,
             (QStringList{QStringLiteral("critical-path"), QStringLiteral("battery-backed")}));
    QCOMPARE(d.components.size(), 2);
    QCOMPARE(d.components.at(0),
             (Component{QStringLiteral("openssl"), QStringLiteral("3.0.13"),
                        QStringLiteral("pkg:generic/openssl@3.0.13"),
                        QStringLiteral("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*")}));
    QCOMPARE(d.components.at(1).cpe, QString());
    QCOMPARE(d.config.value(QStringLiteral("log.level")), QStringLiteral("info"));
}

void TestJsonInventoryImporter::rejectsDocument_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty") << QByteArray("  \n") << QStringLiteral("The file is empty");
    QTest::newRow("not JSON") << QByteArray("uid,name\ngw-1,x\n")
                              << QStringLiteral("Not valid JSON");
    QTest::newRow("truncated") << QByteArray(R"([{"uid": "gw-1")")
                               << QStringLiteral("Not valid JSON");
    QTest::newRow("object") << QByteArray(R"({"devices": []})")
                            << QStringLiteral("Expected a JSON array of devices");
}

void TestJsonInventoryImporter::rejectsDocument()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    QStringList errors;
    auto devices = JsonInventoryImporter::parse(json, &errors);
    QVERIFY(!devices);
    QCOMPARE(devices.error().kind, Error::Kind::Invalid);
    QVERIFY2(devices.message().contains(message), qPrintable(devices.message()));

    TestWorkspace ws;
    const qint64 auditBefore = auditCount(ws);
    auto report = runImport(ws, json);
    QVERIFY(!report);
    QVERIFY2(report.message().contains(message), qPrintable(report.message()));
    QCOMPARE(auditCount(ws), auditBefore);
}

void TestJsonInventoryImporter::namesIndexAndField_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");

    const auto row = [](const char *name, const char *json, const char *message) {
        QTest::newRow(name) << QByteArray(json) << QString::fromUtf8(message);
    };
    row("not an object", R"([{"uid": "a"}, 42])", "[1]: expected a device object, found a number");
    row("no uid", R"([{"name": "x"}])", "[0].uid: every device needs an id");
    row("blank uid", R"([{"uid": "  "}])", "[0].uid: every device needs an id");
    row("uid not a string", R"([{"uid": 7}])", "[0].uid: expected a string, found a number");
    row("name not a string", R"([{"uid": "a"}, {"uid": "b", "name": ["x"]}])",
        "[1].name: expected a string, found an array");
    row("bad state", R"([{"uid": "a", "state": "asleep"}])",
        "[0].state: 'asleep' is not a lifecycle state; use one of: registered, active");
    row("bad connection", R"([{"uid": "a", "connection": "lora"}])",
        "[0].connection: 'lora' is not a connection kind");
    row("bad health", R"([{"uid": "a", "health": "meh"}])",
        "[0].health: 'meh' is not a health value");
    row("bad time zone", R"([{"uid": "a", "site": "P", "time_zone": "Berlin"}])",
        "[0].time_zone: 'Berlin' is not an IANA time zone id");
    row("bad timestamp", R"([{"uid": "a", "last_seen": "last tuesday"}])",
        "[0].last_seen: 'last tuesday' is not an ISO-8601 date and time");
    row("online as string", R"([{"uid": "a", "online": "yes"}])",
        "[0].online: expected true or false, found a string");
    row("tags not a list", R"([{"uid": "a", "tags": "x;y"}])",
        "[0].tags: expected an array of strings, found a string");
    row("tag not a string", R"([{"uid": "a", "tags": ["x", 3]}])",
        "[0].tags[1]: expected a string, found a number");
    row("components not a list", R"([{"uid": "a", "components": {}}])",
        "[0].components: expected an array of components, found an object");
    row("component without name", R"([{"uid": "a", "components": [{"version": "1"}]}])",
        "[0].components[0].name: a component needs a name");
    row("component version not a string",
        R"([{"uid": "a", "components": [{"name": "zlib", "version": 1.3}]}])",
        "[0].components[0].version: expected a string, found a number");
    row("component twice",
        R"([{"uid": "a", "components": [{"name": "zlib", "version": "1.3"},
                                        {"name": "zlib", "version": "1.3"}]}])",
        "[0].components[1]: component zlib 1.3 is listed twice");
    row("config not an object", R"([{"uid": "a", "config": ["x"]}])",
        "[0].config: expected an object of key: value strings, found an array");
    row("config value not a string", R"([{"uid": "a", "config": {"baud": 115200}}])",
        "[0].config.baud: expected a string, found a number");
    row("unknown field", R"([{"uid": "a", "fw_verison": "1.0"}])",
        "[0].fw_verison: not a device field");
    row("duplicate uid", R"([{"uid": "a"}, {"uid": "b"}, {"uid": "a"}])",
        "[2].uid: device id 'a' is used twice: also on [0]");
}

void TestJsonInventoryImporter::namesIndexAndField()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    QStringList errors;
    auto devices = JsonInventoryImporter::parse(json, &errors);
    QVERIFY(devices);
    bool found = false;
    for (const QString &e : std::as_const(errors))
        found = found || e.contains(message);
    QVERIFY2(found, qPrintable(errors.join(QStringLiteral(" / "))));

    // And the import writes nothing.
    TestWorkspace ws;
    ws.addDevices(1);
    const qint64 auditBefore = auditCount(ws);
    auto report = runImport(ws, json);
    QVERIFY2(report, qPrintable(report.message()));
    QVERIFY(!report->errors.isEmpty());
    QVERIFY(!report->committed);
    QCOMPARE(deviceCount(ws), 1);
    QCOMPARE(auditCount(ws), auditBefore);
}

void TestJsonInventoryImporter::parseWithoutErrorListFailsOnFirstProblem()
{
    auto devices = JsonInventoryImporter::parse(
        R"([{"uid": "a", "state": "x"}, {"uid": "b", "health": "y"}])", nullptr);
    QVERIFY(!devices);
    QCOMPARE(devices.error().kind, Error::Kind::Invalid);
    QVERIFY2(devices.message().startsWith(QStringLiteral("[0].state")),
             qPrintable(devices.message()));
    QVERIFY(devices.message().contains(QStringLiteral("and 1 more")));
}

void TestJsonInventoryImporter::importsWithOneAuditEntry()
{
    TestWorkspace ws;
    ws.addDevices(1);
    const QByteArray json = R"([
        {"uid": "dev-0001", "fw_version": "2.5.0"},
        {"uid": "new-1", "name": "New one", "site": "Plant B", "time_zone": "Asia/Singapore"}
    ])";
    const qint64 auditBefore = auditCount(ws);
    auto report = runImport(ws, json);
    QVERIFY2(report, qPrintable(report.message()));
    QVERIFY2(report->errors.isEmpty(), qPrintable(report->errors.join(QLatin1Char('\n'))));
    QVERIFY(report->committed);
    QCOMPARE(report->devices, 2);
    QCOMPARE(report->created, 1);
    QCOMPARE(report->updated, 1);
    QCOMPARE(deviceCount(ws), 2);
    QCOMPARE(auditCount(ws), auditBefore + 1);

    auto entry = ws.db().prepare(
        QStringLiteral("SELECT action, object_type, object_id, after_json, reason FROM "
                       "audit_log ORDER BY seq DESC LIMIT 1"));
    QVERIFY(entry && entry->next());
    QCOMPARE(entry->text(0), QStringLiteral("inventory.import"));
    QCOMPARE(entry->text(1), QStringLiteral("workspace"));
    QCOMPARE(entry->text(2), QStringLiteral("inventory.json"));
    const QJsonObject after = QJsonDocument::fromJson(entry->text(3).toUtf8()).object();
    QCOMPARE(after.value(QStringLiteral("rows")).toInteger(), 2);
    QCOMPARE(after.value(QStringLiteral("created")).toInteger(), 1);
    QCOMPARE(after.value(QStringLiteral("updated")).toInteger(), 1);
    QCOMPARE(after.value(QStringLiteral("sha256")).toString().size(), 64);
    QCOMPARE(entry->text(4), QStringLiteral("Sync from the MES"));

    const Device created = DeviceRepository(ws.db()).loadByUid(QStringLiteral("new-1")).value();
    QCOMPARE(created.siteTimeZone, QStringLiteral("Asia/Singapore"));
    QCOMPARE(created.state, QStringLiteral("registered"));
}

void TestJsonInventoryImporter::badElementImportsNothing()
{
    TestWorkspace ws;
    const QByteArray json = R"([{"uid": "a"}, {"uid": "b"}, {"uid": "c", "state": "gone"}])";
    auto report = runImport(ws, json);
    QVERIFY(report);
    QCOMPARE(report->errors.size(), 1);
    QVERIFY(report->errors.first().startsWith(QStringLiteral("[2].state")));
    QCOMPARE(deviceCount(ws), 0);
}

void TestJsonInventoryImporter::updateOverwritesOnlyGivenKeys()
{
    TestWorkspace ws;
    auto imported = runImport(ws, kFullDevice);
    QVERIFY(imported && imported->committed);
    const Device before = DeviceRepository(ws.db()).loadByUid(QStringLiteral("gw-1")).value();

    auto report = runImport(ws, R"([{"uid": "gw-1", "fw_version": "4.5.0", "online": false}])");
    QVERIFY2(report && report->committed, qPrintable(report->errors.join(QLatin1Char('\n'))));
    QCOMPARE(report->updated, 1);
    const Device after = DeviceRepository(ws.db()).loadByUid(QStringLiteral("gw-1")).value();
    QCOMPARE(after.fwVersion, QStringLiteral("4.5.0"));
    QCOMPARE(after.online, false);
    QCOMPARE(after.name, before.name);
    QCOMPARE(after.fwPrevious, before.fwPrevious);
    QCOMPARE(after.site, before.site);
    QCOMPARE(after.siteTimeZone, before.siteTimeZone);
    QCOMPARE(after.lastSeen, before.lastSeen);
    QCOMPARE(after.tags, before.tags);
    QCOMPARE(after.groups, before.groups);
    QCOMPARE(after.components, before.components);
    QCOMPARE(after.config, before.config);
    QCOMPARE(after.configHash, before.configHash);
}

void TestJsonInventoryImporter::givenEmptyListsClear()
{
    TestWorkspace ws;
    QVERIFY(runImport(ws, kFullDevice)->committed);
    auto report =
        runImport(ws, R"([{"uid": "gw-1", "tags": [], "groups": [], "components": [], "config": {},
                 "last_seen": null}])");
    QVERIFY2(report && report->committed, qPrintable(report->errors.join(QLatin1Char('\n'))));
    const Device after = DeviceRepository(ws.db()).loadByUid(QStringLiteral("gw-1")).value();
    QVERIFY(after.tags.isEmpty());
    QVERIFY(after.groups.isEmpty());
    QVERIFY(after.components.isEmpty());
    QVERIFY(after.config.isEmpty());
    QVERIFY(after.configHash.isEmpty());
    QVERIFY(!after.lastSeen.isValid());
    QCOMPARE(after.fwVersion, QStringLiteral("4.4.2"));
}

void TestJsonInventoryImporter::dryRunWritesNothing()
{
    TestWorkspace ws;
    ws.addDevices(1);
    const qint64 auditBefore = auditCount(ws);
    auto report = runImport(
        ws, R"([{"uid": "dev-0001", "name": "x"}, {"uid": "n-1"}, {"uid": "n-2"}])", true);
    QVERIFY2(report && report->errors.isEmpty(), qPrintable(report.message()));
    QCOMPARE(report->created, 2);
    QCOMPARE(report->updated, 1);
    QVERIFY(!report->committed);
    QCOMPARE(deviceCount(ws), 1);
    QCOMPARE(auditCount(ws), auditBefore);
    QCOMPARE(DeviceRepository(ws.db()).loadByUid(QStringLiteral("dev-0001"))->name,
             QStringLiteral("Gateway dev-0001"));
}

void TestJsonInventoryImporter::siteWithTwoTimeZonesIsRefused()
{
    TestWorkspace ws;
    auto report = runImport(ws, R"([
        {"uid": "a", "site": "Plant X", "time_zone": "Europe/Berlin"},
        {"uid": "b", "site": "Plant X", "time_zone": "Europe/Lisbon"}])");
    QVERIFY(report);
    QCOMPARE(report->errors.size(), 1);
    QCOMPARE(report->errors.first(),
             QStringLiteral("[1]: Site 'Plant X' is given time zone 'Europe/Lisbon' here but "
                            "'Europe/Berlin' on [0]"));
    QCOMPARE(deviceCount(ws), 0);
}

void TestJsonInventoryImporter::missingFileIsNotFound()
{
    TestWorkspace ws;
    auto report = JsonInventoryImporter::import(ws.db(), ws.session().audit(),
                                                ws.dir() + QStringLiteral("/none.json"), false);
    QVERIFY(!report);
    QCOMPARE(report.error().kind, Error::Kind::NotFound);
}

void TestJsonInventoryImporter::hostileInputNeverCrashes_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("deep nesting") << (QByteArray(100000, '[') + QByteArray(100000, ']'));
    QTest::newRow("deep objects in a device")
        << (QByteArray(R"([{"uid": "a", "config": )") + QByteArray(5000, '[') +
            QByteArray(5000, ']') + "}]");
    QTest::newRow("huge number") << QByteArray(R"([{"uid": 1e999999}])");
    QTest::newRow("nul bytes") << QByteArray("[\0\0\0]", 5);
    QTest::newRow("invalid UTF-8") << QByteArray("[{\"uid\": \"\xFF\xFE\"}]");
    QTest::newRow("lone surrogate escape") << QByteArray(R"([{"uid": "\ud800"}])");
    // A valid file with bytes flipped at random positions.
    QRandomGenerator random(7);
    for (int i = 0; i < 16; ++i) {
        QByteArray mutated = kFullDevice;
        for (int flips = 0; flips < 4; ++flips)
            mutated[random.bounded(int(mutated.size()))] = char(random.bounded(256));
        QTest::newRow(qPrintable(QStringLiteral("mutation %1").arg(i))) << mutated;
    }
}

void TestJsonInventoryImporter::hostileInputNeverCrashes()
{
    QFETCH(QByteArray, json);
    QStringList errors;
    auto devices = JsonInventoryImporter::parse(json, &errors);
    if (!devices) {
        QVERIFY(!devices.message().isEmpty());
        return;
    }
    // What was accepted is a device with an id; what was not is explained.
    for (const Device &d : devices.value())
        QVERIFY(!d.uid.isEmpty());
    for (const QString &e : std::as_const(errors))
        QVERIFY2(e.startsWith(QLatin1Char('[')), qPrintable(e));
}

QTEST_GUILESS_MAIN(TestJsonInventoryImporter)
#include "tst_jsoninventoryimporter.moc"
