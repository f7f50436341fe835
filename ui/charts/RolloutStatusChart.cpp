#include "RolloutStatusChart.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLegend>
#include <QLineSeries>
#include <QPainter>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace fleet {

namespace {

struct Band
{
    QString name;
    QColor color;
    qint64 RolloutStatusChart::Sample::*value;
};

QList<Band> bands()
{
    using S = RolloutStatusChart::Sample;
    return {
        {RolloutStatusChart::tr("succeeded"), QColor(0x3c, 0x9a, 0x4f), &S::succeeded},
        {RolloutStatusChart::tr("failed"), QColor(0xd0, 0x45, 0x3a), &S::failed},
        {RolloutStatusChart::tr("rolled back"), QColor(0xe0, 0x9a, 0x2a), &S::rolledBack},
        {RolloutStatusChart::tr("in progress"), QColor(0x4a, 0x7f, 0xc5), &S::inProgress},
        {RolloutStatusChart::tr("queued"), QColor(0xc4, 0xc9, 0xd0), &S::queued},
    };
}

} // namespace

RolloutStatusChart::RolloutStatusChart(QWidget *parent)
    : QWidget(parent)
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
{
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setMargins(QMargins(4, 4, 8, 4));
    m_chart->setBackgroundRoundness(0);
    m_chart->legend()->setAlignment(Qt::AlignRight);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setObjectName(QStringLiteral("statusChartView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
}

void RolloutStatusChart::setTitle(const QString &title)
{
    m_chart->setTitle(title);
}

void RolloutStatusChart::setSamples(const QList<Sample> &samples, qint64 nowMs)
{
    m_chart->removeAllSeries();
    for (QAbstractAxis *axis : m_chart->axes())
        m_chart->removeAxis(axis);
    m_series.clear();
    if (samples.isEmpty())
        return;

    QList<Sample> points = samples;
    if (nowMs > points.last().atMs) {
        Sample now = points.last();
        now.atMs = nowMs;
        points.append(now);
    }
    // Ticks on round times: the range widened to whole steps, one label per step.
    constexpr qint64 kMinute = 60 * 1000;
    const qint64 span = std::max<qint64>(points.last().atMs - points.first().atMs, kMinute);
    qint64 step = 24 * 60 * kMinute;
    for (qint64 candidate : {15 * kMinute, 30 * kMinute, 60 * kMinute, 180 * kMinute, 360 * kMinute,
                             720 * kMinute, 1440 * kMinute})
        if (span / candidate <= 7) {
            step = candidate;
            break;
        }
    const qint64 first = points.first().atMs / step * step;
    const qint64 last = std::max((points.last().atMs + step - 1) / step * step, first + step);
    auto *timeAxis = new QDateTimeAxis;
    timeAxis->setFormat(step < 1440 * kMinute ? QStringLiteral("HH:mm")
                                              : QStringLiteral("MM-dd HH:mm"));
    // QDateTimeAxis labels in the machine's time zone (unlike the tables, which say UTC).
    timeAxis->setTitleText(tr("local time"));
    timeAxis->setTickCount(int(std::min<qint64>((last - first) / step, 12)) + 1);
    timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(first, Qt::UTC),
                       QDateTime::fromMSecsSinceEpoch(last, Qt::UTC));
    auto *countAxis = new QValueAxis;
    countAxis->setLabelFormat(QStringLiteral("%d"));
    m_chart->addAxis(timeAxis, Qt::AlignBottom);
    m_chart->addAxis(countAxis, Qt::AlignLeft);

    // Each band lies on the one below it: its lower line is the running total so far.
    QList<qreal> below(points.size(), 0.0);
    qreal top = 0;
    for (const Band &band : bands()) {
        auto *lower = new QLineSeries;
        auto *upper = new QLineSeries;
        for (int i = 0; i < points.size(); ++i) {
            // Steps, not slopes: a count holds until the next change.
            const qreal x = qreal(points[i].atMs);
            const qreal value = qreal(points[i].*band.value);
            if (i > 0) {
                lower->append(x, below[i - 1]);
                upper->append(x, below[i - 1] + qreal(points[i - 1].*band.value));
            }
            lower->append(x, below[i]);
            upper->append(x, below[i] + value);
        }
        for (int i = 0; i < points.size(); ++i) {
            below[i] += qreal(points[i].*band.value);
            top = std::max(top, below[i]);
        }
        auto *area = new QAreaSeries(upper, lower);
        area->setName(band.name);
        area->setColor(band.color);
        area->setBorderColor(band.color.darker(120));
        m_chart->addSeries(area);
        area->attachAxis(timeAxis);
        area->attachAxis(countAxis);
        m_series.append(area);
    }
    countAxis->setRange(0, std::max<qreal>(1, top));
    countAxis->applyNiceNumbers();
}

QStringList RolloutStatusChart::seriesNames() const
{
    QStringList names;
    for (const QAreaSeries *s : m_series)
        names << s->name();
    return names;
}

qint64 RolloutStatusChart::lastValue(const QString &seriesName) const
{
    for (const QAreaSeries *s : m_series) {
        if (s->name() != seriesName || !s->upperSeries() || !s->lowerSeries())
            continue;
        const QList<QPointF> upper = s->upperSeries()->points();
        const QList<QPointF> lower = s->lowerSeries()->points();
        if (upper.isEmpty() || lower.isEmpty())
            return -1;
        return qint64(std::llround(upper.last().y() - lower.last().y()));
    }
    return -1;
}

} // namespace fleet
