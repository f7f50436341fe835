#include "TestWorkspace.h"
#include "audit/AuditVerifier.h"
#include "demo/DemoFleet.h"
#include "inventory/DeviceRepository.h"
#include "io/InventoryExporter.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QTimeZone>

using namespace fleet;
using fleet::test::TestWorkspace;

namespace {

qint64 number(TestWorkspace &ws, const char *sql)
{
    auto v = ws.db().scalar(QString::fromLatin1(sql));
    if (!v)
        qFatal("%s: %s", sql, qPrintable(v.message()));
    return v.value().toLongLong();
}

QStringList strings(TestWorkspace &ws, const char *sql)
{
    auto s = ws.db().prepare(QString::fromLatin1(sql));
    if (!s)
        qFatal("%s: %s", sql, qPrintable(s.message()));
    QStringList out;
    while (s->next())
        out << s->text(0);
    return out;
}

Status seedFleet(TestWorkspace &ws, DemoFleet::Options options = {})
{
    return DemoFleet::seed(ws.db(), ws.session().audit(), ws.clock(), options);
}

QByteArray exportJson(TestWorkspace &ws)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    if (auto r = InventoryExporter::write(ws.db(), {}, InventoryExporter::Format::Json, buffer); !r)
        qFatal("export: %s", qPrintable(r.message()));
    return buffer.data();
}

} // namespace

class TestDemoFleet : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void hasRealisticShape();
    void spreadsFirmwareWithHistory();
    void hasSbomAndConfiguration();
    void lastSeenFollowsTheClock();
    void recordsOneAuditEntry();
    void isDeterministicForASeed_data();
    void isDeterministicForASeed();
    void honoursDeviceCount_data();
    void honoursDeviceCount();
    void refusesNonEmptyWorkspace();
    void refusesImpossibleCount_data();
    void refusesImpossibleCount();

private:
    // One seeded workspace shared by the read-only checks: seeding is the slow part.
    std::unique_ptr<TestWorkspace> m_ws;
    qint64 m_auditBefore = 0;
};

void TestDemoFleet::initTestCase()
{
    m_ws = std::make_unique<TestWorkspace>();
    m_auditBefore = number(*m_ws, "SELECT count(*) FROM audit_log");
    const Status seeded = seedFleet(*m_ws);
    QVERIFY2(seeded, qPrintable(seeded.message()));
}

void TestDemoFleet::hasRealisticShape()
{
    TestWorkspace &ws = *m_ws;
    const qint64 devices = number(ws, "SELECT count(*) FROM devices");
    QCOMPARE(devices, 600);

    const QStringList zones = strings(ws, "SELECT DISTINCT time_zone FROM sites");
    QVERIFY(number(ws, "SELECT count(*) FROM sites") >= 4);
    QVERIFY2(zones.size() >= 3, qPrintable(zones.join(QLatin1Char(','))));
    for (const QString &zone : zones)
        QVERIFY2(QTimeZone(zone.toUtf8()).isValid(), qPrintable(zone));
    QCOMPARE(number(ws, "SELECT count(*) FROM devices WHERE site_id IS NULL"), 0);

    QVERIFY(number(ws, "SELECT count(DISTINCT model) FROM devices") >= 3);
    QVERIFY(number(ws, "SELECT count(DISTINCT vendor) FROM devices") >= 2);
    QVERIFY(number(ws, "SELECT count(DISTINCT model || hw_revision) FROM devices") >= 6);
    QCOMPARE(
        strings(ws, "SELECT DISTINCT connection FROM devices ORDER BY 1"),
        (QStringList{QStringLiteral("ddi"), QStringLiteral("mqtt"), QStringLiteral("serial")}));

    // Mostly active, online and healthy, with the exceptions an engineer has to deal with.
    const qint64 active = number(ws, "SELECT count(*) FROM devices WHERE state = 'active'");
    QVERIFY2(active > devices * 3 / 4, qPrintable(QString::number(active)));
    for (const char *state : {"maintenance", "quarantined", "registered"})
        QVERIFY2(
            number(ws, qPrintable(QStringLiteral("SELECT count(*) FROM devices WHERE state = '%1'")
                                      .arg(QLatin1String(state)))) > 0,
            state);
    const qint64 offline = number(ws, "SELECT count(*) FROM devices WHERE online = 0");
    QVERIFY2(offline >= devices * 3 / 100 && offline <= devices * 20 / 100,
             qPrintable(QString::number(offline)));
    QVERIFY(number(ws, "SELECT count(*) FROM devices WHERE health = 'degraded'") > 0);
    QVERIFY(number(ws, "SELECT count(*) FROM devices WHERE health = 'failing'") > 0);

    // Every device has a MAC; only serial sensor hubs go without an address.
    QCOMPARE(number(ws, "SELECT count(*) FROM devices WHERE mac = ''"), 0);
    QCOMPARE(number(ws, "SELECT count(DISTINCT mac) FROM devices"), devices);
    QCOMPARE(number(ws, "SELECT count(*) FROM devices WHERE ip = '' AND connection <> 'serial'"),
             0);
    QCOMPARE(number(ws, "SELECT count(DISTINCT serial) FROM devices"), devices);

    const QStringList groups = strings(ws, "SELECT name FROM device_groups");
    QVERIFY(groups.contains(QStringLiteral("pilot-lab")));
    QVERIFY(groups.contains(QStringLiteral("line-1")));
    QVERIFY(number(ws, "SELECT count(DISTINCT device_id) FROM group_members") == devices);
    QVERIFY(number(ws, "SELECT count(DISTINCT tag) FROM device_tags") >= 3);
}

