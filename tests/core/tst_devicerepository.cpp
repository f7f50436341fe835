#include "TestWorkspace.h"
#include "inventory/DeviceRepository.h"

#include <QCryptographicHash>
#include <QTest>

using namespace fleet;
using namespace fleet::test;

using Config = QMap<QString, QString>;

namespace {

Device fullDevice()
{
    Device d;
    d.uid = QStringLiteral("gw-0042");
    d.name = QStringLiteral("Press line 3 — Müller & Söhne");
    d.serial = QStringLiteral("NW-4000-0042");
    d.vendor = QStringLiteral("Northwind Controls");
    d.model = QStringLiteral("GW-4000");
    d.hwRevision = QStringLiteral("C2");
    d.fwVersion = QStringLiteral("2.5.0");
    d.fwPrevious = QStringLiteral("2.4.1");
    d.fwKnownGood = QStringLiteral("2.4.1");
    d.mac = QStringLiteral("00:1a:2b:3c:4d:5e");
    d.ip = QStringLiteral("10.20.3.42");
    d.hostname = QStringLiteral("gw-0042.plant-a.example");
    d.connection = QStringLiteral("ddi");
    d.site = QStringLiteral("Plant Chicago");
    d.siteTimeZone = QStringLiteral("America/Chicago");
    d.state = QStringLiteral("maintenance");
    d.firstSeen = QDateTime(QDate(2024, 1, 10), QTime(7, 0, 0, 250), Qt::UTC);
    d.lastSeen = QDateTime(QDate(2026, 3, 1), QTime(23, 59, 59, 999), Qt::UTC);
    d.online = true;
    d.health = QStringLiteral("degraded");
    d.notes = QStringLiteral("Line 1\nLine 2 with \"quotes\" and 'apostrophes'");
    d.tags = {QStringLiteral("line-3"), QStringLiteral("critical"), QStringLiteral("eu")};
    d.groups = {QStringLiteral("Pilot"), QStringLiteral("Wave 2")};
    d.components = {{QStringLiteral("openssl"), QStringLiteral("3.0.11"),
                     QStringLiteral("pkg:generic/openssl@3.0.11"),
                     QStringLiteral("cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*")},
                    {QStringLiteral("busybox"), QStringLiteral("1.36.1"), {}, {}},
                    {QStringLiteral("openssl"), QStringLiteral("1.1.1w"), {}, {}}};
    d.config = {{QStringLiteral("mqtt.broker"), QStringLiteral("tls://broker:8883")},
                {QStringLiteral("log.level"), QStringLiteral("info")},
                {QStringLiteral("ntp.server"), QStringLiteral("pool.ntp.org")}};
    return d;
}

QString sha256(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

} // namespace

class TestDeviceRepository : public QObject
{
    Q_OBJECT

private slots:
    void roundTripEveryField();
    void defaultsForEmptyFields();
    void lookups();
    void updateByUid();
    void updateMergesTagsAndGroups();
    void componentsAndConfigKeptWhenNotCarried();
    void configurationHash_data();
    void configurationHash();
    void configurationHashIsOrderIndependent();
    void distinctConfigurationsHashDistinct_data();
    void distinctConfigurationsHashDistinct();
    void configHashWithoutConfiguration();
    void replaceConfigAndComponents();
    void sites();
    void groups();
    void tagsAndMembership();
    void firmwareHistory();
    void invalidDevices_data();
    void invalidDevices();
    void deletingADeviceRemovesWhatHangsOffIt();
    void manyUpsertsReuseStatements();
    void searchIndexFollowsDevices();
};

void TestDeviceRepository::roundTripEveryField()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    const Device in = fullDevice();
    auto saved = repo.upsert(in);
    QVERIFY2(saved.ok(), qUtf8Printable(saved.message()));
    QVERIFY(saved->created);
    QVERIFY(saved->id > 0);

