#include "DeviceImportWriter.h"

#include "storage/SqliteDatabase.h"

namespace fleet {

namespace {

bool has(quint32 given, int field)
{
    return (given & DeviceImportWriter::fieldBit(field)) != 0;
}

// Copies the fields a record gives onto the device as it is stored.
void overlay(Device &target, Device &&incoming, quint32 given)
{
    if (has(given, DeviceColumns::Name))
        target.name = std::move(incoming.name);
    if (has(given, DeviceColumns::Serial))
        target.serial = std::move(incoming.serial);
    if (has(given, DeviceColumns::Vendor))
        target.vendor = std::move(incoming.vendor);
    if (has(given, DeviceColumns::Model))
        target.model = std::move(incoming.model);
    if (has(given, DeviceColumns::HwRevision))
        target.hwRevision = std::move(incoming.hwRevision);
    if (has(given, DeviceColumns::Firmware))
        target.fwVersion = std::move(incoming.fwVersion);
    if (has(given, DeviceColumns::PreviousFirmware))
        target.fwPrevious = std::move(incoming.fwPrevious);
    if (has(given, DeviceColumns::KnownGoodFirmware))
        target.fwKnownGood = std::move(incoming.fwKnownGood);
    if (has(given, DeviceColumns::Site))
        target.site = std::move(incoming.site);
    if (has(given, DeviceColumns::TimeZone))
        target.siteTimeZone = std::move(incoming.siteTimeZone);
    if (has(given, DeviceColumns::State))
        target.state = std::move(incoming.state);
    if (has(given, DeviceColumns::Online))
        target.online = incoming.online;
    if (has(given, DeviceColumns::Health))
        target.health = std::move(incoming.health);
    if (has(given, DeviceColumns::LastSeen))
        target.lastSeen = incoming.lastSeen;
    if (has(given, DeviceColumns::FirstSeen))
        target.firstSeen = incoming.firstSeen;
    if (has(given, DeviceColumns::Connection))
        target.connection = std::move(incoming.connection);
    if (has(given, DeviceColumns::Mac))
        target.mac = std::move(incoming.mac);
    if (has(given, DeviceColumns::Ip))
        target.ip = std::move(incoming.ip);
    if (has(given, DeviceColumns::Hostname))
        target.hostname = std::move(incoming.hostname);
    if (has(given, DeviceColumns::ConfigHash))
        target.configHash = std::move(incoming.configHash);
    if (has(given, DeviceColumns::Notes))
        target.notes = std::move(incoming.notes);
    // DeviceRepository::upsert only adds tags and groups and only replaces non-empty
    // components and configuration: what is not given is left out so it is not rewritten.
    if (has(given, DeviceColumns::Tags))
        target.tags = std::move(incoming.tags);
    else
        target.tags.clear();
    if (has(given, DeviceColumns::Groups))
        target.groups = std::move(incoming.groups);
    else
        target.groups.clear();
    if (has(given, DeviceImportWriter::Components))
        target.components = std::move(incoming.components);
    else
        target.components.clear();
    if (has(given, DeviceImportWriter::Config))
        target.config = std::move(incoming.config);
    else
        target.config.clear();
}

} // namespace

DeviceImportWriter::DeviceImportWriter(SqliteDatabase &db, bool dryRun,
                                       std::function<QString(qint64)> describeRecord)
    : m_db(db)
    , m_repo(db)
    , m_dryRun(dryRun)
    , m_describe(std::move(describeRecord))
{}

Status DeviceImportWriter::start()
{
    auto any = m_db.scalar(QStringLiteral("SELECT EXISTS (SELECT 1 FROM devices)"));
    if (!any)
        return any.status();
    m_workspaceWasEmpty = any.value().toLongLong() == 0;
    return {};
}

QString DeviceImportWriter::duplicateMessage(const QString &uid, qint64 earlierRecord) const
{
    return QStringLiteral("Device id '%1' is used twice: also on %2")
        .arg(uid, m_describe(earlierRecord));
}

Result<std::optional<qint64>> DeviceImportWriter::earlierRecordFor(const QString &uid)
{
    if (const auto it = m_rejectedUids.constFind(uid); it != m_rejectedUids.cend())
        return std::optional<qint64>(it.value());
    if (m_dryRun) {
        if (const auto it = m_recordOfUid.constFind(uid); it != m_recordOfUid.cend())
            return std::optional<qint64>(it.value());
        return std::optional<qint64>();
    }
    if (m_recordOfRow.isEmpty())
        return std::optional<qint64>();
    auto id = m_repo.idForUid(uid);
    if (!id)
        return id.error();
    if (!id.value())
        return std::optional<qint64>();
    if (const auto it = m_recordOfRow.constFind(*id.value()); it != m_recordOfRow.cend())
        return std::optional<qint64>(it.value());
    return std::optional<qint64>();
}

QString DeviceImportWriter::reject(const QString &uid, qint64 record)
{
    if (uid.isEmpty())
        return {};
    auto earlier = earlierRecordFor(uid);
    if (!earlier)
        return earlier.message();
    if (earlier.value())
        return duplicateMessage(uid, *earlier.value());
    m_rejectedUids.insert(uid, record);
    return {};
}

Status DeviceImportWriter::settleSiteZone(Device &target, quint32 givenFields, qint64 record)
{
    // Without a time zone the site keeps its own (a new site starts on UTC).
    if (!has(givenFields, DeviceColumns::TimeZone))
        target.siteTimeZone.clear();
    if (target.siteTimeZone.isEmpty())
        return {};
    if (target.site.isEmpty())
        return Error::invalid(
            QStringLiteral("Time zone '%1' is given but the device has no site: the time zone "
                           "belongs to a site")
                .arg(target.siteTimeZone));
    const auto it = m_siteZones.constFind(target.site);
    if (it == m_siteZones.cend()) {
        m_siteZones.insert(target.site, {target.siteTimeZone, record});
        return {};
    }
    if (it->zone != target.siteTimeZone)
        return Error::invalid(
            QStringLiteral("Site '%1' is given time zone '%2' here but '%3' on %4")
                .arg(target.site, target.siteTimeZone, it->zone, m_describe(it->record)));
    // Already set by an earlier record: saves DeviceRepository::ensureSite an UPDATE per row.
    target.siteTimeZone.clear();
    return {};
}

Status DeviceImportWriter::replaceWhatWasGiven(qint64 id, const Device &before, const Device &after,
                                               quint32 givenFields)
{
    if (has(givenFields, DeviceColumns::Tags)) {
        for (const QString &tag : before.tags)
            if (!after.tags.contains(tag))
                if (Status s = m_repo.removeTag(id, tag); !s)
                    return s;
    }
    if (has(givenFields, DeviceColumns::Groups)) {
        for (const QString &group : before.groups) {
            if (after.groups.contains(group))
                continue;
            auto groupId = m_repo.groupId(group);
            if (!groupId)
                return groupId.status();
            if (groupId.value())
                if (Status s = m_repo.removeFromGroup(id, *groupId.value()); !s)
                    return s;
        }
    }
    if (has(givenFields, Components) && after.components.isEmpty() && !before.components.isEmpty())
        if (Status s = m_repo.replaceComponents(id, {}); !s)
            return s;
    if (has(givenFields, Config) && after.config.isEmpty() && !before.config.isEmpty())
        if (Status s = m_repo.replaceConfig(id, {}); !s)
            return s;
    return {};
}

Status DeviceImportWriter::write(Device incoming, quint32 givenFields, qint64 record)
{
    const QString uid = incoming.uid;
    if (!m_rejectedUids.isEmpty())
        if (const auto it = m_rejectedUids.constFind(uid); it != m_rejectedUids.cend())
            return Error::invalid(duplicateMessage(uid, it.value()));
    if (m_dryRun)
        if (const auto it = m_recordOfUid.constFind(uid); it != m_recordOfUid.cend())
            return Error::invalid(duplicateMessage(uid, it.value()));

    std::optional<Device> existing;
    if (!m_workspaceWasEmpty) {
        auto id = m_repo.idForUid(uid);
        if (!id)
            return id.status();
        if (id.value()) {
            if (const auto it = m_recordOfRow.constFind(*id.value()); it != m_recordOfRow.cend())
                return Error::invalid(duplicateMessage(uid, it.value()));
            // A dry run only needs the stored device to check a time zone against its site.
            const bool needsStored = !m_dryRun || (has(givenFields, DeviceColumns::TimeZone) &&
                                                   !has(givenFields, DeviceColumns::Site));
            if (needsStored) {
                auto loaded = m_repo.load(*id.value());
                if (!loaded)
                    return loaded.status();
                existing = std::move(loaded.value());
            } else {
                existing = Device();
            }
        }
    }

    Device target;
    if (existing) {
        target = *existing;
        overlay(target, std::move(incoming), givenFields);
    } else {
        target = std::move(incoming);
    }
    if (Status s = settleSiteZone(target, givenFields, record); !s)
        return s;

    if (m_dryRun) {
        m_recordOfUid.insert(uid, record);
        ++(existing ? m_updated : m_created);
        return {};
    }

    auto written = m_repo.upsert(target);
    if (!written)
        return written.status();
    if (!written->created && !existing) {
        // The workspace had no devices, so this row was written by an earlier record.
        return Error::invalid(duplicateMessage(uid, m_recordOfRow.value(written->id)));
    }
    m_recordOfRow.insert(written->id, record);
    if (existing) {
        if (Status s = replaceWhatWasGiven(written->id, *existing, target, givenFields); !s)
            return s;
        ++m_updated;
    } else {
        ++m_created;
    }
    return {};
}

} // namespace fleet