void TestDemoFleet::spreadsFirmwareWithHistory()
{
    TestWorkspace &ws = *m_ws;
    QVERIFY(number(ws, "SELECT count(DISTINCT model || fw_version) FROM devices") >= 8);
    // Per model, the most common version is the newest one, but not the only one.
    const qint64 onMostCommon = number(
        ws, "SELECT sum(c) FROM (SELECT max(n) AS c FROM (SELECT model, fw_version, count(*) AS n "
            "FROM devices GROUP BY model, fw_version) GROUP BY model)");
    const qint64 devices = number(ws, "SELECT count(*) FROM devices");
    QVERIFY2(onMostCommon > devices / 2 && onMostCommon < devices * 9 / 10,
             qPrintable(QString::number(onMostCommon)));
    QVERIFY(number(ws, "SELECT count(*) FROM devices WHERE fw_previous <> ''") > devices / 2);
    QVERIFY(number(ws, "SELECT count(*) FROM devices WHERE fw_known_good <> ''") > devices / 2);
    QCOMPARE(number(ws, "SELECT count(*) FROM devices WHERE fw_known_good <> '' AND "
                        "fw_known_good NOT IN (fw_version, fw_previous)"),
             0);

    // History ends at the running version for every device that ran something.
    QVERIFY(number(ws, "SELECT count(*) FROM firmware_history") > devices);
    QCOMPARE(number(ws, "SELECT count(*) FROM devices d WHERE d.first_seen IS NOT NULL AND "
                        "d.fw_version <> (SELECT to_version FROM firmware_history h WHERE "
                        "h.device_id = d.id ORDER BY at_ms DESC, id DESC LIMIT 1)"),
             0);
    DeviceRepository repo(ws.db());
    const qint64 updated = number(ws, "SELECT id FROM devices WHERE fw_previous <> '' AND "
                                      "first_seen IS NOT NULL ORDER BY id LIMIT 1");
    const auto history = repo.firmwareHistory(updated).value();
    QVERIFY(!history.isEmpty());
    for (qsizetype i = 1; i < history.size(); ++i)
        QVERIFY(history[i - 1].at >= history[i].at);
}

void TestDemoFleet::hasSbomAndConfiguration()
{
    TestWorkspace &ws = *m_ws;
    QCOMPARE(number(ws, "SELECT count(*) FROM devices WHERE id NOT IN (SELECT device_id FROM "
                        "device_components)"),
             0);
    const QStringList names = strings(ws, "SELECT DISTINCT name FROM device_components");
    for (const char *name :
         {"linux", "openssl", "busybox", "swupdate", "zephyr", "mbedtls", "mcuboot"})
        QVERIFY2(names.contains(QLatin1String(name)), name);
    QVERIFY(number(ws, "SELECT count(*) FROM device_components WHERE name = 'openssl' AND "
                       "cpe LIKE 'cpe:2.3:a:openssl:openssl:3.0.%:*:*:*:*:*:*:*'") > 0);
    QCOMPARE(number(ws, "SELECT count(*) FROM device_components WHERE purl NOT LIKE "
                        "'pkg:generic/' || name || '@' || version"),
             0);
    // Gateways boot Linux and update through SWUpdate over DDI; sensor hubs use MCUboot.
    QCOMPARE(number(ws, "SELECT count(*) FROM devices d WHERE connection = 'ddi' AND NOT EXISTS "
                        "(SELECT 1 FROM device_components c WHERE c.device_id = d.id AND "
                        "c.name = 'swupdate')"),
             0);
    QCOMPARE(number(ws, "SELECT count(*) FROM devices d WHERE connection = 'serial' AND NOT "
                        "EXISTS (SELECT 1 FROM device_components c WHERE c.device_id = d.id AND "
                        "c.name = 'mcuboot')"),
             0);

    QCOMPARE(number(ws, "SELECT count(*) FROM devices WHERE config_hash = ''"), 0);
    QVERIFY(number(ws, "SELECT count(DISTINCT key) FROM device_config") >= 8);
    const Device any =
        DeviceRepository(ws.db()).load(number(ws, "SELECT min(id) FROM devices")).value();
    QCOMPARE(any.configHash, DeviceRepository::configurationHash(any.config));
}