    auto loaded = repo.load(saved->id);
    QVERIFY2(loaded.ok(), qUtf8Printable(loaded.message()));
    const Device &out = loaded.value();
    QCOMPARE(out.id, saved->id);
    QCOMPARE(out.uid, in.uid);
    QCOMPARE(out.name, in.name);
    QCOMPARE(out.serial, in.serial);
    QCOMPARE(out.vendor, in.vendor);
    QCOMPARE(out.model, in.model);
    QCOMPARE(out.hwRevision, in.hwRevision);
    QCOMPARE(out.fwVersion, in.fwVersion);
    QCOMPARE(out.fwPrevious, in.fwPrevious);
    QCOMPARE(out.fwKnownGood, in.fwKnownGood);
    QCOMPARE(out.configHash, DeviceRepository::configurationHash(in.config));
    QCOMPARE(out.configHash.size(), 64);
    QCOMPARE(out.mac, in.mac);
    QCOMPARE(out.ip, in.ip);
    QCOMPARE(out.hostname, in.hostname);
    QCOMPARE(out.connection, in.connection);
    QCOMPARE(out.site, in.site);
    QCOMPARE(out.siteTimeZone, in.siteTimeZone);
    QCOMPARE(out.state, in.state);
    QCOMPARE(out.firstSeen, in.firstSeen);
    QCOMPARE(out.lastSeen, in.lastSeen);
    QCOMPARE(out.lastSeen.timeSpec(), Qt::UTC);
    QCOMPARE(out.online, in.online);
    QCOMPARE(out.health, in.health);
    QCOMPARE(out.notes, in.notes);
    QCOMPARE(out.tags, QStringList({QStringLiteral("critical"), QStringLiteral("eu"),
                                    QStringLiteral("line-3")})); // sorted
    QCOMPARE(out.groups, in.groups);
    QCOMPARE(out.components,
             QList<Component>({in.components.at(1), in.components.at(2), in.components.at(0)}));
    QCOMPARE(out.config, in.config);

    auto byUid = repo.loadByUid(in.uid);
    QVERIFY(byUid.ok());
    QCOMPARE(byUid->id, saved->id);
}

void TestDeviceRepository::defaultsForEmptyFields()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    Device d;
    d.uid = QStringLiteral("bare");
    d.connection.clear();
    d.state.clear();
    d.health.clear();
    auto saved = repo.upsert(d);
    QVERIFY2(saved.ok(), qUtf8Printable(saved.message()));
    const Device out = repo.load(saved->id).value();
    QCOMPARE(out.name, QStringLiteral("bare"));
    QCOMPARE(out.connection, QStringLiteral("mqtt"));
    QCOMPARE(out.state, QStringLiteral("registered"));
    QCOMPARE(out.health, QStringLiteral("unknown"));
    QCOMPARE(out.site, QString());
    QVERIFY(!out.firstSeen.isValid());
    QVERIFY(!out.lastSeen.isValid());
    QVERIFY(!out.online);
    QVERIFY(out.tags.isEmpty());
    QVERIFY(out.components.isEmpty());
    QVERIFY(out.config.isEmpty());
    QCOMPARE(out.configHash, QString());
    QVERIFY(scalarOf(ws.db(), QStringLiteral("SELECT site_id IS NULL FROM devices")).toBool());
}

void TestDeviceRepository::lookups()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    const auto saved = repo.upsert(fullDevice());
    QVERIFY(saved.ok());
    auto id = repo.idForUid(QStringLiteral("gw-0042"));
    QVERIFY(id.ok() && id.value());
    QCOMPARE(*id.value(), saved->id);
    auto missing = repo.idForUid(QStringLiteral("GW-0042")); // uids are case-sensitive
    QVERIFY(missing.ok());
    QVERIFY(!missing.value());
    auto noRow = repo.load(saved->id + 100);
    QVERIFY(!noRow.ok());
    QCOMPARE(noRow.error().kind, Error::Kind::NotFound);
    auto noUid = repo.loadByUid(QStringLiteral("nope"));
    QVERIFY(!noUid.ok());
    QCOMPARE(noUid.error().kind, Error::Kind::NotFound);
    QVERIFY(noUid.message().contains(QLatin1String("nope")));
    QCOMPARE(repo.count().value(), qint64(1));
}

