#pragma once

#include "inventory/Device.h"
#include "storage/SqliteStatement.h"
#include "util/Result.h"

#include <optional>

namespace fleet {

class SqliteDatabase;

// Reads and writes devices and what hangs off them (site, tags, groups, SBOM, configuration,
// firmware history). It does not open transactions or audit: callers (InventoryService, the
// importers) wrap its calls in one transaction with the matching audit entries.
class DeviceRepository
{
public:
    explicit DeviceRepository(SqliteDatabase &db);

    struct Upserted
    {
        qint64 id = 0;
        bool created = false;
    };
    // The only place devices are inserted (it also indexes them for search).
    // Inserts the device, or updates the one with the same uid. Writes the device row, its site
    // (created if new), and adds its tags and groups (existing ones are kept). Components and
    // configuration are replaced when the device carries any; an update without configuration
    // keeps the stored configuration hash unless the device carries a (reported) hash.
    Result<Upserted> upsert(const Device &device);

    Result<std::optional<qint64>> idForUid(const QString &uid);
    // The whole device, with tags, groups, components and configuration.
    Result<Device> load(qint64 id);
    Result<Device> loadByUid(const QString &uid);

    Status setState(qint64 id, const QString &state);
    Status setNotes(qint64 id, const QString &notes);
    Status addTag(qint64 id, const QString &tag);
    Status removeTag(qint64 id, const QString &tag);
    Status addToGroup(qint64 id, qint64 groupId);
    Status removeFromGroup(qint64 id, qint64 groupId);
    Status replaceComponents(qint64 id, const QList<Component> &components);
    // Replaces the configuration and stores its hash (see configurationHash()).
    Status replaceConfig(qint64 id, const QMap<QString, QString> &config);
    Status recordFirmwareChange(qint64 id, const FirmwareChange &change);
    Result<QList<FirmwareChange>> firmwareHistory(qint64 id);

    Result<qint64> ensureSite(const QString &name, const QString &timeZone);
    Result<qint64> ensureGroup(const QString &name);
    Result<std::optional<qint64>> groupId(const QString &name);

    Result<qint64> count();
    Result<QStringList> groupNames();
    Result<QStringList> siteNames();

    // SHA-256 (hex) over "key=value\n" lines (UTF-8) sorted by key, with backslashes and newlines
    // backslash-escaped in keys and values and '=' escaped in keys: equal configurations hash
    // equal, different ones differ.
    static QString configurationHash(const QMap<QString, QString> &config);

private:
    Result<SqliteStatement *> cached(int slot, const char *sql);
    // Adds a new device to the full-text index (see Migrations: no insert trigger, for speed).
    Status indexForSearch(qint64 id, const Device &device);

    SqliteDatabase &m_db;
    // Prepared once and reused: bulk imports call upsert() a million times.
    SqliteStatement m_statements[14];
};

} // namespace fleet
