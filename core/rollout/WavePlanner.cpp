#include "WavePlanner.h"

#include <QSet>

namespace fleet {

namespace {

Status checkUids(const QStringList &uids, const QString &listName)
{
    for (qsizetype i = 0; i < uids.size(); ++i)
        if (uids[i].trimmed().isEmpty())
            return Error::invalid(QStringLiteral("The %1 has an empty device uid at position %2")
                                      .arg(listName)
                                      .arg(i + 1));
    return Status::success();
}

void splitByCount(const QStringList &rest, qint64 perWave, QList<PlannedWave> &waves)
{
    int number = 0;
    for (qsizetype from = 0; from < rest.size(); from += perWave) {
        PlannedWave wave;
        wave.name = QStringLiteral("Wave %1").arg(++number);
        wave.deviceUids = rest.mid(from, perWave);
        waves.append(wave);
    }
}

void splitByPercent(const QStringList &rest, const QList<int> &steps, QList<PlannedWave> &waves)
{
    const qint64 n = rest.size();
    qint64 from = 0;
    int number = 0;
    for (int p : steps) {
        // ceil(p × n / 100) in integers.
        const qint64 upTo = (qint64(p) * n + 99) / 100;
        if (upTo <= from)
            continue;
        PlannedWave wave;
        wave.name = QStringLiteral("Wave %1 (up to %2 %)").arg(++number).arg(p);
        wave.deviceUids = rest.mid(from, upTo - from);
        waves.append(wave);
        from = upTo;
    }
}

void splitByGroup(const QStringList &rest, const QList<WaveGroup> &groups,
                  QList<PlannedWave> &waves, QList<ExcludedDevice> &excluded)
{
    QHash<QString, int> firstGroup;
    QStringList names;
    for (int g = 0; g < groups.size(); ++g) {
        names << groups[g].name;
        for (const QString &uid : groups[g].deviceUids)
            if (!firstGroup.contains(uid))
                firstGroup.insert(uid, g);
    }
    QList<QStringList> members(groups.size());
    for (const QString &uid : rest) {
        const int g = firstGroup.value(uid, -1);
        if (g < 0)
            excluded.append({uid, QStringLiteral("not in any of the wave groups (%1)")
                                      .arg(names.join(QLatin1String(", ")))});
        else
            members[g].append(uid);
    }
    int number = 0;
    for (int g = 0; g < groups.size(); ++g) {
        if (members[g].isEmpty())
            continue;
        PlannedWave wave;
        wave.name = QStringLiteral("Wave %1: %2").arg(++number).arg(groups[g].name);
        wave.deviceUids = members[g];
        waves.append(wave);
    }
}

} // namespace

Result<WavePlan> WavePlanner::plan(const QStringList &targets, const QStringList &pilot,
                                   const QList<ExcludedDevice> &excludedIn, const WaveSplit &split)
{
    if (Status s = checkUids(targets, QStringLiteral("target list")); !s)
        return s.error();
    if (Status s = checkUids(pilot, QStringLiteral("pilot")); !s)
        return s.error();

    // Merge the reasons of a device excluded more than once, keeping first-seen order.
    QList<ExcludedDevice> excluded;
    QHash<QString, qsizetype> excludedAt;
    for (const ExcludedDevice &e : excludedIn) {
        if (e.deviceUid.trimmed().isEmpty())
            return Error::invalid(QStringLiteral("An excluded device has an empty uid"));
        const QString reason =
            e.reason.trimmed().isEmpty() ? QStringLiteral("no reason given") : e.reason.trimmed();
        if (const auto it = excludedAt.constFind(e.deviceUid); it != excludedAt.cend()) {
            ExcludedDevice &known = excluded[*it];
            if (!known.reason.split(QLatin1String("; ")).contains(reason))
                known.reason += QLatin1String("; ") + reason;
            continue;
        }
        excludedAt.insert(e.deviceUid, excluded.size());
        excluded.append({e.deviceUid, reason});
    }

    QSet<QString> placed;
    QList<PlannedWave> waves;
    PlannedWave pilotWave;
    pilotWave.name = QStringLiteral("Pilot");
    pilotWave.isPilot = true;
    for (const QString &uid : pilot) {
        if (excludedAt.contains(uid) || placed.contains(uid))
            continue;
        placed.insert(uid);
        pilotWave.deviceUids.append(uid);
    }
    if (!pilotWave.deviceUids.isEmpty())
        waves.append(pilotWave);

    QStringList rest;
    for (const QString &uid : targets) {
        if (excludedAt.contains(uid) || placed.contains(uid))
            continue;
        placed.insert(uid);
        rest.append(uid);
    }

    switch (split.kind()) {
    case WaveSplit::Kind::ByCount:
        splitByCount(rest, split.devicesPerWave(), waves);
        break;
    case WaveSplit::Kind::ByCumulativePercent:
        splitByPercent(rest, split.percentSteps(), waves);
        break;
    case WaveSplit::Kind::ByGroup:
        splitByGroup(rest, split.groups(), waves, excluded);
        break;
    }
    return WavePlan(std::move(waves), std::move(excluded));
}

} // namespace fleet
