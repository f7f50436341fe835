#include "TestWorkspace.h"
#include "inventory/DeviceRepository.h"
#include "io/CsvImporter.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace fleet;
using fleet::test::TestWorkspace;

namespace {

QString writeFile(const TestWorkspace &ws, const QString &name, const QByteArray &content)
{
    const QString path = ws.dir() + QLatin1Char('/') + name;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(content) != content.size())
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

Result<CsvImportReport> runImport(TestWorkspace &ws, const QString &path,
                                  CsvImporter::Options options = {},
                                  const std::function<bool(qint64, qint64)> &progress = {})
{
    return CsvImporter::import(ws.db(), ws.session().audit(), path, options, progress);
}

bool hasError(const CsvImportReport &report, qint64 line, const QString &part)
{
    for (const CsvLineError &e : report.errors)
        if (e.line == line && e.message.contains(part))
            return true;
    return false;
}

QString describe(const CsvImportReport &report)
{
    QStringList out;
    for (const CsvLineError &e : report.errors)
        out << QStringLiteral("line %1: %2").arg(e.line).arg(e.message);
    return out.join(QStringLiteral("; "));
}

const QByteArray kHeader = "uid,name,model,fw_version,site,time_zone,state,online,health\n";

} // namespace

class TestCsvImporter : public QObject
{
    Q_OBJECT

private slots:
    void guessesMapping_data();
    void guessesMapping();
    void guessMapsEachFieldOnce();
    void importsNewDevicesWithOneAuditEntry();
    void rejectsMalformedFileWritingNothing_data();
    void rejectsMalformedFileWritingNothing();
    void reportsEveryBadLine();
    void capsTheErrorList();
    void updateOverwritesOnlyMappedFields();
    void emptyTypedCellKeepsTheValue();
    void readsTimestamps_data();
    void readsTimestamps();
    void acceptsValueSpellings();
    void removesTheFormulaGuardOfExports();
    void dryRunCountsAndWritesNothing();
    void dryRunFindsDuplicates();
    void cancelWritesNothing();
    void reportsProgress();
    void explicitMappingOverridesTheGuess();
    void refusesUnusableFiles_data();
    void refusesUnusableFiles();
    void previewShowsHeaderAndFirstRows();
};

void TestCsvImporter::guessesMapping_data()
{
    QTest::addColumn<QString>("header");
    QTest::addColumn<QString>("field");

    const auto row = [](const char *header, const char *field) {
        QTest::newRow(header) << QString::fromUtf8(header) << QString::fromUtf8(field);
    };
    row("uid", "uid");
    row("id", "uid");
    row("ID", "uid");
    row("Device ID", "uid");
    row("device_id", "uid");
    row("Serial Number", "serial");
    row("serial_number", "serial");
    row("SERIAL", "serial");
    row("firmware", "fw_version");
    row("FW", "fw_version");
    row("Firmware Version", "fw_version");
    row("fw_version", "fw_version");
    row("hardware revision", "hw_revision");
    row("HW rev", "hw_revision");
    row("hw_revision", "hw_revision");
    row("Time Zone", "time_zone");
    row("timezone", "time_zone");
    row("time_zone", "time_zone");
    row("Last seen (UTC)", "last_seen");
    row("first_seen", "first_seen");
    row("Known-good FW", "fw_known_good");
    row("Previous FW", "fw_previous");
    row("IP address", "ip");
    row("MAC Address", "mac");
    row("Manufacturer", "vendor");
    row("Plant", "site");
    row("Tags", "tags");
    row("groups", "groups");
    row("Notes", "notes");
    row("connection", "connection");
    row("config_hash", ""); // computed from the configuration, never imported
    row("Coffee preference", "");
    row("", "");
}

void TestCsvImporter::guessesMapping()
{
    QFETCH(QString, header);
    QFETCH(QString, field);
    const CsvColumnMapping mapping =
        CsvColumnMapping::guess({QStringLiteral("something else"), header});
    QCOMPARE(mapping.fieldForColumn.size(), 2);
    QCOMPARE(mapping.fieldForColumn.at(0), QString());
    QCOMPARE(mapping.fieldForColumn.at(1), field);
}

