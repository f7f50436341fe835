#include "DemoFleet.h"

#include "audit/AuditLog.h"
#include "inventory/DeviceRepository.h"
#include "storage/SqliteDatabase.h"
#include "util/Clock.h"

#include <QFileInfo>
#include <QJsonObject>
#include <QRandomGenerator>
#include <array>

namespace fleet {

namespace {

struct Site
{
    const char *name;
    const char *code; // short plant code used in names and host names
    const char *timeZone;
    const char *locale;
    int weight; // share of the fleet
};

// Plants of a mid-sized manufacturer, one per continent-ish, each in its own time zone.
constexpr std::array<Site, 6> kSites = {{
    {"Karlsruhe Press Shop", "KAR", "Europe/Berlin", "de_DE", 25},
    {"Joliet Assembly", "JOL", "America/Chicago", "en_US", 20},
    {"Jurong Electronics", "JUR", "Asia/Singapore", "en_SG", 17},
    {"Campinas Foundry", "CPS", "America/Sao_Paulo", "pt_BR", 15},
    {"Sheffield Forge", "SHF", "Europe/London", "en_GB", 13},
    {"Wetherill Park Packaging", "WTP", "Australia/Sydney", "en_AU", 10},
}};

struct Package
{
    const char *name;
    const char *version;
};

// One firmware release and the software it ships.
struct Release
{
    const char *version;
    QList<Package> packages;
};

enum class Kind { LinuxGateway, PlcController, SensorHub, OperatorPanel };

struct Model
{
    const char *vendor;
    const char *vendorCode; // serial number prefix
    const char *model;
    const char *role; // in device names
    const char *uidPrefix;
    Kind kind;
    const char *connection;
    QList<const char *> hwRevisions; // oldest first: the last one is the common one
    QList<Release> releases;         // oldest first: the last one is current
    int weight;
};

const std::array<Model, 5> &models()
{
    static const std::array<Model, 5> table = {{
        {"Northwind Controls",
         "NWC",
         "NW-EG4100",
         "Edge Gateway",
         "eg4100",
         Kind::LinuxGateway,
         "ddi",
         {"B2", "C1"},
         {
             {"4.2.3",
              {{"linux", "5.15.120"},
               {"openssl", "3.0.9"},
               {"busybox", "1.35.0"},
               {"swupdate", "2022.12"},
               {"u-boot", "2022.10"},
               {"zlib", "1.2.13"},
               {"curl", "8.1.2"}}},
             {"4.3.1",
              {{"linux", "6.1.38"},
               {"openssl", "3.0.10"},
               {"busybox", "1.36.1"},
               {"swupdate", "2023.05"},
               {"u-boot", "2023.04"},
               {"zlib", "1.2.13"},
               {"curl", "8.2.1"}}},
             {"4.4.0",
              {{"linux", "6.1.55"},
               {"openssl", "3.0.11"},
               {"busybox", "1.36.1"},
               {"swupdate", "2023.05"},
               {"u-boot", "2023.07"},
               {"zlib", "1.3"},
               {"curl", "8.4.0"}}},
             {"4.4.2",
              {{"linux", "6.1.70"},
               {"openssl", "3.0.13"},
               {"busybox", "1.36.1"},
               {"swupdate", "2023.12"},
               {"u-boot", "2023.10"},
               {"zlib", "1.3.1"},
               {"curl", "8.6.0"}}},
         },
         30},
        {"Northwind Controls",
         "NWC",
         "NW-EG2200",
         "Legacy Gateway",
         "eg2200",
         Kind::LinuxGateway,
         "ddi",
         {"A3"},
         {
             {"3.8.4",
              {{"linux", "4.19.282"},
               {"openssl", "1.1.1t"},
               {"busybox", "1.33.2"},
               {"swupdate", "2021.11"},
               {"u-boot", "2020.04"},
               {"zlib", "1.2.12"}}},
             {"3.9.1",
              {{"linux", "4.19.306"},
               {"openssl", "1.1.1w"},
               {"busybox", "1.33.2"},
               {"swupdate", "2022.05"},
               {"u-boot", "2020.04"},
               {"zlib", "1.2.13"}}},
         },
         10},
        {"Kestrel Automation",
         "KA",
         "KA-IO16",
         "PLC I/O",
         "io16",
         Kind::PlcController,
         "mqtt",
         {"R2", "R3"},
         {
             {"2.0.5",
              {{"zephyr", "3.3.0"}, {"mbedtls", "3.3.0"}, {"paho-mqtt-embedded-c", "1.1.0"}}},
             {"2.1.0",
              {{"zephyr", "3.5.0"}, {"mbedtls", "3.4.1"}, {"paho-mqtt-embedded-c", "1.1.0"}}},
             {"2.1.3",
              {{"zephyr", "3.5.0"}, {"mbedtls", "3.5.2"}, {"paho-mqtt-embedded-c", "1.1.0"}}},
         },
         25},
        {"Brightline Sensing",
         "BLS",
         "BL-SH8",
         "Sensor Hub",
         "sh8",
         Kind::SensorHub,
         "serial",
         {"1.0", "1.1", "2.0"},
         {
             {"1.6.2", {{"zephyr", "3.2.0"}, {"mcuboot", "1.9.0"}, {"tinycbor", "0.6.0"}}},
             {"1.7.0", {{"zephyr", "3.4.0"}, {"mcuboot", "1.10.0"}, {"tinycbor", "0.6.0"}}},
             {"1.8.1", {{"zephyr", "3.5.0"}, {"mcuboot", "2.0.0"}, {"tinycbor", "0.6.0"}}},
         },
         25},
        {"Kestrel Automation",
         "KA",
         "KA-HMI7",
         "Operator Panel",
         "hmi7",
         Kind::OperatorPanel,
         "mqtt",
         {"A", "B"},
         {
             {"5.0.1",
              {{"linux", "6.1.38"},
               {"openssl", "3.0.10"},
               {"qtbase", "6.5.2"},
               {"mosquitto", "2.0.15"},
               {"zlib", "1.2.13"}}},
             {"5.1.0",
              {{"linux", "6.1.70"},
               {"openssl", "3.0.13"},
               {"qtbase", "6.5.3"},
               {"mosquitto", "2.0.18"},
               {"zlib", "1.3.1"}}},
         },
         10},
    }};
    return table;
}

// CPE vendor:product for the packages the NVD knows; others carry only a package URL.
QString cpeFor(const Package &p)
{
    static const std::array<std::pair<const char *, const char *>, 11> known = {{
        {"linux", "o:linux:linux_kernel"},
        {"openssl", "a:openssl:openssl"},
        {"busybox", "a:busybox:busybox"},
        {"u-boot", "a:denx:u-boot"},
        {"zlib", "a:zlib:zlib"},
        {"curl", "a:haxx:curl"},
        {"zephyr", "o:zephyrproject:zephyr"},
        {"mbedtls", "a:arm:mbed_tls"},
        {"mosquitto", "a:eclipse:mosquitto"},
        {"qtbase", "a:qt:qt"},
        {"swupdate", "a:swupdate:swupdate"},
    }};
    for (const auto &[name, product] : known)
        if (qstrcmp(p.name, name) == 0)
            return QStringLiteral("cpe:2.3:%1:%2:*:*:*:*:*:*:*")
                .arg(QLatin1String(product), QLatin1String(p.version));
    return {};
}

QList<Component> componentsOf(const Release &release)
{
    QList<Component> out;
    for (const Package &p : release.packages)
        out << Component{QLatin1String(p.name), QLatin1String(p.version),
                         QStringLiteral("pkg:generic/%1@%2")
                             .arg(QLatin1String(p.name), QLatin1String(p.version)),
                         cpeFor(p)};
    return out;
}

// Index drawn with the given relative weights.
int weighted(QRandomGenerator &random, const QList<int> &weights)
{
    int total = 0;
    for (int w : weights)
        total += w;
    int roll = random.bounded(total);
    for (int i = 0; i < weights.size(); ++i) {
        if (roll < weights[i])
            return i;
        roll -= weights[i];
    }
    return int(weights.size()) - 1;
}

bool chance(QRandomGenerator &random, int percent)
{
    return random.bounded(100) < percent;
}

// Most devices run the current release, a tail still runs older ones.
int releaseIndex(QRandomGenerator &random, int releases)
{
    QList<int> weights(releases, 0);
    weights[releases - 1] = 68;
    if (releases > 1)
        weights[releases - 2] = 22;
    for (int i = 0; i < releases - 2; ++i)
        weights[i] = 10 / (releases - 2);
    return weighted(random, weights);
}

// Boards bought later are the newer revisions, and the later purchases are the larger ones.
int hwRevisionIndex(QRandomGenerator &random, int revisions)
{
    if (revisions == 1)
        return 0;
    if (revisions == 2)
        return weighted(random, {35, 65});
    return weighted(random, {15, 35, 50});
}

QString stateFor(QRandomGenerator &random)
{
    static const QStringList states{
        QStringLiteral("active"),          QStringLiteral("maintenance"),
        QStringLiteral("registered"),      QStringLiteral("quarantined"),
        QStringLiteral("decommissioning"), QStringLiteral("retired")};
    return states.at(weighted(random, {84, 5, 4, 3, 2, 2}));
}

struct FleetDevice
{
    Device device;
    QList<FirmwareChange> history; // oldest first
};

class FleetBuilder
{
public:
    FleetBuilder(quint32 seed, QDateTime now)
        : m_random(seed)
        , m_now(std::move(now))
    {}

