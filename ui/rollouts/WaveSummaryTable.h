#pragma once

#include "rollout/RolloutStatus.h"

#include <QTableWidget>

namespace fleet {

// Where each wave stands: its devices by outcome and a progress bar of the finished share,
// the current wave in bold. A handful of rows, rebuilt from each status read.
class WaveSummaryTable : public QTableWidget
{
    Q_OBJECT
public:
    enum Column {
        Wave,
        Devices,
        Pending,
        InProgress,
        Succeeded,
        Failed,
        RolledBack,
        Skipped,
        Progress,
        ColumnCount
    };

    explicit WaveSummaryTable(QWidget *parent = nullptr);

    void setWaves(const QList<RolloutWaveStatus> &waves);
    // The progress bar's value (0..100) of a row, -1 when there is none: for tests.
    int progressOf(int row) const;

private:
    void fitHeight();
};

} // namespace fleet
