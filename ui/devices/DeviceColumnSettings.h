#pragma once

#include <QList>

class QTableView;

namespace fleet {

// Which device columns are shown and how wide they are, remembered in QSettings by column key
// (so adding a column in a later version keeps everyone's choices).
class DeviceColumnSettings
{
public:
    static void restore(QTableView *view);
    static void save(const QTableView *view);
    static QList<int> visibleColumns(const QTableView *view);
    static void setVisibleColumns(QTableView *view, const QList<int> &visible);
    // A width that fits typical values and the title with its sort arrow.
    static int defaultWidth(const QTableView *view, int column);
};

} // namespace fleet
