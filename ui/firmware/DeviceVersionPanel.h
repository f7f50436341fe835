#pragma once

#include "FirmwareVersionCounts.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace fleet {

class HorizontalBarChart;

// "Devices by firmware version": a bar per reported version and the same numbers in a small
// table, with the selected release's version marked in both.
class DeviceVersionPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DeviceVersionPanel(QWidget *parent = nullptr);

    // `scope` says which devices were counted ("all devices", "models NW-S200"); `highlight`
    // is the version to mark (empty for none).
    void setCounts(const QList<FirmwareVersionCounts::Entry> &counts, const QString &scope,
                   const QString &highlight);
    void showError(const QString &message);

    HorizontalBarChart *chart() const { return m_chart; }
    QTableWidget *table() const { return m_table; }

private:
    QLabel *m_caption;
    HorizontalBarChart *m_chart;
    QTableWidget *m_table;
};

} // namespace fleet
