#include "WaveSplit.h"

#include <QSet>
#include <QStringList>

namespace fleet {

Result<WaveSplit> WaveSplit::byCount(qint64 devicesPerWave)
{
    if (devicesPerWave < 1)
        return Error::invalid(
            QStringLiteral("A wave needs at least one device, not %1").arg(devicesPerWave));
    WaveSplit s;
    s.m_kind = Kind::ByCount;
    s.m_devicesPerWave = devicesPerWave;
    return s;
}

Result<WaveSplit> WaveSplit::byCumulativePercent(const QList<int> &steps)
{
    if (steps.isEmpty())
        return Error::invalid(QStringLiteral("Give at least one cumulative percentage (e.g. 100)"));
    int previous = 0;
    for (int p : steps) {
        if (p <= previous || p > 100)
            return Error::invalid(
                QStringLiteral("Cumulative percentages must rise within 1..100: %1 after %2")
                    .arg(p)
                    .arg(previous));
        previous = p;
    }
    if (steps.back() != 100)
        return Error::invalid(
            QStringLiteral("Cumulative percentages must end at 100, or %1 % of the devices would "
                           "never be updated")
                .arg(100 - steps.back()));
    WaveSplit s;
    s.m_kind = Kind::ByCumulativePercent;
    s.m_percentSteps = steps;
    return s;
}

Result<WaveSplit> WaveSplit::byGroup(const QList<WaveGroup> &groups)
{
    if (groups.isEmpty())
        return Error::invalid(QStringLiteral("Name at least one group to split the waves by"));
    QSet<QString> names;
    for (const WaveGroup &g : groups) {
        if (g.name.trimmed().isEmpty())
            return Error::invalid(QStringLiteral("A wave group needs a name"));
        if (names.contains(g.name))
            return Error::invalid(QStringLiteral("The group '%1' is listed twice").arg(g.name));
        names.insert(g.name);
    }
    WaveSplit s;
    s.m_kind = Kind::ByGroup;
    s.m_groups = groups;
    return s;
}

QString WaveSplit::describe() const
{
    switch (m_kind) {
    case Kind::ByCount:
        return QStringLiteral("waves of %1 devices").arg(m_devicesPerWave);
    case Kind::ByCumulativePercent: {
        QStringList steps;
        for (int p : m_percentSteps)
            steps << QString::number(p);
        return QStringLiteral("cumulative %1 %").arg(steps.join(QLatin1String(", ")));
    }
    case Kind::ByGroup: {
        QStringList names;
        for (const WaveGroup &g : m_groups)
            names << g.name;
        return QStringLiteral("one wave per group: %1").arg(names.join(QLatin1String(", ")));
    }
    }
    return {};
}

} // namespace fleet
