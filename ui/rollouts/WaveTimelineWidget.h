#pragma once

#include <QList>
#include <QString>
#include <QWidget>
#include <optional>

namespace fleet {

// A rollout's waves drawn against time: one bar per wave from its first device's start to its
// last device's finish (or to now while it runs), the share of its devices finished filled in,
// the maintenance windows shaded behind, and the rollout's pauses, automatic decisions and
// operator actions marked as lines with their reason in the tooltip. Painted by hand: a Gantt
// strip is not a chart type Qt Charts has.
class WaveTimelineWidget : public QWidget
{
    Q_OBJECT
public:
    struct Wave
    {
        QString name; // "pilot", "wave 1"
        std::optional<qint64> startMs;
        std::optional<qint64> endMs; // set once every device finished
        qint64 total = 0;
        qint64 finished = 0; // succeeded, failed or set aside
        qint64 succeeded = 0;
        qint64 failures = 0;
        bool current = false;
    };
    struct Marker
    {
        enum class Kind { Operator, Decision, Pause, Rollout };
        qint64 atMs = 0;
        Kind kind = Kind::Rollout;
        QString text; // the tooltip: what happened, who, why
    };
    struct Window
    {
        qint64 startMs = 0;
        qint64 endMs = 0;
    };

    explicit WaveTimelineWidget(QWidget *parent = nullptr);

    void setWaves(const QList<Wave> &waves);
    void setMarkers(const QList<Marker> &markers);
    // The open maintenance periods within the range, and a note for the legend ("Mon-Fri
    // 01:00-05:00, Europe/Berlin"; empty: no windows, any time is fine).
    void setWindows(const QList<Window> &windows, const QString &note, bool overridden);
    void setNow(qint64 nowMs);

    // The time span drawn: from the earliest start or mark to now or the latest finish, with a
    // little room either side. Exposed so the page asks for windows over exactly this span.
    QPair<qint64, qint64> range() const;

    const QList<Wave> &waves() const { return m_waves; }
    const QList<Marker> &markers() const { return m_markers; }
    const QList<Window> &windows() const { return m_windows; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRect plotRect() const;
    qreal xOf(qint64 ms, const QRect &plot, qint64 from, qint64 to) const;
    QString tooltipAt(const QPoint &pos) const;

    QList<Wave> m_waves;
    QList<Marker> m_markers;
    QList<Window> m_windows;
    QString m_windowNote;
    bool m_windowsOverridden = false;
    qint64 m_nowMs = 0;
};

} // namespace fleet
