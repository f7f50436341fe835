#pragma once

#include <QString>
#include <QStringList>

namespace fleet {

// One wave of a plan: its devices, in the order the engine starts them.
struct PlannedWave
{
    QString name; // "Pilot", "Wave 1 (up to 10 %)", "Wave 2: line-B", ...
    bool isPilot = false;
    QStringList deviceUids;
    friend bool operator==(const PlannedWave &, const PlannedWave &) = default;
};

} // namespace fleet
