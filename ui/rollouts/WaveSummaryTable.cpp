#include "WaveSummaryTable.h"

#include "common/TableLook.h"

#include <QHeaderView>
#include <QProgressBar>
#include <algorithm>

namespace fleet {

WaveSummaryTable::WaveSummaryTable(QWidget *parent)
    : QTableWidget(0, ColumnCount, parent)
{
    setObjectName(QStringLiteral("waveSummary"));
    setHorizontalHeaderLabels({tr("Wave"), tr("Devices"), tr("Pending"), tr("In progress"),
                               tr("Succeeded"), tr("Failed"), tr("Rolled back"), tr("Skipped"),
                               tr("Progress")});
    horizontalHeaderItem(Failed)->setToolTip(tr("Failed, rejected or timed out"));
    horizontalHeaderItem(Skipped)->setToolTip(tr("Cancelled by an operator or removed from the "
                                                 "target set: not counted by the wave's gate"));
    TableLook::apply(this);
    setSelectionMode(QAbstractItemView::NoSelection);
    verticalHeader()->hide();
    for (int c = Devices; c < Progress; ++c)
        setColumnWidth(c, 72);
    setColumnWidth(Wave, 100);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Maximum);
    fitHeight();
    horizontalHeader()->setStretchLastSection(true);
}

void WaveSummaryTable::setWaves(const QList<RolloutWaveStatus> &waves)
{
    setRowCount(int(waves.size()));
    for (int row = 0; row < waves.size(); ++row) {
        const RolloutWaveStatus &w = waves[row];
        const WaveCounts &c = w.counts;
        const QList<qint64> values = {c.total(),
                                      c.pending,
                                      c.inProgress,
                                      c.succeeded,
                                      c.failed + c.rejected + c.timedOut,
                                      c.rolledBack,
                                      c.cancelled + c.removed};
        auto cell = [&](int column, const QString &text, bool number) {
            auto *item = this->item(row, column);
            if (!item) {
                item = new QTableWidgetItem;
                setItem(row, column, item);
            }
            item->setText(text);
            QFont font = item->font();
            font.setBold(w.current);
            item->setFont(font);
            if (number)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        };
        cell(Wave, w.current ? tr("%1 (now)").arg(w.name) : w.name, false);
        for (int i = 0; i < values.size(); ++i)
            cell(Devices + i, QString::number(values[i]), true);
        if (item(row, Failed) && values[Failed - Devices] > 0)
            item(row, Failed)->setForeground(QColor(0xb3, 0x26, 0x1e));

        auto *bar = qobject_cast<QProgressBar *>(cellWidget(row, Progress));
        if (!bar) {
            bar = new QProgressBar;
            bar->setRange(0, 100);
            bar->setTextVisible(true);
            bar->setMaximumHeight(rowHeight(row) - 4);
            setCellWidget(row, Progress, bar);
        }
        const qint64 counted = c.counted();
        const int percent = counted > 0 ? int(c.finished() * 100 / counted) : 0;
        bar->setValue(percent);
        bar->setFormat(tr("%1 of %2 finished").arg(c.finished()).arg(counted));
        bar->setToolTip(tr("%1 succeeded, %2 failed of the %3 devices the gate counts")
                            .arg(c.succeeded)
                            .arg(c.failures())
                            .arg(counted));
    }
    fitHeight();
}

void WaveSummaryTable::fitHeight()
{
    // Every wave visible without scrolling, up to a handful; no empty space below them.
    constexpr int kMostRowsShown = 6;
    const int rows = std::clamp(rowCount(), 1, kMostRowsShown);
    const int height = horizontalHeader()->sizeHint().height() +
                       rows * verticalHeader()->defaultSectionSize() + 2 * frameWidth() + 2;
    setMinimumHeight(height);
    setMaximumHeight(height);
}

int WaveSummaryTable::progressOf(int row) const
{
    auto *bar = qobject_cast<QProgressBar *>(cellWidget(row, Progress));
    return bar ? bar->value() : -1;
}

} // namespace fleet