    FleetDevice next(int index);

private:
    QMap<QString, QString> configFor(const Model &model, const Site &site, bool pilot);
    QList<FirmwareChange> historyFor(const Model &model, int installed, int current,
                                     const QDateTime &firstSeen);

    QRandomGenerator m_random;
    QDateTime m_now;
    std::array<int, kSites.size()> m_perSite{};
};

QMap<QString, QString> FleetBuilder::configFor(const Model &model, const Site &site, bool pilot)
{
    const QString code = QString::fromLatin1(site.code).toLower();
    QMap<QString, QString> config;
    config.insert(QStringLiteral("update.channel"),
                  pilot ? QStringLiteral("beta") : QStringLiteral("stable"));
    config.insert(QStringLiteral("log.level"),
                  pilot ? QStringLiteral("debug") : QStringLiteral("info"));
    switch (model.kind) {
    case Kind::LinuxGateway:
        config.insert(QStringLiteral("ddi.server"),
                      QStringLiteral("https://updates.%1.fleet.example.internal").arg(code));
        config.insert(QStringLiteral("ddi.poll_interval_s"),
                      pilot ? QStringLiteral("60") : QStringLiteral("300"));
        config.insert(QStringLiteral("ntp.server"),
                      QStringLiteral("ntp.%1.fleet.example.internal").arg(code));
        config.insert(QStringLiteral("watchdog.timeout_s"), QStringLiteral("30"));
        break;
    case Kind::PlcController:
        config.insert(QStringLiteral("mqtt.broker"),
                      QStringLiteral("mqtts://broker.%1.fleet.example.internal:8883").arg(code));
        config.insert(QStringLiteral("mqtt.keepalive_s"), QStringLiteral("60"));
        config.insert(QStringLiteral("io.scan_ms"),
                      chance(m_random, 70) ? QStringLiteral("10") : QStringLiteral("20"));
        break;
    case Kind::SensorHub:
        config.insert(QStringLiteral("serial.baud"), QStringLiteral("115200"));
        config.insert(QStringLiteral("sample.interval_ms"),
                      chance(m_random, 60) ? QStringLiteral("1000") : QStringLiteral("500"));
        config.insert(QStringLiteral("calibration.date"),
                      m_now.date().addDays(-m_random.bounded(20, 400)).toString(Qt::ISODate));
        break;
    case Kind::OperatorPanel:
        config.insert(QStringLiteral("mqtt.broker"),
                      QStringLiteral("mqtts://broker.%1.fleet.example.internal:8883").arg(code));
        config.insert(QStringLiteral("display.brightness"),
                      QString::number(60 + 10 * m_random.bounded(5)));
        config.insert(QStringLiteral("ui.locale"), QLatin1String(site.locale));
        break;
    }
    return config;
}

QList<FirmwareChange> FleetBuilder::historyFor(const Model &model, int installed, int current,
                                               const QDateTime &firstSeen)
{
    const QList<Release> &releases = model.releases;
    QList<FirmwareChange> history;
    history << FirmwareChange{firstSeen, QString(), QLatin1String(releases[installed].version),
                              QStringLiteral("factory")};
    // Updates spread between commissioning and a day ago, in order.
    const qint64 span = firstSeen.secsTo(m_now) - 86400;
    for (int step = installed + 1; step <= current; ++step) {
        const qint64 slot = span / (current - installed + 1);
        const qint64 at = slot * (step - installed) + m_random.bounded(qMax<qint64>(slot / 4, 1));
        history << FirmwareChange{firstSeen.addSecs(at), QLatin1String(releases[step - 1].version),
                                  QLatin1String(releases[step].version), QStringLiteral("demo")};
    }
    return history;
}

FleetDevice FleetBuilder::next(int index)
{
    QList<int> siteWeights;
    for (const Site &s : kSites)
        siteWeights << s.weight;
    QList<int> modelWeights;
    for (const Model &m : models())
        modelWeights << m.weight;

    const int siteIndex = weighted(m_random, siteWeights);
    const Site &site = kSites[siteIndex];
    const Model &model = models()[weighted(m_random, modelWeights)];
    const int perSite = m_perSite[siteIndex]++;
    const int line = 1 + m_random.bounded(4);
    const int releaseCount = int(model.releases.size());
    const int current = releaseIndex(m_random, releaseCount);
    const QList<Release> &releases = model.releases;
    const Release &release = releases[current];

    FleetDevice out;
    Device &d = out.device;
    d.uid = QStringLiteral("%1-%2")
                .arg(QLatin1String(model.uidPrefix))
                .arg(index + 1, 5, 10, QLatin1Char('0'));
    d.vendor = QLatin1String(model.vendor);
    d.model = QLatin1String(model.model);
    d.hwRevision =
        QLatin1String(model.hwRevisions[hwRevisionIndex(m_random, int(model.hwRevisions.size()))]);
    const int year = 2019 + m_random.bounded(6);
    d.serial = QStringLiteral("%1%2-%3")
                   .arg(QLatin1String(model.vendorCode))
                   .arg(year % 100, 2, 10, QLatin1Char('0'))
                   .arg(index * 13 + m_random.bounded(13), 6, 10, QLatin1Char('0'));
    d.site = QLatin1String(site.name);
    d.siteTimeZone = QLatin1String(site.timeZone);
    d.connection = QLatin1String(model.connection);
    d.name = QStringLiteral("%1 Line %2 %3 %4")
                 .arg(QLatin1String(site.code))
                 .arg(line)
                 .arg(QLatin1String(model.role))
                 .arg(perSite + 1, 3, 10, QLatin1Char('0'));
    d.mac = QStringLiteral("02:4E:%1:%2:%3:%4")
                .arg(int(model.kind) + 0x10, 2, 16, QLatin1Char('0'))
                .arg((index >> 8) & 0xFF, 2, 16, QLatin1Char('0'))
                .arg(index & 0xFF, 2, 16, QLatin1Char('0'))
                .arg(m_random.bounded(256), 2, 16, QLatin1Char('0'))
                .toUpper();
    // Sensor hubs hang off a gateway's serial port: no address of their own.
    if (model.kind != Kind::SensorHub) {
        d.ip = QStringLiteral("10.%1.%2.%3")
                   .arg(11 + siteIndex)
                   .arg(perSite / 250)
                   .arg(perSite % 250 + 2);
        d.hostname =
            QStringLiteral("%1-%2-%3")
                .arg(QString::fromLatin1(site.code).toLower(), QLatin1String(model.uidPrefix))
                .arg(perSite + 1, 4, 10, QLatin1Char('0'));
    }

    d.state = stateFor(m_random);
    d.firstSeen =
        m_now.addSecs(-qint64(m_random.bounded(20, 1100)) * 86400 - m_random.bounded(86400));
    const bool retiring =
        d.state == QLatin1String("retired") || d.state == QLatin1String("decommissioning");
    const bool neverSeen = d.state == QLatin1String("registered") && chance(m_random, 50);
    if (neverSeen) {
        d.firstSeen = QDateTime();
        d.online = false;
    } else if (retiring) {
        d.online = false;
        d.lastSeen = m_now.addSecs(-qint64(m_random.bounded(30, 200)) * 86400);
    } else {
        d.online = !chance(m_random, 6);
        d.lastSeen = d.online ? m_now.addSecs(-m_random.bounded(5, 600))
                              : m_now.addSecs(-m_random.bounded(2 * 3600, 21 * 86400));
    }
    if (d.lastSeen.isValid() && d.firstSeen.isValid() && d.lastSeen < d.firstSeen)
        d.firstSeen = d.lastSeen.addDays(-1);

    if (neverSeen || (!d.online && d.lastSeen.isValid() && d.lastSeen.secsTo(m_now) > 7 * 86400))
        d.health = QStringLiteral("unknown");
    else if (d.state == QLatin1String("quarantined"))
        d.health = chance(m_random, 60) ? QStringLiteral("failing") : QStringLiteral("degraded");
    else
        d.health = QList<QString>{QStringLiteral("ok"), QStringLiteral("degraded"),
                                  QStringLiteral("failing"),
                                  QStringLiteral("unknown")}[weighted(m_random, {87, 9, 3, 1})];

    if (neverSeen) {
        // Registered from the purchase order, not yet powered up: factory firmware only.
        d.fwVersion = QLatin1String(releases[0].version);
    } else {
        d.fwVersion = QLatin1String(release.version);
        if (current > 0)
            d.fwPrevious = QLatin1String(releases[current - 1].version);
        d.fwKnownGood =
            d.health == QLatin1String("ok") || d.fwPrevious.isEmpty() ? d.fwVersion : d.fwPrevious;
        const int installed = current - qMin(current, m_random.bounded(3));
        out.history = historyFor(model, installed, current, d.firstSeen);
    }
    d.components = componentsOf(neverSeen ? releases[0] : release);

    const bool pilot = siteIndex == 0 && line == 4 && model.kind != Kind::SensorHub;
    d.config = configFor(model, site, pilot);
    d.groups << QStringLiteral("line-%1").arg(line);
    if (pilot)
        d.groups << QStringLiteral("pilot-lab");
    else if (d.state == QLatin1String("active") && chance(m_random, 3))
        d.groups << QStringLiteral("canary");

    if (chance(m_random, 10))
        d.tags << QStringLiteral("critical-path");
    if (model.kind == Kind::SensorHub && chance(m_random, 15))
        d.tags << QStringLiteral("outdoor");
    if (model.kind == Kind::LinuxGateway && chance(m_random, 20))
        d.tags << QStringLiteral("battery-backed");
    if (model.kind == Kind::SensorHub && d.health == QLatin1String("degraded"))
        d.tags << QStringLiteral("needs-recalibration");
    if (d.fwVersion == QLatin1String("3.8.4") || d.fwVersion == QLatin1String("3.9.1"))
        d.tags << QStringLiteral("cve-review"); // OpenSSL 1.1.1 is out of support
    if (d.state == QLatin1String("maintenance"))
        d.tags << QStringLiteral("spare-parts-pending");

    if (d.state == QLatin1String("quarantined"))
        d.notes = QStringLiteral("Quarantined after repeated watchdog resets; do not update "
                                 "until the board has been inspected.");
    else if (d.state == QLatin1String("maintenance"))
        d.notes = QStringLiteral("Power supply being replaced during the next planned stop.");
    else if (chance(m_random, 4))
        d.notes = QStringLiteral("Mounted above the coolant pump: expect short Wi-Fi drop-outs.");
    return out;
}

const char *groupDescription(const QString &group)
{
    if (group == QLatin1String("pilot-lab"))
        return "Karlsruhe line 4 test cell: gets beta firmware first";
    if (group == QLatin1String("canary"))
        return "Production devices that take each release a day before the rest";
    return "Devices on this production line across all plants";
}

} // namespace

Status DemoFleet::seed(SqliteDatabase &db, AuditLog &audit, const Clock &clock, Options options)
{
    if (options.devices < 1 || options.devices > 1000000)
        return Error::invalid(
            QStringLiteral("A demo fleet has 1 to 1,000,000 devices, not %1").arg(options.devices));
    DeviceRepository repo(db);
    auto existing = repo.count();
    if (!existing)
        return existing.status();
    if (existing.value() > 0)
        return Error::invalid(
            QStringLiteral("The workspace already has %1 devices: the demo fleet only goes into "
                           "an empty workspace")
                .arg(existing.value()));

    AuditedChange change(db, audit);
    if (!change.beginStatus())
        return change.beginStatus();

    FleetBuilder builder(options.seed, clock.nowUtc());
    for (int i = 0; i < options.devices; ++i) {
        const FleetDevice fleetDevice = builder.next(i);
        auto written = repo.upsert(fleetDevice.device);
        if (!written)
            return written.status();
        for (const FirmwareChange &update : fleetDevice.history)
            if (Status s = repo.recordFirmwareChange(written->id, update); !s)
                return s;
    }
    auto groups = repo.groupNames();
    if (!groups)
        return groups.status();
    for (const QString &group : groups.value())
        if (Status s = db.execute(
                QStringLiteral("UPDATE device_groups SET description = ? WHERE name = ?"),
                {QString::fromUtf8(groupDescription(group)), group});
            !s)
            return s;

    QJsonObject after;
    after.insert(QStringLiteral("devices"), options.devices);
    after.insert(QStringLiteral("seed"), qint64(options.seed));
    after.insert(QStringLiteral("sites"), int(kSites.size()));
    if (Status s = change.record({QStringLiteral("workspace.seed-demo"),
                                  QStringLiteral("workspace"),
                                  QFileInfo(db.path()).fileName(),
                                  {},
                                  after,
                                  QStringLiteral("Demo fleet for evaluation")});
        !s)
        return s;
    return change.commit();
}

} // namespace fleet
