#pragma once

#include "rollout/RolloutStatus.h"
#include "util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace fleet {

class SqliteDatabase;

// Everything a rollout's record holds at one moment: its header (release, test gate, approval),
// the results per wave, every device's final state and the whole timeline.
struct RolloutHistory
{
    RolloutStatus status;
    QList<RolloutDeviceStatus> devices;
    QList<RolloutEvent> events;
    qint64 exportedMs = 0;
};

// A rollout's history as a file an auditor or a spreadsheet can read, long after the workspace
// moved on: JSON (one document, machine-readable) or CSV (four sections, each with its own
// header row whose first cell is "section", so a spreadsheet filter on column A shows one part).
// Times are ISO 8601 in UTC. No widgets: fleetctl can offer the same export.
class RolloutHistoryExport
{
public:
    enum class Format { Csv, Json };

    // Reads the rollout's record through RolloutStatusReader on `db`.
    static Result<RolloutHistory> read(SqliteDatabase &db, qint64 rolloutId, qint64 nowMs);

    static QJsonObject toJson(const RolloutHistory &history);
    static QByteArray toCsv(const RolloutHistory &history);
    // The format a file name asks for: ".json" is JSON, ".csv" is CSV, anything else refused.
    static Result<Format> formatFor(const QString &path);
    // Writes the whole file or nothing (a QSaveFile): a failed export never leaves half a file.
    static Status write(const RolloutHistory &history, const QString &path, Format format);

    // "2026-11-25T01:02:03.004Z"; empty for no time.
    static QString isoTime(const std::optional<qint64> &ms);
};

} // namespace fleet
