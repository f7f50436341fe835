#include "StatusDot.h"

#include <QHash>
#include <QPainter>
#include <QPixmap>

namespace fleet {

QColor StatusDot::onlineColor(bool online)
{
    return online ? QColor(0x2e, 0x9d, 0x48) : QColor(0x9a, 0x9a, 0x9a);
}

QColor StatusDot::healthColor(const QString &health)
{
    if (health == QLatin1String("ok"))
        return QColor(0x2e, 0x9d, 0x48);
    if (health == QLatin1String("degraded"))
        return QColor(0xe0, 0x9b, 0x16);
    if (health == QLatin1String("failing"))
        return QColor(0xd0, 0x33, 0x2b);
    return QColor(0x9a, 0x9a, 0x9a);
}

QIcon StatusDot::icon(const QColor &color)
{
    static QHash<QRgb, QIcon> cache;
    auto it = cache.constFind(color.rgba());
    if (it != cache.constEnd())
        return *it;
    QIcon icon;
    for (int size : {12, 16, 24}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(color.darker(130));
        painter.setBrush(color);
        const qreal margin = size / 4.0;
        painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin));
        painter.end();
        icon.addPixmap(pixmap);
    }
    cache.insert(color.rgba(), icon);
    return icon;
}

} // namespace fleet
