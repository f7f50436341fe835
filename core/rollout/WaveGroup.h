#pragma once

#include <QString>
#include <QStringList>

namespace fleet {

// A named set of devices that forms one wave when a plan is split by group (e.g. a site, a
// production line). Only membership matters here: the order comes from the target list.
struct WaveGroup
{
    QString name;
    QStringList deviceUids;
};

} // namespace fleet