void TestDeviceRepository::updateByUid()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    const auto first = repo.upsert(fullDevice());
    QVERIFY(first.ok());
    Device changed = fullDevice();
    changed.name = QStringLiteral("Renamed");
    changed.fwVersion = QStringLiteral("2.6.0");
    changed.online = false;
    changed.lastSeen = QDateTime();
    changed.site = QStringLiteral("Plant B");
    changed.siteTimeZone.clear();
    const auto second = repo.upsert(changed);
    QVERIFY2(second.ok(), qUtf8Printable(second.message()));
    QVERIFY(!second->created);
    QCOMPARE(second->id, first->id);
    QCOMPARE(repo.count().value(), qint64(1));
    const Device out = repo.load(first->id).value();
    QCOMPARE(out.name, QStringLiteral("Renamed"));
    QCOMPARE(out.fwVersion, QStringLiteral("2.6.0"));
    QVERIFY(!out.online);
    QVERIFY(!out.lastSeen.isValid());
    QCOMPARE(out.site, QStringLiteral("Plant B"));
    QCOMPARE(out.siteTimeZone, QStringLiteral("UTC"));
}

void TestDeviceRepository::updateMergesTagsAndGroups()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    QVERIFY(repo.upsert(fullDevice()).ok());
    Device again = fullDevice();
    again.tags = {QStringLiteral("new"), QStringLiteral("  critical ")};
    again.groups = {QStringLiteral("Wave 3")};
    QVERIFY(repo.upsert(again).ok());
    const Device out = repo.loadByUid(again.uid).value();
    QCOMPARE(out.tags, QStringList({QStringLiteral("critical"), QStringLiteral("eu"),
                                    QStringLiteral("line-3"), QStringLiteral("new")}));
    QCOMPARE(out.groups, QStringList({QStringLiteral("Pilot"), QStringLiteral("Wave 2"),
                                      QStringLiteral("Wave 3")}));
}

void TestDeviceRepository::componentsAndConfigKeptWhenNotCarried()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    const Device in = fullDevice();
    QVERIFY(repo.upsert(in).ok());
    // An update that carries no SBOM and no configuration (a CSV import of the basic columns).
    Device basic = in;
    basic.components.clear();
    basic.config.clear();
    basic.configHash.clear();
    basic.name = QStringLiteral("From CSV");
    QVERIFY(repo.upsert(basic).ok());
    const Device out = repo.loadByUid(in.uid).value();
    QCOMPARE(out.name, QStringLiteral("From CSV"));
    QCOMPARE(out.components.size(), 3);
    QCOMPARE(out.config, in.config);
    // The stored hash still describes the stored configuration.
    QCOMPARE(out.configHash, DeviceRepository::configurationHash(out.config));
    // Reloaded and saved unchanged: still the same.
    QVERIFY(repo.upsert(out).ok());
    QCOMPARE(repo.loadByUid(in.uid)->configHash, DeviceRepository::configurationHash(in.config));
}