void TestDemoFleet::lastSeenFollowsTheClock()
{
    TestWorkspace &ws = *m_ws;
    const qint64 now = ws.clock().nowMs();
    const QString nowText = QString::number(now);
    QCOMPARE(
        number(ws, qPrintable(QStringLiteral("SELECT count(*) FROM devices WHERE last_seen > %1 OR "
                                             "first_seen > %1")
                                  .arg(nowText))),
        0);
    QCOMPARE(number(ws, qPrintable(QStringLiteral("SELECT count(*) FROM devices WHERE online = 1 "
                                                  "AND (last_seen IS NULL OR last_seen < %1)")
                                       .arg(now - 15 * 60 * 1000))),
             0);
    QCOMPARE(number(ws, "SELECT count(*) FROM devices WHERE first_seen > last_seen"), 0);
    QVERIFY(number(ws, "SELECT count(*) FROM devices WHERE last_seen IS NULL") > 0);
}

void TestDemoFleet::recordsOneAuditEntry()
{
    TestWorkspace &ws = *m_ws;
    QCOMPARE(number(ws, "SELECT count(*) FROM audit_log"), m_auditBefore + 1);
    auto entry = ws.db().prepare(QStringLiteral(
        "SELECT action, object_type, after_json FROM audit_log ORDER BY seq DESC LIMIT 1"));
    QVERIFY(entry && entry->next());
    QCOMPARE(entry->text(0), QStringLiteral("workspace.seed-demo"));
    QCOMPARE(entry->text(1), QStringLiteral("workspace"));
    const QJsonObject after = QJsonDocument::fromJson(entry->text(2).toUtf8()).object();
    QCOMPARE(after.value(QStringLiteral("devices")).toInteger(), 600);
    QCOMPARE(after.value(QStringLiteral("seed")).toInteger(), 20261124);

    auto verification = AuditVerifier::verify(ws.db(), ws.session().workspace().auditHeadPath());
    QVERIFY2(verification, qPrintable(verification.message()));
    QVERIFY2(verification->intact, qPrintable(verification->summary()));
}

void TestDemoFleet::isDeterministicForASeed_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::newRow("default seed") << quint32(20261124);
    QTest::newRow("seed 1") << quint32(1);
}

void TestDemoFleet::isDeterministicForASeed()
{
    QFETCH(quint32, seed);
    const DemoFleet::Options options{120, seed};
    TestWorkspace first;
    TestWorkspace second;
    QVERIFY(seedFleet(first, options));
    QVERIFY(seedFleet(second, options));
    const QByteArray a = exportJson(first);
    QCOMPARE(exportJson(second), a);
    QCOMPARE(strings(first, "SELECT to_version || at_ms FROM firmware_history ORDER BY id"),
             strings(second, "SELECT to_version || at_ms FROM firmware_history ORDER BY id"));

    TestWorkspace other;
    QVERIFY(seedFleet(other, {120, seed + 1}));
    QVERIFY(exportJson(other) != a);
}

void TestDemoFleet::honoursDeviceCount_data()
{
    QTest::addColumn<int>("devices");
    QTest::newRow("one") << 1;
    QTest::newRow("fifty") << 50;
}

void TestDemoFleet::honoursDeviceCount()
{
    QFETCH(int, devices);
    TestWorkspace ws;
    QVERIFY(seedFleet(ws, {devices, 5}));
    QCOMPARE(number(ws, "SELECT count(*) FROM devices"), devices);
}

void TestDemoFleet::refusesNonEmptyWorkspace()
{
    TestWorkspace ws;
    ws.addDevices(1);
    const qint64 auditBefore = number(ws, "SELECT count(*) FROM audit_log");
    const Status seeded = seedFleet(ws);
    QVERIFY(!seeded);
    QCOMPARE(seeded.error().kind, Error::Kind::Invalid);
    QVERIFY(seeded.message().contains(QStringLiteral("already has 1 devices")));
    QCOMPARE(number(ws, "SELECT count(*) FROM devices"), 1);
    QCOMPARE(number(ws, "SELECT count(*) FROM audit_log"), auditBefore);
}

void TestDemoFleet::refusesImpossibleCount_data()
{
    QTest::addColumn<int>("devices");
    QTest::newRow("zero") << 0;
    QTest::newRow("negative") << -5;
}

void TestDemoFleet::refusesImpossibleCount()
{
    QFETCH(int, devices);
    TestWorkspace ws;
    const Status seeded = seedFleet(ws, {devices, 1});
    QVERIFY(!seeded);
    QCOMPARE(seeded.error().kind, Error::Kind::Invalid);
    QCOMPARE(number(ws, "SELECT count(*) FROM devices"), 0);
}

QTEST_GUILESS_MAIN(TestDemoFleet)
#include "tst_demofleet.moc"