void TestCsvImporter::guessMapsEachFieldOnce()
{
    const CsvColumnMapping mapping =
        CsvColumnMapping::guess({QStringLiteral("id"), QStringLiteral("uid"),
                                 QStringLiteral("firmware"), QStringLiteral("fw")});
    QCOMPARE(mapping.fieldForColumn, (QStringList{QStringLiteral("uid"), QString(),
                                                  QStringLiteral("fw_version"), QString()}));
}

void TestCsvImporter::importsNewDevicesWithOneAuditEntry()
{
    TestWorkspace ws;
    const QByteArray csv =
        "Device ID,Name,Serial Number,Vendor,Model,HW rev,Firmware,Site,Time Zone,State,Online,"
        "Health,Last seen,Connection,MAC,IP address,Hostname,Tags,Groups,Notes\r\n"
        "gw-1,Press gateway,SN-1,Northwind,GW-4000,B,2.4.1,Plant A,Europe/Berlin,active,true,ok,"
        "2026-03-01T08:00:00Z,ddi,02:00:00:00:00:01,10.0.0.1,gw-1.local,critical; outdoor,"
        "line-1,\"Mounted high, use a ladder\"\r\n"
        "gw-2,Paint gateway,SN-2,Northwind,GW-4000,C,2.4.0,Plant B,America/Chicago,maintenance,"
        "false,degraded,,mqtt,,,,,,\r\n";
    const QString path = writeFile(ws, QStringLiteral("plant-inventory.csv"), csv);
    const qint64 auditBefore = auditCount(ws);

    CsvImporter::Options options;
    options.reason = QStringLiteral("Initial inventory from the plant spreadsheet");
    auto report = runImport(ws, path, options);
    QVERIFY2(report, qPrintable(report.message()));
    QVERIFY2(report->errors.isEmpty(), qPrintable(describe(*report)));
    QVERIFY(report->committed);
    QCOMPARE(report->rows, 2);
    QCOMPARE(report->created, 2);
    QCOMPARE(report->updated, 0);
    QCOMPARE(report->header.size(), 20);
    QCOMPARE(report->previewRows.size(), 2);
    QCOMPARE(deviceCount(ws), 2);

    DeviceRepository repo(ws.db());
    const Device gw1 = repo.loadByUid(QStringLiteral("gw-1")).value();
    QCOMPARE(gw1.name, QStringLiteral("Press gateway"));
    QCOMPARE(gw1.serial, QStringLiteral("SN-1"));
    QCOMPARE(gw1.vendor, QStringLiteral("Northwind"));
    QCOMPARE(gw1.model, QStringLiteral("GW-4000"));
    QCOMPARE(gw1.hwRevision, QStringLiteral("B"));
    QCOMPARE(gw1.fwVersion, QStringLiteral("2.4.1"));
    QCOMPARE(gw1.site, QStringLiteral("Plant A"));
    QCOMPARE(gw1.siteTimeZone, QStringLiteral("Europe/Berlin"));
    QCOMPARE(gw1.state, QStringLiteral("active"));
    QCOMPARE(gw1.online, true);
    QCOMPARE(gw1.health, QStringLiteral("ok"));
    QCOMPARE(gw1.lastSeen, QDateTime(QDate(2026, 3, 1), QTime(8, 0), Qt::UTC));
    QCOMPARE(gw1.connection, QStringLiteral("ddi"));
    QCOMPARE(gw1.mac, QStringLiteral("02:00:00:00:00:01"));
    QCOMPARE(gw1.ip, QStringLiteral("10.0.0.1"));
    QCOMPARE(gw1.hostname, QStringLiteral("gw-1.local"));
    QCOMPARE(gw1.tags, (QStringList{QStringLiteral("critical"), QStringLiteral("outdoor")}));
    QCOMPARE(gw1.groups, QStringList{QStringLiteral("line-1")});
    QCOMPARE(gw1.notes, QStringLiteral("Mounted high, use a ladder"));

    const Device gw2 = repo.loadByUid(QStringLiteral("gw-2")).value();
    QCOMPARE(gw2.siteTimeZone, QStringLiteral("America/Chicago"));
    QCOMPARE(gw2.state, QStringLiteral("maintenance"));
    QCOMPARE(gw2.online, false);
    QVERIFY(!gw2.lastSeen.isValid());
    QVERIFY(gw2.tags.isEmpty());

    // One entry for the whole import, naming the file and its hash.
    QCOMPARE(auditCount(ws), auditBefore + 1);
    auto entry = ws.db().prepare(
        QStringLiteral("SELECT action, object_type, object_id, after_json, reason FROM audit_log "
                       "ORDER BY seq DESC LIMIT 1"));
    QVERIFY(entry);
    QVERIFY(entry->next());
    QCOMPARE(entry->text(0), QStringLiteral("inventory.import"));
    QCOMPARE(entry->text(1), QStringLiteral("workspace"));
    QCOMPARE(entry->text(2), QStringLiteral("plant-inventory.csv"));
    const QJsonObject after = QJsonDocument::fromJson(entry->text(3).toUtf8()).object();
    QCOMPARE(after.value(QStringLiteral("file")).toString(), QStringLiteral("plant-inventory.csv"));
    const QString sha =
        QString::fromLatin1(QCryptographicHash::hash(csv, QCryptographicHash::Sha256).toHex());
    QCOMPARE(after.value(QStringLiteral("sha256")).toString(), sha);
    QCOMPARE(report->fileSha256, sha);
    QCOMPARE(after.value(QStringLiteral("rows")).toInteger(), 2);
    QCOMPARE(after.value(QStringLiteral("created")).toInteger(), 2);
    QCOMPARE(after.value(QStringLiteral("updated")).toInteger(), 0);
    QCOMPARE(entry->text(4), options.reason);
}