void TestDeviceRepository::configurationHash_data()
{
    QTest::addColumn<Config>("config");
    QTest::addColumn<QByteArray>("lines");
    // The documented form: "key=value\n" per entry, sorted by key, UTF-8.
    QTest::newRow("one") << Config{{QStringLiteral("a"), QStringLiteral("1")}}
                         << QByteArray("a=1\n");
    QTest::newRow("sorted by key") << Config{{QStringLiteral("zeta"), QStringLiteral("last")},
                                             {QStringLiteral("alpha"), QStringLiteral("first")},
                                             {QStringLiteral("mid"), QStringLiteral("")}}
                                   << QByteArray("alpha=first\nmid=\nzeta=last\n");
    QTest::newRow("unicode") << Config{{QStringLiteral("site"), QStringLiteral("Düsseldorf")}}
                             << QByteArray("site=D\xc3\xbcsseldorf\n");
    QTest::newRow("equals sign in a value")
        << Config{{QStringLiteral("url"), QStringLiteral("x?a=b")}} << QByteArray("url=x?a=b\n");
    // What could be mistaken for a separator is backslash-escaped.
    QTest::newRow("escapes") << Config{{QStringLiteral("a=b"), QStringLiteral("C:\\dir\nnext")}}
                             << QByteArray("a\\=b=C:\\\\dir\\nnext\n");
}

void TestDeviceRepository::configurationHash()
{
    QFETCH(Config, config);
    QFETCH(QByteArray, lines);
    QCOMPARE(DeviceRepository::configurationHash(config), sha256(lines));
}

void TestDeviceRepository::configurationHashIsOrderIndependent()
{
    Config a;
    a.insert(QStringLiteral("b"), QStringLiteral("2"));
    a.insert(QStringLiteral("a"), QStringLiteral("1"));
    a.insert(QStringLiteral("c"), QStringLiteral("3"));
    Config b;
    b.insert(QStringLiteral("c"), QStringLiteral("3"));
    b.insert(QStringLiteral("a"), QStringLiteral("1"));
    b.insert(QStringLiteral("b"), QStringLiteral("2"));
    QCOMPARE(DeviceRepository::configurationHash(a), DeviceRepository::configurationHash(b));
    QCOMPARE(DeviceRepository::configurationHash(a), DeviceRepository::configurationHash(a));
    QCOMPARE(DeviceRepository::configurationHash({}), QString());
    // Stored through two devices in different orders: the same hash in the database.
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    Device one = TestWorkspace::makeDevice(QStringLiteral("one"));
    one.config = a;
    Device two = TestWorkspace::makeDevice(QStringLiteral("two"));
    two.config = b;
    QVERIFY(repo.upsert(one).ok());
    QVERIFY(repo.upsert(two).ok());
    QCOMPARE(column(ws.db(), QStringLiteral("SELECT DISTINCT config_hash FROM devices")),
             QStringList{DeviceRepository::configurationHash(a)});
}

void TestDeviceRepository::distinctConfigurationsHashDistinct_data()
{
    QTest::addColumn<Config>("a");
    QTest::addColumn<Config>("b");
    QTest::newRow("value differs") << Config{{QStringLiteral("k"), QStringLiteral("1")}}
                                   << Config{{QStringLiteral("k"), QStringLiteral("2")}};
    QTest::newRow("empty value vs no key")
        << Config{{QStringLiteral("a"), QStringLiteral("1")}, {QStringLiteral("b"), QString()}}
        << Config{{QStringLiteral("a"), QStringLiteral("1")}};
    QTest::newRow("'=' moved between key and value")
        << Config{{QStringLiteral("a=b"), QStringLiteral("c")}}
        << Config{{QStringLiteral("a"), QStringLiteral("b=c")}};
    QTest::newRow("newline in a value vs two entries")
        << Config{{QStringLiteral("a"), QStringLiteral("1\nb=2")}}
        << Config{{QStringLiteral("a"), QStringLiteral("1")},
                  {QStringLiteral("b"), QStringLiteral("2")}};
    QTest::newRow("backslash escapes") << Config{{QStringLiteral("a"), QStringLiteral("\\n")}}
                                       << Config{{QStringLiteral("a"), QStringLiteral("\n")}};
    QTest::newRow("escaped '=' in a key") << Config{{QStringLiteral("a\\"), QStringLiteral("=b")}}
                                          << Config{{QStringLiteral("a\\=b"), QString()}};
}

