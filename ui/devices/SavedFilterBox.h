#pragma once

#include "inventory/DeviceFilter.h"

#include <QWidget>

class QComboBox;
class QPushButton;

namespace fleet {

class SavedFilters;

// Dynamic groups: a combo of the saved filters (choosing one applies it) with "Save filter…"
// (saves what the filter bar shows under a name) and "Delete".
class SavedFilterBox : public QWidget
{
    Q_OBJECT
public:
    SavedFilterBox(SavedFilters &savedFilters, QWidget *parent = nullptr);

    // The filter "Save filter…" saves: what the table shows now.
    void setCurrentFilter(const DeviceFilter &filter) { m_current = filter; }
    void setWritable(bool writable);
    // Re-reads the list of saved filters (a few rows, on the GUI thread's connection).
    void reload();
    // Saves the current filter as `name` (what the "Save filter…" prompt calls).
    void saveCurrentAs(const QString &name);
    // Deletes the saved filter chosen in the combo (after the user confirmed).
    void deleteChosen();
    QString chosenName() const;

signals:
    void filterChosen(const fleet::DeviceFilter &filter);
    void failed(const QString &message);

private:
    void promptForName();
    void confirmDelete();
    void applyChosen(int index);

    SavedFilters &m_savedFilters;
    DeviceFilter m_current;
    QComboBox *m_combo;
    QPushButton *m_save;
    QPushButton *m_delete;
    bool m_writable = true;
};

} // namespace fleet
