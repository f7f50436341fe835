#pragma once

class QTableView;

namespace fleet {

// The look every table in Fleetdesk shares: uniform fixed-height rows (a view over a million
// rows must never measure them), whole-row selection, no in-place editing, no word wrap.
class TableLook
{
public:
    static void apply(QTableView *view);
};

} // namespace fleet