void TestDeviceRepository::distinctConfigurationsHashDistinct()
{
    QFETCH(Config, a);
    QFETCH(Config, b);
    QVERIFY(a != b);
    QVERIFY(DeviceRepository::configurationHash(a) != DeviceRepository::configurationHash(b));
}

void TestDeviceRepository::configHashWithoutConfiguration()
{
    // Some sources report only the hash a device computed itself.
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    Device d = TestWorkspace::makeDevice(QStringLiteral("reported"));
    d.configHash = QString(64, QLatin1Char('a'));
    QVERIFY(repo.upsert(d).ok());
    QCOMPARE(repo.loadByUid(d.uid)->configHash, d.configHash);
    d.configHash = QString(64, QLatin1Char('b'));
    QVERIFY(repo.upsert(d).ok());
    QCOMPARE(repo.loadByUid(d.uid)->configHash, d.configHash);
    // A carried configuration wins over a carried hash.
    d.config = {{QStringLiteral("k"), QStringLiteral("v")}};
    QVERIFY(repo.upsert(d).ok());
    QCOMPARE(repo.loadByUid(d.uid)->configHash, DeviceRepository::configurationHash(d.config));
}

void TestDeviceRepository::replaceConfigAndComponents()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    const qint64 id = repo.upsert(fullDevice())->id;
    const Config next{{QStringLiteral("only"), QStringLiteral("this")}};
    QVERIFY(repo.replaceConfig(id, next).ok());
    Device out = repo.load(id).value();
    QCOMPARE(out.config, next);
    QCOMPARE(out.configHash, DeviceRepository::configurationHash(next));
    QVERIFY(repo.replaceConfig(id, {}).ok());
    out = repo.load(id).value();
    QVERIFY(out.config.isEmpty());
    QCOMPARE(out.configHash, QString());

    const QList<Component> sbom{{QStringLiteral("zlib"), QStringLiteral("1.3"), {}, {}}};
    QVERIFY(repo.replaceComponents(id, sbom).ok());
    QCOMPARE(repo.load(id)->components, sbom);
    // A duplicate (name, version) is one component.
    QVERIFY(repo.replaceComponents(id, {sbom.first(), sbom.first()}).ok());
    QCOMPARE(repo.load(id)->components, sbom);
    QVERIFY(repo.replaceComponents(id, {}).ok());
    QVERIFY(repo.load(id)->components.isEmpty());
}

void TestDeviceRepository::sites()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    auto a = repo.ensureSite(QStringLiteral("Plant A"), QStringLiteral("Europe/Berlin"));
    QVERIFY(a.ok());
    QCOMPARE(repo.ensureSite(QStringLiteral("Plant A"), {}).value(), a.value());
    QCOMPARE(
        scalarOf(ws.db(), QStringLiteral("SELECT time_zone FROM sites WHERE id = ?"), {a.value()})
            .toString(),
        QStringLiteral("Europe/Berlin"));
    // A site's time zone follows the latest source that names one.
    QCOMPARE(repo.ensureSite(QStringLiteral("Plant A"), QStringLiteral("Europe/Vienna")).value(),
             a.value());
    QCOMPARE(
        scalarOf(ws.db(), QStringLiteral("SELECT time_zone FROM sites WHERE id = ?"), {a.value()})
            .toString(),
        QStringLiteral("Europe/Vienna"));
    auto b = repo.ensureSite(QStringLiteral("Plant B"), {});
    QVERIFY(b.ok());
    QVERIFY(b.value() != a.value());
    QCOMPARE(
        scalarOf(ws.db(), QStringLiteral("SELECT time_zone FROM sites WHERE id = ?"), {b.value()})
            .toString(),
        QStringLiteral("UTC"));
    QCOMPARE(repo.siteNames().value(),
             QStringList({QStringLiteral("Plant A"), QStringLiteral("Plant B")}));
    // Devices see their site's zone.
    Device d = TestWorkspace::makeDevice(QStringLiteral("d"));
    d.site = QStringLiteral("Plant B");
    d.siteTimeZone.clear();
    QVERIFY(repo.upsert(d).ok());
    QCOMPARE(repo.loadByUid(QStringLiteral("d"))->siteTimeZone, QStringLiteral("UTC"));
}

