#include "DeviceColumnSettings.h"

#include "inventory/DeviceColumns.h"

#include <QHeaderView>
#include <QSettings>
#include <QTableView>

namespace fleet {

namespace {
const QString kVisibleKey = QStringLiteral("devices/visibleColumns");
const QString kWidthsKey = QStringLiteral("devices/columnWidths");

// Sample text as wide as a typical value of each column.
QString typicalValue(int column)
{
    switch (column) {
    case DeviceColumns::Uid:
        return QStringLiteral("gw-berlin-0421");
    case DeviceColumns::Name:
        return QStringLiteral("CPS Line 1 Edge Gateway 012");
    case DeviceColumns::Model:
        return QStringLiteral("NW-EG4100");
    case DeviceColumns::Serial:
        return QStringLiteral("NWC-4K-2024-00421");
    case DeviceColumns::Vendor:
        return QStringLiteral("Northwind Controls");
    case DeviceColumns::TimeZone:
        return QStringLiteral("America/Chicago");
    case DeviceColumns::LastSeen:
    case DeviceColumns::FirstSeen:
        return QStringLiteral("2026-03-01 08:04");
    case DeviceColumns::Mac:
        return QStringLiteral("00:1b:44:11:3a:b7");
    case DeviceColumns::Ip:
        return QStringLiteral("10.120.104.231");
    case DeviceColumns::Hostname:
        return QStringLiteral("gw-0421.plant.local");
    case DeviceColumns::Tags:
    case DeviceColumns::Groups:
        return QStringLiteral("critical-path, cve-review");
    case DeviceColumns::ConfigHash:
        return QStringLiteral("3f2a9c0b1d7e");
    case DeviceColumns::Notes:
        return QStringLiteral("Replaced antenna in March");
    case DeviceColumns::Drift:
        return QStringLiteral("fell_back");
    case DeviceColumns::State:
        return QStringLiteral("decommissioning");
    case DeviceColumns::Health:
        return QStringLiteral("degraded");
    case DeviceColumns::Online:
        return QStringLiteral("Offline");
    case DeviceColumns::Site:
        return QStringLiteral("Karlsruhe Press Shop");
    default:
        return QStringLiteral("2.10.1");
    }
}
} // namespace

int DeviceColumnSettings::defaultWidth(const QTableView *view, int column)
{
    const QFontMetrics metrics = view->fontMetrics();
    const int padding = 24; // cell margins, and the status dot where there is one
    const int forValue = metrics.horizontalAdvance(typicalValue(column)) + padding;
    // Bold-ish header font plus the sort indicator.
    const int forTitle = metrics.horizontalAdvance(DeviceColumns::title(column)) + padding + 16;
    return std::max(forValue, forTitle);
}

QList<int> DeviceColumnSettings::visibleColumns(const QTableView *view)
{
    QList<int> visible;
    const QHeaderView *header = view->horizontalHeader();
    for (int visual = 0; visual < header->count(); ++visual) {
        const int column = header->logicalIndex(visual);
        if (!header->isSectionHidden(column))
            visible << column;
    }
    return visible;
}

void DeviceColumnSettings::setVisibleColumns(QTableView *view, const QList<int> &visible)
{
    for (int column = 0; column < DeviceColumns::Count; ++column)
        view->setColumnHidden(column, !visible.contains(column));
}

void DeviceColumnSettings::restore(QTableView *view)
{
    QSettings settings;
    QList<int> visible;
    if (settings.contains(kVisibleKey)) {
        for (const QString &key : settings.value(kVisibleKey).toStringList())
            if (const int column = DeviceColumns::fromKey(key); column >= 0)
                visible << column;
    }
    if (visible.isEmpty())
        for (int column = 0; column < DeviceColumns::Count; ++column)
            if (DeviceColumns::visibleByDefault(column))
                visible << column;
    setVisibleColumns(view, visible);

    const QVariantMap widths = settings.value(kWidthsKey).toMap();
    for (int column = 0; column < DeviceColumns::Count; ++column) {
        const int saved = widths.value(DeviceColumns::key(column)).toInt();
        view->setColumnWidth(column, saved > 0 ? saved : defaultWidth(view, column));
    }
}

void DeviceColumnSettings::save(const QTableView *view)
{
    QStringList visible;
    for (int column : visibleColumns(view))
        visible << DeviceColumns::key(column);
    QVariantMap widths;
    for (int column = 0; column < DeviceColumns::Count; ++column)
        if (!view->isColumnHidden(column))
            widths.insert(DeviceColumns::key(column), view->columnWidth(column));
    QSettings settings;
    settings.setValue(kVisibleKey, visible);
    settings.setValue(kWidthsKey, widths);
}

} // namespace fleet
