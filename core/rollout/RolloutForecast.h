#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

namespace fleet {

// The projected timeline of a rollout plan (what RolloutForecaster computes): when each wave is
// expected to start and finish, and when each device is expected to start. Shown in the
// rollout wizard before a rollout starts and printed by "fleetctl rollout plan".
class RolloutForecast
{
public:
    struct Wave
    {
        QString name;
        qint64 devices = 0;
        qint64 scheduled = 0; // devices with an expected start
        QDateTime readyAt;    // when the previous wave (and the pause after it) is done
        QDateTime firstStart; // invalid when no device of the wave could be scheduled
        QDateTime lastFinish; // invalid when no device of the wave could be scheduled
    };
    struct Device
    {
        QString uid;
        int wave = -1;
        QDateTime start;  // invalid when not scheduled
        QDateTime finish; // start + expected duration
        QString notScheduledReason;
        // No maintenance window applies (no site, or a site without a schedule): the wizard
        // says so, since such a device may be updated at any hour.
        bool withoutWindow = false;
    };

    RolloutForecast() = default;
    RolloutForecast(QList<Wave> waves, QList<Device> devices);

    const QList<Wave> &waves() const { return m_waves; }
    // In plan order: pilot first, then wave by wave.
    const QList<Device> &devices() const { return m_devices; }
    const Device *device(const QString &uid) const;
    qint64 notScheduledCount() const;
    qint64 withoutWindowCount() const;
    // When the last scheduled device is expected to finish; invalid if none was scheduled.
    QDateTime end() const;

private:
    QList<Wave> m_waves;
    QList<Device> m_devices;
    QHash<QString, qsizetype> m_indexOfDevice;
};

} // namespace fleet