void TestCsvImporter::rejectsMalformedFileWritingNothing_data()
{
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<qint64>("line");
    QTest::addColumn<QString>("message");

    // Each file has good rows around the bad one: none of them may be written either.
    const QByteArray good1 = "new-1,First,GW-4000,2.4.1,Plant A,Europe/Berlin,active,true,ok\n";
    const QByteArray good2 = "dev-0001,Updated,GW-4000,9.9.9,Plant A,Europe/Berlin,active,true,"
                             "ok\n";
    const auto file = [&](const QByteArray &bad) {
        return kHeader + good1 + bad + good2;
    };

    QTest::newRow("too few fields")
        << file("new-2,Second,GW-4000\n") << qint64(3)
        << QStringLiteral("Expected 9 fields, as in the header, but found 3");
    QTest::newRow("too many fields")
        << file("new-2,Second,GW-4000,2.4.1,Plant A,Europe/Berlin,active,true,ok,extra\n")
        << qint64(3) << QStringLiteral("but found 10");
    QTest::newRow("invalid UTF-8")
        << file("new-2,M\xFC"
                "nchen gateway,GW-4000,2.4.1,Plant A,Europe/Berlin,active,true,ok\n")
        << qint64(3) << QStringLiteral("Field 2 is not valid UTF-8");
    QTest::newRow("10 MB line") << file("new-2," + QByteArray(10 << 20, 'x') +
                                        ",GW-4000,2.4.1,Plant A,Europe/Berlin,active,true,ok\n")
                                << qint64(3)
                                << QStringLiteral("longer than the limit of 1048576 bytes");
    QTest::newRow("duplicate id")
        << file("new-1,Again,GW-4000,2.4.1,Plant A,Europe/Berlin,active,true,ok\n") << qint64(3)
        << QStringLiteral("Device id 'new-1' is used twice: also on line 2");
    QTest::newRow("duplicate of an existing device")
        << (kHeader + good2 + good1 + good2) << qint64(4)
        << QStringLiteral("Device id 'dev-0001' is used twice: also on line 2");
    QTest::newRow("unknown state")
        << file("new-2,Second,GW-4000,2.4.1,Plant A,Europe/Berlin,activ,true,ok\n") << qint64(3)
        << QStringLiteral("Column 'state': 'activ' is not a lifecycle state; use one of: "
                          "registered, active");
    QTest::newRow("unknown time zone")
        << file("new-2,Second,GW-4000,2.4.1,Plant A,Europe/Karlsruhe,active,true,ok\n") << qint64(3)
        << QStringLiteral("Column 'time_zone': 'Europe/Karlsruhe' is not an IANA time zone id");
    QTest::newRow("time zone that is not an IANA id")
        << file("new-2,Second,GW-4000,2.4.1,Plant A,CEST,active,true,ok\n") << qint64(3)
        << QStringLiteral("'CEST' is not an IANA time zone id");
    QTest::newRow("bad online")
        << file("new-2,Second,GW-4000,2.4.1,Plant A,Europe/Berlin,active,maybe,ok\n") << qint64(3)
        << QStringLiteral("Column 'online': 'maybe' is not true/false");
    QTest::newRow("bad health")
        << file("new-2,Second,GW-4000,2.4.1,Plant A,Europe/Berlin,active,true,great\n") << qint64(3)
        << QStringLiteral("Column 'health': 'great' is not a health value");
    QTest::newRow("empty id")
        << file(" ,Second,GW-4000,2.4.1,Plant A,Europe/Berlin,active,true,ok\n") << qint64(3)
        << QStringLiteral("Column 'uid': the device id is empty");
    QTest::newRow("quote never closed") << (kHeader + good1 + "new-2,\"Second,GW-4000\n")
                                        << qint64(3) << QStringLiteral("is not closed");
    QTest::newRow("text after a closing quote")
        << file("new-2,\"Second\" gateway,GW-4000,2.4.1,Plant A,Europe/Berlin,active,true,ok\n")
        << qint64(3) << QStringLiteral("text after its closing quote");
    QTest::newRow("one site, two time zones")
        << file("new-2,Second,GW-4000,2.4.1,Plant A,Europe/Paris,active,true,ok\n") << qint64(3)
        << QStringLiteral("Site 'Plant A' is given time zone 'Europe/Paris' here but "
                          "'Europe/Berlin' on line 2");
    QTest::newRow("time zone without a site")
        << file("new-2,Second,GW-4000,2.4.1,,Europe/Berlin,active,true,ok\n") << qint64(3)
        << QStringLiteral("the device has no site");

    const QByteArray timeHeader = "uid,last_seen\n";
    QTest::newRow("bad timestamp")
        << (timeHeader + "new-1,2026-03-02T09:00:00Z\n" + "new-2,yesterday\n") << qint64(3)
        << QStringLiteral("Column 'last_seen': 'yesterday' is not an "
                          "ISO-8601 date and time");
    QTest::newRow("impossible date") << (timeHeader + "new-2,2026-02-30T09:00:00Z\n") << qint64(2)
                                     << QStringLiteral("is not an ISO-8601 date and time");
    const QByteArray connectionHeader = "uid,connection\n";
    QTest::newRow("bad connection")
        << (connectionHeader + "new-1,mqtt\nnew-2,zigbee\n") << qint64(3)
        << QStringLiteral("'zigbee' is not a connection kind; use one of: mqtt, ddi, serial");
}

