#pragma once

#include "rollout/DriftDetector.h"
#include "util/Result.h"

#include <QList>

namespace fleet {

class Clock;
class SqliteDatabase;

// Compares, device after device, what the server wants a device on (devices.fw_assigned), what
// the device reports and what is being installed, with its recent firmware history and install
// attempts (DriftDetector), and keeps the findings in device_drift for the device table and the
// rollout views. The engine runner scans a slice of the fleet on every tick and wraps around,
// so a million devices are compared every few minutes without a long transaction.
class DriftScanner
{
public:
    DriftScanner(SqliteDatabase &db, const Clock &clock, DriftSettings settings = {});

    // Inspects the next `limit` devices (by id, wrapping at the end) and rewrites their
    // findings in one transaction. Returns the number of devices inspected.
    Result<int> scanNext(int limit);
    // Inspects one device now and stores its findings.
    Result<QList<DriftFinding>> scanDevice(qint64 deviceId);

    // What DriftDetector needs about one device, read from the workspace.
    Result<DeviceVersionState> gather(qint64 deviceId);

private:
    Status store(qint64 deviceId, const QList<DriftFinding> &findings);

    SqliteDatabase &m_db;
    const Clock &m_clock;
    DriftDetector m_detector;
    qint64 m_cursor = 0;
};

} // namespace fleet
