#include "HorizontalBarChart.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHorizontalBarSeries>
#include <QPainter>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>

namespace fleet {

namespace {
const QColor kBarColor(0x4a, 0x7f, 0xb5);
const QColor kHighlightColor(0xe0, 0x8a, 0x1e);
} // namespace

HorizontalBarChart::HorizontalBarChart(QWidget *parent)
    : QWidget(parent)
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
{
    m_chart->legend()->hide();
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setMargins(QMargins(4, 4, 8, 4));
    m_chart->setBackgroundRoundness(0);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setObjectName(QStringLiteral("chartView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
}

void HorizontalBarChart::setTitle(const QString &title)
{
    m_chart->setTitle(title);
}

void HorizontalBarChart::setBars(const QList<Bar> &bars, int highlighted)
{
    m_chart->removeAllSeries();
    for (QAbstractAxis *axis : m_chart->axes())
        m_chart->removeAxis(axis);
    m_labels.clear();
    m_values.clear();
    m_highlighted = highlighted >= 0 && highlighted < bars.size() ? highlighted : -1;
    if (bars.isEmpty())
        return;

    auto *set = new QBarSet(tr("Devices"));
    set->setColor(kBarColor);
    set->setBorderColor(kBarColor.darker(115));
    set->setSelectedColor(kHighlightColor);
    set->setLabelColor(Qt::black);
    QStringList categories;
    qint64 maximum = 0;
    // A horizontal bar series draws its first category at the bottom: add them in reverse so
    // the list reads top to bottom as given.
    for (qsizetype i = bars.size() - 1; i >= 0; --i) {
        *set << double(bars.at(i).value);
        categories << bars.at(i).label;
        maximum = std::max(maximum, bars.at(i).value);
    }
    if (m_highlighted >= 0)
        set->selectBar(int(bars.size() - 1 - m_highlighted));
    for (const Bar &bar : bars) {
        m_labels << bar.label;
        m_values << bar.value;
    }

    auto *series = new QHorizontalBarSeries;
    series->append(set);
    series->setBarWidth(0.7);
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    series->setLabelsFormat(QStringLiteral("@value"));
    series->setLabelsPrecision(12);
    m_chart->addSeries(series);

    auto *categoryAxis = new QBarCategoryAxis;
    categoryAxis->append(categories);
    categoryAxis->setGridLineVisible(false);
    m_chart->addAxis(categoryAxis, Qt::AlignLeft);
    series->attachAxis(categoryAxis);

    auto *valueAxis = new QValueAxis;
    // Room for the value labels right of the longest bar; whole devices only.
    const qint64 top = std::max<qint64>(1, maximum + std::max<qint64>(1, maximum / 8));
    valueAxis->setRange(0, double(top));
    valueAxis->setLabelFormat(QStringLiteral("%d"));
    valueAxis->setTickCount(int(std::min<qint64>(top, 5)) + 1);
    valueAxis->applyNiceNumbers(); // ticks on whole numbers
    m_chart->addAxis(valueAxis, Qt::AlignBottom);
    series->attachAxis(valueAxis);
}

} // namespace fleet