void TestCsvImporter::rejectsMalformedFileWritingNothing()
{
    QFETCH(QByteArray, csv);
    QFETCH(qint64, line);
    QFETCH(QString, message);

    TestWorkspace ws;
    ws.addDevices(3);
    const qint64 devicesBefore = deviceCount(ws);
    const qint64 auditBefore = auditCount(ws);
    const QString path = writeFile(ws, QStringLiteral("bad.csv"), csv);

    auto report = runImport(ws, path);
    QVERIFY2(report, qPrintable(report.message()));
    QVERIFY2(hasError(*report, line, message), qPrintable(describe(*report)));
    QVERIFY(!report->committed);
    QCOMPARE(deviceCount(ws), devicesBefore);
    QCOMPARE(auditCount(ws), auditBefore);
    const Device untouched =
        DeviceRepository(ws.db()).loadByUid(QStringLiteral("dev-0001")).value();
    QCOMPARE(untouched.fwVersion, QStringLiteral("2.4.1"));
    QVERIFY(!DeviceRepository(ws.db()).idForUid(QStringLiteral("new-1")).value());
}

void TestCsvImporter::reportsEveryBadLine()
{
    TestWorkspace ws;
    const QByteArray csv = kHeader + "a,A,M,1,Plant A,Europe/Berlin,active,true,ok\n"
                                     "b,B,M,1,Plant A,Europe/Berlin,retired-ish,true,ok\n"
                                     "c,C,M\n"
                                     "d,D,M,1,Plant A,Mars/Olympus,active,true,ok\n"
                                     "a,A again,M,1,Plant A,Europe/Berlin,active,true,ok\n"
                                     "b,B again,M,1,Plant A,Europe/Berlin,active,true,ok\n";
    auto report = runImport(ws, writeFile(ws, QStringLiteral("many.csv"), csv));
    QVERIFY(report);
    QCOMPARE(report->rows, 6);
    QVERIFY2(report->errors.size() == 5, qPrintable(describe(*report)));
    QVERIFY(hasError(*report, 3, QStringLiteral("'retired-ish' is not a lifecycle state")));
    QVERIFY(hasError(*report, 4, QStringLiteral("but found 3")));
    QVERIFY(hasError(*report, 5, QStringLiteral("'Mars/Olympus'")));
    QVERIFY(hasError(*report, 6, QStringLiteral("'a' is used twice: also on line 2")));
    // The first 'b' was itself rejected; its id still counts.
    QVERIFY(hasError(*report, 7, QStringLiteral("'b' is used twice: also on line 3")));
    QCOMPARE(deviceCount(ws), 0);
}

