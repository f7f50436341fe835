#include "InventoryDataset.h"

#include <QDateTime>
#include <QFile>
#include <QRandomGenerator>
#include <array>

namespace fleet::bench {

namespace {

constexpr std::array kTimeZones = {"Europe/Berlin", "America/Chicago",   "Asia/Singapore",
                                   "Europe/London", "America/Sao_Paulo", "Australia/Sydney",
                                   "Asia/Tokyo",    "America/New_York"};
constexpr std::array kModels = {"GW-4000", "GW-4100", "GW-5000", "IO-220", "IO-240", "IO-260",
                                "SH-10",   "SH-12",   "MC-700",  "MC-710", "CAM-3",  "PWR-9"};
constexpr std::array kStates = {"active", "active",      "active",     "active",     "active",
                                "active", "maintenance", "registered", "quarantined"};
constexpr std::array kHealth = {"ok", "ok", "ok", "ok", "ok", "degraded", "failing", "unknown"};
constexpr std::array kConnections = {"mqtt", "ddi", "serial"};

} // namespace

InventoryDataset InventoryDataset::generate(int devices, quint32 seed)
{
    InventoryDataset data;
    QRandomGenerator rng(seed);
    const qint64 now = QDateTime(QDate(2026, 11, 24), QTime(12, 0), Qt::UTC).toMSecsSinceEpoch();
    data.m_rows.reserve(size_t(devices));
    for (int i = 0; i < devices; ++i) {
        Row r;
        const int model = int(rng.bounded(int(kModels.size())));
        const int site = int(rng.bounded(40));
        r.uid = QByteArray("dev-") + QByteArray::number(i).rightJustified(7, '0');
        r.name = QByteArray(kModels[size_t(model)]) + "-line" + QByteArray::number(site % 9 + 1) +
                 "-" + QByteArray::number(i);
        r.serial =
            "SN" + QByteArray::number(rng.generate64() % 10000000000ULL).rightJustified(10, '0');
        r.vendor = model < 6 ? "Northwind Controls" : "Contoso Devices";
        r.model = kModels[size_t(model)];
        r.hwRevision = QByteArray(1, char('A' + rng.bounded(4)));
        r.fwVersion =
            "3." + QByteArray::number(rng.bounded(6)) + "." + QByteArray::number(rng.bounded(5));
        const quint32 a = rng.generate();
        r.mac = QByteArray::number(0x020000000000ULL | (quint64(a) << 8) | quint64(i & 0xff), 16)
                    .rightJustified(12, '0');
        for (int k = 10; k > 0; k -= 2)
            r.mac.insert(k, ':');
        r.ip = "10." + QByteArray::number(site) + "." + QByteArray::number((i >> 8) & 0xff) + "." +
               QByteArray::number(i & 0xff);
        r.hostname = r.uid + ".plant" + QByteArray::number(site) + ".example";
        r.connection = kConnections[size_t(model % 3)];
        r.site = "Plant " + QByteArray::number(site);
        r.timeZone = kTimeZones[size_t(site) % kTimeZones.size()];
        r.state = kStates[rng.bounded(int(kStates.size()))];
        r.health = kHealth[rng.bounded(int(kHealth.size()))];
        r.online = rng.bounded(100) >= 8;
        r.lastSeenMs = now - qint64(rng.bounded(30 * 24 * 3600)) * 1000;
        r.lastSeenIso =
            QDateTime::fromMSecsSinceEpoch(r.lastSeenMs, Qt::UTC).toString(Qt::ISODate).toLatin1();
        data.m_rows.push_back(std::move(r));
    }
    data.m_sampleModel = QStringLiteral("IO-240");
    data.m_sampleSearch = QStringLiteral("line4");
    return data;
}

bool InventoryDataset::writeCsv(const QString &path) const
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    QByteArray buffer;
    buffer.reserve(1 << 20);
    buffer += "uid,name,serial,vendor,model,hw_revision,fw_version,mac,ip,hostname,connection,"
              "site,time_zone,state,online,health,last_seen\n";
    for (const Row &r : m_rows) {
        buffer += r.uid + ',' + r.name + ',' + r.serial + ',' + r.vendor + ',' + r.model + ',' +
                  r.hwRevision + ',' + r.fwVersion + ',' + r.mac + ',' + r.ip + ',' + r.hostname +
                  ',' + r.connection + ',' + r.site + ',' + r.timeZone + ',' + r.state + ',' +
                  (r.online ? "true" : "false") + ',' + r.health + ',' + r.lastSeenIso + '\n';
        if (buffer.size() > (1 << 20) - 4096) {
            if (f.write(buffer) != buffer.size())
                return false;
            buffer.clear();
        }
    }
    return f.write(buffer) == buffer.size() && f.flush();
}

} // namespace fleet::bench
