#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QAreaSeries;
class QChart;
class QChartView;
QT_END_NAMESPACE

namespace fleet {

// A rollout's devices by outcome over time, as stacked areas (succeeded at the bottom, then
// failed, rolled back, in progress, queued on top), so the height is always the whole rollout and
// the green growing up through it is the progress. In ui/charts/ with the other Qt Charts users.
class RolloutStatusChart : public QWidget
{
    Q_OBJECT
public:
    struct Sample
    {
        qint64 atMs = 0;
        qint64 queued = 0;
        qint64 inProgress = 0;
        qint64 succeeded = 0;
        qint64 failed = 0;
        qint64 rolledBack = 0;
    };

    explicit RolloutStatusChart(QWidget *parent = nullptr);

    // Oldest first. `nowMs` extends the last sample to the present (the counts still hold).
    void setSamples(const QList<Sample> &samples, qint64 nowMs);
    void setTitle(const QString &title);

    // What is drawn, for tests: the series' names bottom to top and, for one of them, the
    // height of its band at the last point (upper minus lower line); -1 for an unknown name or
    // an empty chart.
    QStringList seriesNames() const;
    qint64 lastValue(const QString &seriesName) const;
    QChart *chart() const { return m_chart; }

private:
    QChart *m_chart;
    QChartView *m_view;
    QList<QAreaSeries *> m_series;
};

} // namespace fleet