void TestCsvImporter::capsTheErrorList()
{
    TestWorkspace ws;
    QByteArray csv = "uid,state\n";
    for (int i = 0; i < 1200; ++i)
        csv += "dev-" + QByteArray::number(i) + ",sleeping\n";
    auto report = runImport(ws, writeFile(ws, QStringLiteral("cap.csv"), csv));
    QVERIFY(report);
    QCOMPARE(report->rows, 1200);
    QCOMPARE(report->errors.size(), 1000);
    QCOMPARE(report->moreErrors, 200);
    QCOMPARE(report->errors.last().line, 1001);
}

void TestCsvImporter::updateOverwritesOnlyMappedFields()
{
    TestWorkspace ws;
    Device original = TestWorkspace::makeDevice(QStringLiteral("gw-7"));
    original.tags = QStringList{QStringLiteral("keep-me-not"), QStringLiteral("old")};
    original.groups = QStringList{QStringLiteral("line-1")};
    original.components = {{QStringLiteral("openssl"), QStringLiteral("3.0.11"),
                            QStringLiteral("pkg:generic/openssl@3.0.11"), QString()}};
    original.config = {{QStringLiteral("log.level"), QStringLiteral("info")}};
    original.notes = QStringLiteral("Behind the paint booth");
    original.lastSeen = QDateTime(QDate(2026, 2, 1), QTime(12, 0), Qt::UTC);
    QVERIFY(ws.session().inventory().saveDevice(original));
    const Device before = DeviceRepository(ws.db()).loadByUid(QStringLiteral("gw-7")).value();

    const QByteArray csv = "ID,Firmware,Tags,Online\n"
                           "gw-7,2.5.0,new; old,false\n";
    auto report = runImport(ws, writeFile(ws, QStringLiteral("update.csv"), csv));
    QVERIFY2(report && report->errors.isEmpty(), qPrintable(describe(*report)));
    QCOMPARE(report->created, 0);
    QCOMPARE(report->updated, 1);

    const Device after = DeviceRepository(ws.db()).loadByUid(QStringLiteral("gw-7")).value();
    QCOMPARE(after.fwVersion, QStringLiteral("2.5.0"));
    QCOMPARE(after.tags, (QStringList{QStringLiteral("new"), QStringLiteral("old")}));
    QCOMPARE(after.online, false);
    // Everything else is as it was.
    QCOMPARE(after.id, before.id);
    QCOMPARE(after.name, before.name);
    QCOMPARE(after.serial, before.serial);
    QCOMPARE(after.vendor, before.vendor);
    QCOMPARE(after.model, before.model);
    QCOMPARE(after.hwRevision, before.hwRevision);
    QCOMPARE(after.site, before.site);
    QCOMPARE(after.siteTimeZone, before.siteTimeZone);
    QCOMPARE(after.state, before.state);
    QCOMPARE(after.health, before.health);
    QCOMPARE(after.ip, before.ip);
    QCOMPARE(after.lastSeen, before.lastSeen);
    QCOMPARE(after.notes, before.notes);
    QCOMPARE(after.groups, before.groups);
    QCOMPARE(after.components, before.components);
    QCOMPARE(after.config, before.config);
    QCOMPARE(after.configHash, before.configHash);
    QVERIFY(!after.configHash.isEmpty());
}

