#pragma once

#include <QList>
#include <QString>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
QT_END_NAMESPACE

namespace fleet {

// One horizontal bar per category with its value, one bar optionally highlighted. The only
// place (with its siblings in ui/charts/) that includes Qt Charts, which is deprecated from Qt
// 6.10: replacing it later touches this folder alone.
class HorizontalBarChart : public QWidget
{
    Q_OBJECT
public:
    struct Bar
    {
        QString label;
        qint64 value = 0;
    };

    explicit HorizontalBarChart(QWidget *parent = nullptr);

    // Bars from top to bottom in the given order; `highlighted` is an index into `bars` or -1.
    void setBars(const QList<Bar> &bars, int highlighted = -1);
    void setTitle(const QString &title);

    // What is drawn, for tests: the category labels top to bottom and their values.
    QStringList labels() const { return m_labels; }
    QList<qint64> values() const { return m_values; }
    int highlighted() const { return m_highlighted; }

private:
    QChart *m_chart;
    QChartView *m_view;
    QStringList m_labels;
    QList<qint64> m_values;
    int m_highlighted = -1;
};

} // namespace fleet
