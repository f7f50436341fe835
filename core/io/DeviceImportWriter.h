#pragma once

#include "inventory/Device.h"
#include "inventory/DeviceColumns.h"
#include "inventory/DeviceRepository.h"
#include "util/Result.h"

#include <QHash>
#include <QString>
#include <functional>

namespace fleet {

class SqliteDatabase;

// Writes imported devices, shared by the CSV and JSON importers. A record gives some fields;
// a device that already exists (same uid) keeps every field the record does not give. Tags,
// groups, components and configuration that a record gives replace the device's.
//
// Also finds what only shows across records: a device id used twice, a site given two time
// zones. The importers run it inside their transaction and roll back if any record failed;
// for a dry run it reads but never writes.
class DeviceImportWriter
{
public:
    // Fields a record can give: the DeviceColumns columns plus these two.
    enum ExtraField { Components = DeviceColumns::Count, Config };
    static constexpr quint32 fieldBit(int field) { return quint32(1) << field; }

    // `describeRecord(n)` names record n in messages: "line 12", "device [3]".
    DeviceImportWriter(SqliteDatabase &db, bool dryRun,
                       std::function<QString(qint64)> describeRecord);

    // Looks at the workspace once before the first record: an empty one needs no look-ups.
    Status start();

    // Writes (or, for a dry run, checks and counts) one record. An error is about this record
    // and names it as a person would fix it; the caller reports it and goes on with the next.
    Status write(Device incoming, quint32 givenFields, qint64 record);
    // Notes a record that failed validation, so that its device id still counts as used.
    // Returns the duplicate-id message when the id was used by an earlier record.
    QString reject(const QString &uid, qint64 record);

    qint64 created() const { return m_created; }
    qint64 updated() const { return m_updated; }
    DeviceRepository &repository() { return m_repo; }

private:
    Result<std::optional<qint64>> earlierRecordFor(const QString &uid);
    QString duplicateMessage(const QString &uid, qint64 earlierRecord) const;
    Status settleSiteZone(Device &target, quint32 givenFields, qint64 record);
    Status replaceWhatWasGiven(qint64 id, const Device &before, const Device &after,
                               quint32 givenFields);

    SqliteDatabase &m_db;
    DeviceRepository m_repo;
    bool m_dryRun;
    std::function<QString(qint64)> m_describe;
    bool m_workspaceWasEmpty = false;
    qint64 m_created = 0;
    qint64 m_updated = 0;
    // Written rows by row id -> record, to find a uid used twice without keeping every uid.
    QHash<qint64, qint64> m_recordOfRow;
    // Dry runs write no rows, so they remember uids instead.
    QHash<QString, qint64> m_recordOfUid;
    QHash<QString, qint64> m_rejectedUids;
    struct SiteZone
    {
        QString zone;
        qint64 record = 0;
    };
    QHash<QString, SiteZone> m_siteZones;
};

} // namespace fleet