void TestCsvImporter::emptyTypedCellKeepsTheValue()
{
    TestWorkspace ws;
    ws.addDevices(1);
    const QByteArray csv = "uid,state,health,notes\n"
                           "dev-0001,,,Checked on site\n";
    auto report = runImport(ws, writeFile(ws, QStringLiteral("notes.csv"), csv));
    QVERIFY2(report && report->committed, qPrintable(describe(*report)));
    const Device d = DeviceRepository(ws.db()).loadByUid(QStringLiteral("dev-0001")).value();
    QCOMPARE(d.state, QStringLiteral("active"));
    QCOMPARE(d.health, QStringLiteral("ok"));
    QCOMPARE(d.notes, QStringLiteral("Checked on site"));
}

void TestCsvImporter::readsTimestamps_data()
{
    QTest::addColumn<QString>("cell");
    QTest::addColumn<QDateTime>("expected");
    const QDateTime nineUtc(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC);
    QTest::newRow("Z") << QStringLiteral("2026-03-02T09:00:00Z") << nineUtc;
    QTest::newRow("no offset is UTC") << QStringLiteral("2026-03-02T09:00:00") << nineUtc;
    QTest::newRow("space separator") << QStringLiteral("2026-03-02 09:00:00") << nineUtc;
    QTest::newRow("minutes only") << QStringLiteral("2026-03-02T09:00") << nineUtc;
    QTest::newRow("offset") << QStringLiteral("2026-03-02T10:00:00+01:00") << nineUtc;
    QTest::newRow("negative offset") << QStringLiteral("2026-03-02T03:00:00-06:00") << nineUtc;
    QTest::newRow("milliseconds") << QStringLiteral("2026-03-02T09:00:00.250Z")
                                  << nineUtc.addMSecs(250);
    QTest::newRow("date only is midnight UTC")
        << QStringLiteral("2026-03-02") << QDateTime(QDate(2026, 3, 2), QTime(0, 0), Qt::UTC);
}

void TestCsvImporter::readsTimestamps()
{
    QFETCH(QString, cell);
    QFETCH(QDateTime, expected);
    TestWorkspace ws;
    const QByteArray csv = "uid,first_seen\nt-1," + cell.toUtf8() + "\n";
    auto report = runImport(ws, writeFile(ws, QStringLiteral("times.csv"), csv));
    QVERIFY2(report && report->committed, qPrintable(describe(*report)));
    const Device d = DeviceRepository(ws.db()).loadByUid(QStringLiteral("t-1")).value();
    QCOMPARE(d.firstSeen, expected);
}

void TestCsvImporter::acceptsValueSpellings()
{
    TestWorkspace ws;
    const QByteArray csv = "uid,state,online,connection,health\n"
                           "a, Active ,YES,MQTT,Degraded\n"
                           "b,quarantined,0,Serial,FAILING\n";
    auto report = runImport(ws, writeFile(ws, QStringLiteral("spellings.csv"), csv));
    QVERIFY2(report && report->committed, qPrintable(describe(*report)));
    DeviceRepository repo(ws.db());
    const Device a = repo.loadByUid(QStringLiteral("a")).value();
    QCOMPARE(a.state, QStringLiteral("active"));
    QCOMPARE(a.online, true);
    QCOMPARE(a.connection, QStringLiteral("mqtt"));
    QCOMPARE(a.health, QStringLiteral("degraded"));
    const Device b = repo.loadByUid(QStringLiteral("b")).value();
    QCOMPARE(b.state, QStringLiteral("quarantined"));
    QCOMPARE(b.online, false);
    QCOMPARE(b.connection, QStringLiteral("serial"));
    QCOMPARE(b.health, QStringLiteral("failing"));
}

void TestCsvImporter::removesTheFormulaGuardOfExports()
{
    TestWorkspace ws;
    const QByteArray csv = "uid,name,notes\n"
                           "f-1,'=not a formula,'-3 dB at the antenna\n"
                           "f-2,'quoted on purpose,plain\n";
    auto report = runImport(ws, writeFile(ws, QStringLiteral("guard.csv"), csv));
    QVERIFY2(report && report->committed, qPrintable(describe(*report)));
    DeviceRepository repo(ws.db());
    QCOMPARE(repo.loadByUid(QStringLiteral("f-1"))->name, QStringLiteral("=not a formula"));
    QCOMPARE(repo.loadByUid(QStringLiteral("f-1"))->notes, QStringLiteral("-3 dB at the antenna"));
    QCOMPARE(repo.loadByUid(QStringLiteral("f-2"))->name, QStringLiteral("'quoted on purpose"));
}