void TestDeviceRepository::groups()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    QVERIFY(!repo.groupId(QStringLiteral("Pilot")).value().has_value());
    auto g = repo.ensureGroup(QStringLiteral("Pilot"));
    QVERIFY(g.ok());
    QCOMPARE(repo.ensureGroup(QStringLiteral("Pilot")).value(), g.value());
    QCOMPARE(*repo.groupId(QStringLiteral("Pilot")).value(), g.value());
    QVERIFY(repo.ensureGroup(QStringLiteral("Alpha")).ok());
    QCOMPARE(repo.groupNames().value(),
             QStringList({QStringLiteral("Alpha"), QStringLiteral("Pilot")}));
}

void TestDeviceRepository::tagsAndMembership()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    const qint64 id = repo.upsert(TestWorkspace::makeDevice(QStringLiteral("d")))->id;
    QVERIFY(repo.addTag(id, QStringLiteral(" x ")).ok());
    QVERIFY(repo.addTag(id, QStringLiteral("x")).ok());   // again: kept once
    QVERIFY(repo.addTag(id, QStringLiteral("   ")).ok()); // blank: ignored
    QCOMPARE(repo.load(id)->tags, QStringList{QStringLiteral("x")});
    QVERIFY(repo.removeTag(id, QStringLiteral("x ")).ok());
    QVERIFY(repo.load(id)->tags.isEmpty());
    const qint64 g = repo.ensureGroup(QStringLiteral("G")).value();
    QVERIFY(repo.addToGroup(id, g).ok());
    QVERIFY(repo.addToGroup(id, g).ok());
    QCOMPARE(repo.load(id)->groups, QStringList{QStringLiteral("G")});
    QVERIFY(repo.removeFromGroup(id, g).ok());
    QVERIFY(repo.load(id)->groups.isEmpty());
    QVERIFY(repo.setState(id, QStringLiteral("retired")).ok());
    QVERIFY(repo.setNotes(id, QStringLiteral("n")).ok());
    QCOMPARE(repo.load(id)->state, QStringLiteral("retired"));
    QCOMPARE(repo.load(id)->notes, QStringLiteral("n"));
    QVERIFY(!repo.setState(id, QStringLiteral("gone")).ok());
    QVERIFY(!repo.addToGroup(id, g + 100).ok()); // foreign key
}

void TestDeviceRepository::firmwareHistory()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    const qint64 id = repo.upsert(TestWorkspace::makeDevice(QStringLiteral("d")))->id;
    const qint64 other = repo.upsert(TestWorkspace::makeDevice(QStringLiteral("e")))->id;
    const QDateTime t0(QDate(2025, 6, 1), QTime(8, 0, 0, 1), Qt::UTC);
    QVERIFY(repo.recordFirmwareChange(id, {t0, QStringLiteral("2.3.0"), QStringLiteral("2.4.0"),
                                           QStringLiteral("import")})
                .ok());
    QVERIFY(repo.recordFirmwareChange(id, {t0.addDays(30), QStringLiteral("2.4.0"),
                                           QStringLiteral("2.4.1"), QStringLiteral("rollout 7")})
                .ok());
    // Same instant as the previous one: the later record comes first.
    QVERIFY(repo.recordFirmwareChange(id, {t0.addDays(30), QStringLiteral("2.4.1"),
                                           QStringLiteral("2.4.0"), QStringLiteral("rollback")})
                .ok());
    QVERIFY(repo.recordFirmwareChange(other, {t0, {}, QStringLiteral("9"), {}}).ok());
    auto history = repo.firmwareHistory(id);
    QVERIFY(history.ok());
    QCOMPARE(history->size(), 3);
    QCOMPARE(history->at(0).source, QStringLiteral("rollback"));
    QCOMPARE(history->at(1).source, QStringLiteral("rollout 7"));
    QCOMPARE(history->at(1).fromVersion, QStringLiteral("2.4.0"));
    QCOMPARE(history->at(1).toVersion, QStringLiteral("2.4.1"));
    QCOMPARE(history->at(1).at, t0.addDays(30));
    QCOMPARE(history->at(2).at, t0);
    QCOMPARE(history->at(2).at.timeSpec(), Qt::UTC);
    QCOMPARE(repo.firmwareHistory(other)->size(), 1);
    QVERIFY(repo.firmwareHistory(other + 100)->isEmpty());
    QVERIFY(!repo.recordFirmwareChange(other + 100, {t0, {}, QStringLiteral("1"), {}}).ok());
}

