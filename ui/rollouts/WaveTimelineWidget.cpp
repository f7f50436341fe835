#include "WaveTimelineWidget.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <algorithm>
#include <array>
#include <cmath>

namespace fleet {

namespace {

constexpr int kLabelWidth = 64;
constexpr int kLegendHeight = 20;
constexpr int kAxisHeight = 20;
constexpr int kMaxRowHeight = 40;
constexpr qint64 kHour = 60 * 60 * 1000;

const QColor kWindowColor(0xdf, 0xf1, 0xdc);
const QColor kOverriddenColor(0xee, 0xee, 0xee);
const QColor kTrackColor(0xd9, 0xde, 0xe6);
const QColor kDoneColor(0x3c, 0x9a, 0x4f);
const QColor kRunningColor(0x4a, 0x7f, 0xc5);
const QColor kFailureColor(0xd0, 0x45, 0x3a);
const QColor kNowColor(0x8c, 0x1d, 0x18);

QColor markerColor(WaveTimelineWidget::Marker::Kind kind)
{
    switch (kind) {
    case WaveTimelineWidget::Marker::Kind::Operator:
        return QColor(0x2f, 0x5d, 0xa8);
    case WaveTimelineWidget::Marker::Kind::Decision:
        return QColor(0xd9, 0x7a, 0x00);
    case WaveTimelineWidget::Marker::Kind::Pause:
        return QColor(0xc0, 0x2f, 0x25);
    case WaveTimelineWidget::Marker::Kind::Rollout:
        return QColor(0x70, 0x70, 0x70);
    }
    return Qt::gray;
}

// A tick step that gives a handful of labels over `span`.
qint64 tickStep(qint64 span)
{
    constexpr std::array<qint64, 10> steps = {
        15 * 60 * 1000, 30 * 60 * 1000, kHour,      3 * kHour,      6 * kHour,
        12 * kHour,     24 * kHour,     48 * kHour, 7 * 24 * kHour, 28 * 24 * kHour};
    for (qint64 step : steps)
        if (span / step <= 8)
            return step;
    return steps.back();
}

} // namespace

WaveTimelineWidget::WaveTimelineWidget(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("waveTimeline"));
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void WaveTimelineWidget::setWaves(const QList<Wave> &waves)
{
    m_waves = waves;
    updateGeometry();
    update();
}

void WaveTimelineWidget::setMarkers(const QList<Marker> &markers)
{
    m_markers = markers;
    update();
}

void WaveTimelineWidget::setWindows(const QList<Window> &windows, const QString &note,
                                    bool overridden)
{
    m_windows = windows;
    m_windowNote = note;
    m_windowsOverridden = overridden;
    update();
}

void WaveTimelineWidget::setNow(qint64 nowMs)
{
    m_nowMs = nowMs;
    update();
}

QPair<qint64, qint64> WaveTimelineWidget::range() const
{
    std::optional<qint64> from;
    qint64 to = m_nowMs;
    for (const Wave &w : m_waves) {
        if (w.startMs)
            from = from ? std::min(*from, *w.startMs) : *w.startMs;
        if (w.endMs)
            to = std::max(to, *w.endMs);
    }
    for (const Marker &m : m_markers) {
        from = from ? std::min(*from, m.atMs) : m.atMs;
        to = std::max(to, m.atMs);
    }
    if (!from) // nothing happened yet: the next two days, to see when windows open
        return {m_nowMs - kHour, m_nowMs + 48 * kHour};
    const qint64 span = std::max<qint64>(to - *from, kHour);
    return {*from - span / 30, to + span / 12};
}

QSize WaveTimelineWidget::sizeHint() const
{
    const int rows = std::max<int>(1, int(m_waves.size()));
    return {600, kLegendHeight + kAxisHeight + rows * kMaxRowHeight + 8};
}

QSize WaveTimelineWidget::minimumSizeHint() const
{
    return {300, kLegendHeight + kAxisHeight + 3 * 14};
}

QRect WaveTimelineWidget::plotRect() const
{
    return rect().adjusted(kLabelWidth, kLegendHeight, -10, -kAxisHeight);
}

qreal WaveTimelineWidget::xOf(qint64 ms, const QRect &plot, qint64 from, qint64 to) const
{
    const qreal share = to > from ? qreal(ms - from) / qreal(to - from) : 0;
    return plot.left() + std::clamp<qreal>(share, 0, 1) * plot.width();
}

void WaveTimelineWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());
    const QRect plot = plotRect();
    const auto [from, to] = range();
    const QFontMetrics fm = fontMetrics();

    // Maintenance windows behind everything.
    const QColor shade = m_windowsOverridden ? kOverriddenColor : kWindowColor;
    for (const Window &w : m_windows) {
        const qreal x1 = xOf(w.startMs, plot, from, to);
        const qreal x2 = xOf(w.endMs, plot, from, to);
        if (x2 > x1)
            p.fillRect(QRectF(x1, plot.top(), x2 - x1, plot.height()), shade);
    }

    // Legend line.
    QString legend = m_windowNote.isEmpty()
                         ? tr("No maintenance windows: devices start any time")
                         : tr("Shaded: maintenance windows (%1)").arg(m_windowNote);
    if (m_windowsOverridden)
        legend += tr(" — overridden, devices start any time");
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(plot.left(), 0, plot.width(), kLegendHeight), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(legend, Qt::ElideRight, plot.width()));

    // Time axis, UTC like every table in Fleetdesk.
    const qint64 step = tickStep(to - from);
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    const bool showDate = step >= 6 * kHour || (to - from) > 20 * kHour;
    for (qint64 t = (from / step + 1) * step; t < to; t += step) {
        const qreal x = xOf(t, plot, from, to);
        p.setPen(QColor(0xd0, 0xd0, 0xd0));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(t, Qt::UTC);
        const QString label =
            at.toString(showDate ? QStringLiteral("MM-dd HH:mm") : QStringLiteral("HH:mm"));
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRectF(x - 50, plot.bottom() + 2, 100, kAxisHeight - 2),
                   Qt::AlignHCenter | Qt::AlignTop, label);
    }
    p.drawText(QRect(0, plot.bottom() + 2, kLabelWidth - 6, kAxisHeight - 2),
               Qt::AlignRight | Qt::AlignTop, tr("UTC"));

    // One row per wave.
    const int rows = std::max<int>(1, int(m_waves.size()));
    const qreal rowHeight = std::min<qreal>(kMaxRowHeight, qreal(plot.height()) / rows);
    for (int i = 0; i < m_waves.size(); ++i) {
        const Wave &w = m_waves[i];
        const QRectF row(plot.left(), plot.top() + i * rowHeight, plot.width(), rowHeight);
        QFont font = p.font();
        font.setBold(w.current);
        p.setFont(font);
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRectF(0, row.top(), kLabelWidth - 6, rowHeight),
                   Qt::AlignRight | Qt::AlignVCenter, w.name);
        font.setBold(false);
        p.setFont(font);
        if (!w.startMs) {
            p.setPen(palette().color(QPalette::PlaceholderText));
            p.drawText(row.adjusted(6, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                       tr("not started (%n device(s))", nullptr, int(w.total)));
            continue;
        }
        const bool running = w.finished < w.total;
        const qint64 end = w.endMs && !running ? *w.endMs : std::max(m_nowMs, *w.startMs);
        const qreal x1 = xOf(*w.startMs, plot, from, to);
        const qreal x2 = std::max(x1 + 3, xOf(end, plot, from, to));
        // The bar spans the wave's time; the strip along its bottom shows its devices' shares
        // (succeeded, failed, the rest), so a glance tells both how long and how well.
        const QRectF bar(x1, row.top() + rowHeight * 0.18, x2 - x1, rowHeight * 0.64);
        p.fillRect(bar, running ? kRunningColor.lighter(150) : kDoneColor.lighter(160));
        const QRectF strip(bar.left(), bar.bottom() - bar.height() * 0.4, bar.width(),
                           bar.height() * 0.4);
        p.fillRect(strip, kTrackColor);
        if (w.total > 0) {
            const qreal ok = strip.width() * qreal(w.succeeded) / qreal(w.total);
            const qreal bad = strip.width() * qreal(w.failures) / qreal(w.total);
            p.fillRect(QRectF(strip.left(), strip.top(), ok, strip.height()), kDoneColor);
            p.fillRect(QRectF(strip.left() + ok, strip.top(), bad, strip.height()), kFailureColor);
        }
        const QString text =
            w.failures > 0 ? tr("%1/%2, %3 failed").arg(w.finished).arg(w.total).arg(w.failures)
                           : tr("%1/%2").arg(w.finished).arg(w.total);
        const int textWidth = fm.horizontalAdvance(text) + 6;
        p.setPen(palette().color(QPalette::Text));
        if (bar.right() + textWidth < plot.right())
            p.drawText(QRectF(bar.right() + 4, row.top(), textWidth, rowHeight),
                       Qt::AlignLeft | Qt::AlignVCenter, text);
        else
            p.drawText(QRectF(bar.left() - textWidth - 2, row.top(), textWidth, rowHeight),
                       Qt::AlignRight | Qt::AlignVCenter, text);
    }

    // Marks: a line through every row with a small flag on top.
    for (const Marker &m : m_markers) {
        const qreal x = xOf(m.atMs, plot, from, to);
        const QColor color = markerColor(m.kind);
        p.setPen(QPen(color, m.kind == Marker::Kind::Rollout ? 1 : 1.5));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        QPainterPath flag;
        flag.moveTo(x, plot.top());
        flag.lineTo(x - 4, plot.top() - 6);
        flag.lineTo(x + 4, plot.top() - 6);
        flag.closeSubpath();
        p.fillPath(flag, color);
    }

    // Now.
    if (m_nowMs >= from && m_nowMs <= to) {
        const qreal x = xOf(m_nowMs, plot, from, to);
        p.setPen(QPen(kNowColor, 1, Qt::DashLine));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
    if (m_waves.isEmpty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter, tr("No waves"));
    }
}

QString WaveTimelineWidget::tooltipAt(const QPoint &pos) const
{
    const QRect plot = plotRect();
    const auto [from, to] = range();
    QStringList texts;
    for (const Marker &m : m_markers)
        if (std::abs(xOf(m.atMs, plot, from, to) - pos.x()) <= 4)
            texts << QStringLiteral("%1 UTC  %2")
                         .arg(QDateTime::fromMSecsSinceEpoch(m.atMs, Qt::UTC)
                                  .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                              m.text);
    if (!texts.isEmpty())
        return texts.join(QLatin1Char('\n'));
    const int rows = std::max<int>(1, int(m_waves.size()));
    const qreal rowHeight = std::min<qreal>(kMaxRowHeight, qreal(plot.height()) / rows);
    const int row = int((pos.y() - plot.top()) / rowHeight);
    if (pos.y() < plot.top() || row < 0 || row >= m_waves.size())
        return {};
    const Wave &w = m_waves[row];
    return tr("%1: %2 of %3 devices finished, %4 failed")
        .arg(w.name)
        .arg(w.finished)
        .arg(w.total)
        .arg(w.failures);
}

bool WaveTimelineWidget::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = tooltipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace fleet
