#include "WaveVerdict.h"

#include <QStringList>
#include <algorithm>

namespace fleet {

namespace {

// "30.0 %": part/whole as a percentage with one decimal, rounded half up, in integers.
QString percentText(qint64 part, qint64 whole)
{
    if (whole <= 0)
        return QStringLiteral("0.0 %");
    const qint64 tenths = (part * 2000 + whole) / (2 * whole);
    return QStringLiteral("%1.%2 %").arg(tenths / 10).arg(tenths % 10);
}

QString devices(qint64 n)
{
    return n == 1 ? QStringLiteral("1 device") : QStringLiteral("%1 devices").arg(n);
}

// "wave of 100 devices: 28 succeeded, 12 failed, 60 not finished"
QString summary(const WaveCounts &c)
{
    QStringList parts;
    parts << QStringLiteral("%1 succeeded").arg(c.succeeded);
    QStringList failures;
    if (c.failed)
        failures << QStringLiteral("%1 failed").arg(c.failed);
    if (c.rejected)
        failures << QStringLiteral("%1 rejected").arg(c.rejected);
    if (c.timedOut)
        failures << QStringLiteral("%1 timed out").arg(c.timedOut);
    if (c.rolledBack)
        failures << QStringLiteral("%1 rolled back").arg(c.rolledBack);
    if (failures.isEmpty())
        failures << QStringLiteral("0 failed");
    parts << failures;
    parts << QStringLiteral("%1 not finished").arg(c.unfinished());
    if (c.cancelled + c.removed)
        parts
            << QStringLiteral("%1 cancelled or removed, not counted").arg(c.cancelled + c.removed);
    return QStringLiteral("wave of %1: %2")
        .arg(devices(c.total()), parts.join(QLatin1String(", ")));
}

struct FailureCheck
{
    const char *action; // "abort" or "pause"
    std::optional<int> percent;
    std::optional<qint64> count;
};

// The sentence of a failure check that fired, or an empty string.
QString failureTrigger(const WaveCounts &c, bool rateCounts, const FailureCheck &check)
{
    const qint64 failures = c.failures();
    const QLatin1String action(check.action);
    if (check.count && failures > *check.count)
        return QStringLiteral("%1 failed, more than the %2 limit of %3")
            .arg(devices(failures), action)
            .arg(*check.count);
    if (check.percent && rateCounts && failures * 100 > qint64(*check.percent) * c.finished())
        return QStringLiteral("%1 of %2 finished devices failed (%3), more than the %4 "
                              "threshold of %5 %")
            .arg(failures)
            .arg(c.finished())
            .arg(percentText(failures, c.finished()), action)
            .arg(*check.percent);
    return {};
}

} // namespace

QString WaveVerdict::decisionName(Decision decision)
{
    switch (decision) {
    case Decision::Continue:
        return QStringLiteral("continue");
    case Decision::WaveSucceeded:
        return QStringLiteral("wave succeeded");
    case Decision::Pause:
        return QStringLiteral("pause");
    case Decision::Abort:
        return QStringLiteral("abort");
    }
    return {};
}

WaveVerdict WaveVerdict::judge(const WaveCounts &c, const WaveThresholds &t)
{
    const qint64 counted = c.counted();
    const qint64 finished = c.finished();
    const qint64 minimum = std::min(t.minFinishedForRate, counted);
    const bool rateCounts = finished > 0 && finished >= minimum;
    const QString figures = summary(c);

    if (const QString why =
            failureTrigger(c, rateCounts, {"abort", t.abortFailurePercent, t.abortAfterFailures});
        !why.isEmpty())
        return {Decision::Abort, QStringLiteral("Abort: %1 (%2).").arg(why, figures), c};
    if (const QString why =
            failureTrigger(c, rateCounts, {"pause", t.pauseFailurePercent, t.pauseAfterFailures});
        !why.isEmpty())
        return {Decision::Pause, QStringLiteral("Pause: %1 (%2).").arg(why, figures), c};

    if (counted == 0)
        return {Decision::WaveSucceeded,
                QStringLiteral("Wave succeeded: no device left to judge (%1).").arg(figures), c};
    // The smallest number of successes that meets the threshold: ceil(percent × counted / 100).
    const qint64 needed = (qint64(t.successPercent) * counted + 99) / 100;
    if (c.succeeded * 100 >= qint64(t.successPercent) * counted)
        return {Decision::WaveSucceeded,
                QStringLiteral("Wave succeeded: %1 of %2 devices succeeded (%3), at least the "
                               "success threshold of %4 % (%5 needed) (%6).")
                    .arg(c.succeeded)
                    .arg(counted)
                    .arg(percentText(c.succeeded, counted))
                    .arg(t.successPercent)
                    .arg(needed)
                    .arg(figures),
                c};
    if (c.unfinished() == 0)
        return {Decision::Pause,
                QStringLiteral("Pause: every device finished but only %1 of %2 succeeded (%3), "
                               "below the success threshold of %4 % (%5 needed) (%6).")
                    .arg(c.succeeded)
                    .arg(counted)
                    .arg(percentText(c.succeeded, counted))
                    .arg(t.successPercent)
                    .arg(needed)
                    .arg(figures),
                c};
    QString waiting = QStringLiteral("Continue: %1 of %2 devices succeeded, %3 needed for the "
                                     "success threshold of %4 %")
                          .arg(c.succeeded)
                          .arg(counted)
                          .arg(needed)
                          .arg(t.successPercent);
    if (!rateCounts && (t.pauseFailurePercent || t.abortFailurePercent))
        waiting += QStringLiteral("; failure rate judged once %1 finished (%2 so far)")
                       .arg(devices(std::max<qint64>(minimum, 1)))
                       .arg(finished);
    return {Decision::Continue, QStringLiteral("%1 (%2).").arg(waiting, figures), c};
}

} // namespace fleet