void TestDeviceRepository::invalidDevices_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("no uid") << QStringLiteral("uid") << QString() << QStringLiteral("needs an id");
    QTest::newRow("blank uid") << QStringLiteral("uid") << QStringLiteral("  ")
                               << QStringLiteral("needs an id");
    QTest::newRow("unknown state") << QStringLiteral("state") << QStringLiteral("lost")
                                   << QStringLiteral("CHECK constraint failed");
    QTest::newRow("unknown connection") << QStringLiteral("connection") << QStringLiteral("zigbee")
                                        << QStringLiteral("CHECK constraint failed");
    QTest::newRow("unknown health") << QStringLiteral("health") << QStringLiteral("fine")
                                    << QStringLiteral("CHECK constraint failed");
    QTest::newRow("component without name")
        << QStringLiteral("component") << QString() << QStringLiteral("component needs a name");
}

void TestDeviceRepository::invalidDevices()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, message);
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    Device d = TestWorkspace::makeDevice(QStringLiteral("bad"));
    if (field == QLatin1String("uid"))
        d.uid = value;
    else if (field == QLatin1String("state"))
        d.state = value;
    else if (field == QLatin1String("connection"))
        d.connection = value;
    else if (field == QLatin1String("health"))
        d.health = value;
    else
        d.components = {{value, QStringLiteral("1.0"), {}, {}}};
    SqliteTransaction tx(ws.db());
    auto saved = repo.upsert(d);
    QVERIFY(!saved.ok());
    QCOMPARE(saved.error().kind, Error::Kind::Invalid);
    QVERIFY2(saved.message().contains(message), qUtf8Printable(saved.message()));
}

void TestDeviceRepository::deletingADeviceRemovesWhatHangsOffIt()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    const qint64 id = repo.upsert(fullDevice())->id;
    QVERIFY(repo.recordFirmwareChange(
                    id, {QDateTime::currentDateTimeUtc(), {}, QStringLiteral("1"), {}})
                .ok());
    QVERIFY(ws.db().execute(QStringLiteral("DELETE FROM devices WHERE id = ?"), {id}).ok());
    for (const char *table :
         {"device_tags", "group_members", "device_components", "device_config", "firmware_history"})
        QCOMPARE(
            scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(table)))
                .toInt(),
            0);
    // Sites and groups outlive their devices.
    QCOMPARE(repo.siteNames()->size(), 1);
    QCOMPARE(repo.groupNames()->size(), 2);
    // A site still in use cannot be deleted.
    QVERIFY(repo.upsert(fullDevice()).ok());
    QVERIFY(!ws.db().exec(QStringLiteral("DELETE FROM sites")).ok());
}