void TestCsvImporter::dryRunCountsAndWritesNothing()
{
    TestWorkspace ws;
    ws.addDevices(2);
    const qint64 auditBefore = auditCount(ws);
    const QByteArray csv = kHeader +
                           "dev-0001,Renamed,GW-4000,2.5.0,Plant A,Europe/Berlin,active,true,"
                           "ok\n"
                           "new-1,New,GW-4000,2.5.0,Plant C,Asia/Singapore,registered,false,"
                           "unknown\n"
                           "new-2,New,GW-4000,2.5.0,Plant C,Asia/Singapore,registered,false,"
                           "unknown\n";
    CsvImporter::Options options;
    options.dryRun = true;
    auto report = runImport(ws, writeFile(ws, QStringLiteral("dry.csv"), csv), options);
    QVERIFY2(report && report->errors.isEmpty(), qPrintable(describe(*report)));
    QCOMPARE(report->rows, 3);
    QCOMPARE(report->created, 2);
    QCOMPARE(report->updated, 1);
    QVERIFY(!report->committed);
    QVERIFY(!report->fileSha256.isEmpty());
    QCOMPARE(deviceCount(ws), 2);
    QCOMPARE(auditCount(ws), auditBefore);
    QCOMPARE(DeviceRepository(ws.db()).loadByUid(QStringLiteral("dev-0001"))->name,
             QStringLiteral("Gateway dev-0001"));
    QVERIFY(!DeviceRepository(ws.db()).siteNames()->contains(QStringLiteral("Plant C")));
}

void TestCsvImporter::dryRunFindsDuplicates()
{
    TestWorkspace ws;
    ws.addDevices(1);
    const QByteArray csv = "uid,name\nnew-1,a\ndev-0001,b\nnew-1,c\ndev-0001,d\n";
    CsvImporter::Options options;
    options.dryRun = true;
    auto report = runImport(ws, writeFile(ws, QStringLiteral("dups.csv"), csv), options);
    QVERIFY(report);
    QVERIFY2(report->errors.size() == 2, qPrintable(describe(*report)));
    QVERIFY(hasError(*report, 4, QStringLiteral("'new-1' is used twice: also on line 2")));
    QVERIFY(hasError(*report, 5, QStringLiteral("'dev-0001' is used twice: also on line 3")));
}

void TestCsvImporter::cancelWritesNothing()
{
    TestWorkspace ws;
    QByteArray csv = "uid,name\n";
    for (int i = 0; i < 2500; ++i)
        csv += "dev-" + QByteArray::number(i) + ",Device\n";
    const qint64 auditBefore = auditCount(ws);
    int calls = 0;
    auto report = runImport(ws, writeFile(ws, QStringLiteral("big.csv"), csv), {},
                            [&](qint64, qint64) { return ++calls < 2; });
    QVERIFY(report);
    QVERIFY(report->cancelled);
    QVERIFY(!report->committed);
    QCOMPARE(calls, 2);
    QCOMPARE(report->rows, 2000);
    QCOMPARE(deviceCount(ws), 0);
    QCOMPARE(auditCount(ws), auditBefore);
}

void TestCsvImporter::reportsProgress()
{
    TestWorkspace ws;
    QByteArray csv = "uid,name\n";
    for (int i = 0; i < 3500; ++i)
        csv += "dev-" + QByteArray::number(i) + ",Device\n";
    QList<QPair<qint64, qint64>> calls;
    auto report = runImport(ws, writeFile(ws, QStringLiteral("big.csv"), csv), {},
                            [&](qint64 done, qint64 total) {
                                calls.append({done, total});
                                return true;
                            });
    QVERIFY2(report && report->committed, qPrintable(describe(*report)));
    QCOMPARE(report->created, 3500);
    QCOMPARE(calls.size(), 4); // after 1000, 2000 and 3000 rows, and at the end
    for (qsizetype i = 1; i < calls.size(); ++i)
        QVERIFY(calls[i].first >= calls[i - 1].first);
    QCOMPARE(calls.last().first, csv.size());
    QCOMPARE(calls.last().second, csv.size());
}