void TestDeviceRepository::manyUpsertsReuseStatements()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    SqliteTransaction tx(ws.db());
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 300; ++i) {
            Device d = TestWorkspace::makeDevice(QStringLiteral("bulk-%1").arg(i));
            d.site = QStringLiteral("Site %1").arg(i % 7);
            d.tags = {QStringLiteral("t%1").arg(i % 3)};
            d.groups = {QStringLiteral("g%1").arg(i % 4)};
            d.fwVersion = QStringLiteral("1.%1").arg(round);
            auto saved = repo.upsert(d);
            QVERIFY2(saved.ok(), qUtf8Printable(saved.message()));
            QCOMPARE(saved->created, round == 0);
        }
    }
    QVERIFY(tx.commit().ok());
    QCOMPARE(repo.count().value(), qint64(300));
    QCOMPARE(repo.siteNames()->size(), 7);
    QCOMPARE(repo.groupNames()->size(), 4);
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM device_tags")).toInt(), 300);
    QCOMPARE(column(ws.db(), QStringLiteral("SELECT DISTINCT fw_version FROM devices")),
             QStringList{QStringLiteral("1.1")});
}

void TestDeviceRepository::searchIndexFollowsDevices()
{
    TestWorkspace ws;
    DeviceRepository repo(ws.db());
    auto search = [&](const QString &word) {
        return column(ws.db(),
                      QStringLiteral("SELECT d.uid FROM device_search s JOIN devices d ON d.id = "
                                     "s.rowid WHERE device_search MATCH ? ORDER BY d.uid"),
                      {word});
    };
    auto indexIsConsistent = [&] {
        return column(ws.db(), QStringLiteral("INSERT INTO device_search(device_search, rank) "
                                              "VALUES ('integrity-check', 1)"))
            .isEmpty();
    };
    Device a = TestWorkspace::makeDevice(QStringLiteral("a-1"));
    a.name = QStringLiteral("Hydraulic press");
    a.hostname = QStringLiteral("press-a.plant");
    Device b = TestWorkspace::makeDevice(QStringLiteral("b-2"));
    b.name = QStringLiteral("Paint robot");
    b.notes = QStringLiteral("Hydraulic arm");
    Device unnamed = TestWorkspace::makeDevice(QStringLiteral("unnamed-3"));
    unnamed.name.clear();
    {
        SqliteTransaction tx(ws.db());
        QVERIFY(repo.upsert(a).ok());
        QVERIFY(repo.upsert(b).ok());
        QVERIFY(repo.upsert(unnamed).ok());
        QVERIFY(tx.commit().ok());
    }
    QVERIFY(indexIsConsistent());
    QCOMPARE(search(QStringLiteral("hydraulic")),
             QStringList({QStringLiteral("a-1"), QStringLiteral("b-2")}));
    QCOMPARE(search(QStringLiteral("unnamed")), QStringList{QStringLiteral("unnamed-3")});
    // Updated again and again through the repository: indexed once, with the latest values.
    for (int i = 0; i < 3; ++i) {
        a.name = QStringLiteral("Stamping press %1").arg(i);
        QVERIFY(repo.upsert(a).ok());
    }
    QVERIFY(indexIsConsistent());
    QCOMPARE(search(QStringLiteral("hydraulic")), QStringList{QStringLiteral("b-2")});
    QCOMPARE(search(QStringLiteral("stamping")), QStringList{QStringLiteral("a-1")});
    QCOMPARE(search(QStringLiteral("\"press a\"")), QStringList{QStringLiteral("a-1")});
    // A rolled-back creation leaves no index entry behind.
    {
        SqliteTransaction tx(ws.db());
        QVERIFY(repo.upsert(TestWorkspace::makeDevice(QStringLiteral("ghost"))).ok());
    }
    QCOMPARE(search(QStringLiteral("ghost")), QStringList());
    QVERIFY(ws.db().exec(QStringLiteral("DELETE FROM devices WHERE uid = 'b-2'")).ok());
    QVERIFY(indexIsConsistent());
    QCOMPARE(search(QStringLiteral("hydraulic")), QStringList());
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM device_search")).toInt(), 2);
}

QTEST_GUILESS_MAIN(TestDeviceRepository)
#include "tst_devicerepository.moc"