void TestCsvImporter::explicitMappingOverridesTheGuess()
{
    TestWorkspace ws;
    const QByteArray csv = "Kennung,Standort,Bemerkung\nk-1,Werk Nord,egal\n";
    CsvImporter::Options options;
    options.mapping.fieldForColumn = {QStringLiteral("uid"), QStringLiteral("site")};
    auto report = runImport(ws, writeFile(ws, QStringLiteral("de.csv"), csv), options);
    QVERIFY2(report && report->committed, qPrintable(describe(*report)));
    const Device d = DeviceRepository(ws.db()).loadByUid(QStringLiteral("k-1")).value();
    QCOMPARE(d.site, QStringLiteral("Werk Nord"));
    QCOMPARE(d.notes, QString());
}

void TestCsvImporter::refusesUnusableFiles_data()
{
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QStringList>("mapping");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty file") << QByteArray() << QStringList()
                                << QStringLiteral("The file is empty");
    QTest::newRow("only blank lines")
        << QByteArray("\n\r\n") << QStringList() << QStringLiteral("The file is empty");
    QTest::newRow("no id column") << QByteArray("name,model\na,b\n") << QStringList()
                                  << QStringLiteral("No column holds the device id");
    QTest::newRow("broken header") << QByteArray("uid,\"name\n") << QStringList()
                                   << QStringLiteral("Line 1: the header row cannot be read");
    QTest::newRow("mapped to an unknown field")
        << QByteArray("a,b\n1,2\n") << QStringList{QStringLiteral("uid"), QStringLiteral("colour")}
        << QStringLiteral("Column 'b' is mapped to 'colour', which is not a field");
    QTest::newRow("field mapped twice")
        << QByteArray("a,b\n1,2\n") << QStringList{QStringLiteral("uid"), QStringLiteral("uid")}
        << QStringLiteral("Columns 'a' and 'b' are both mapped to 'uid'");
    QTest::newRow("mapping wider than the file")
        << QByteArray("a\n1\n") << QStringList{QStringLiteral("uid"), QStringLiteral("name")}
        << QStringLiteral("The column mapping names 2 columns but the file has 1");
}

void TestCsvImporter::refusesUnusableFiles()
{
    QFETCH(QByteArray, csv);
    QFETCH(QStringList, mapping);
    QFETCH(QString, message);
    TestWorkspace ws;
    const qint64 auditBefore = auditCount(ws);
    CsvImporter::Options options;
    options.mapping.fieldForColumn = mapping;
    auto report = runImport(ws, writeFile(ws, QStringLiteral("unusable.csv"), csv), options);
    QVERIFY(!report);
    QCOMPARE(report.error().kind, Error::Kind::Invalid);
    QVERIFY2(report.message().contains(message), qPrintable(report.message()));
    QCOMPARE(auditCount(ws), auditBefore);
}

void TestCsvImporter::previewShowsHeaderAndFirstRows()
{
    TestWorkspace ws;
    QByteArray csv = "\xEF\xBB\xBFuid,Serial Number\r\n";
    for (int i = 0; i < 30; ++i)
        csv += "d-" + QByteArray::number(i) + ",SN" + QByteArray::number(i) + "\r\n";
    const QString path = writeFile(ws, QStringLiteral("preview.csv"), csv);
    auto report = CsvImporter::preview(path, 5);
    QVERIFY2(report, qPrintable(report.message()));
    QCOMPARE(report->header, (QStringList{QStringLiteral("uid"), QStringLiteral("Serial Number")}));
    QCOMPARE(report->previewRows.size(), 5);
    QCOMPARE(report->previewRows.at(4),
             (QStringList{QStringLiteral("d-4"), QStringLiteral("SN4")}));
    QCOMPARE(deviceCount(ws), 0);

    auto missing = CsvImporter::preview(ws.dir() + QStringLiteral("/nope.csv"));
    QVERIFY(!missing);
    QCOMPARE(missing.error().kind, Error::Kind::NotFound);
}

QTEST_GUILESS_MAIN(TestCsvImporter)
#include "tst_csvimporter.moc"
