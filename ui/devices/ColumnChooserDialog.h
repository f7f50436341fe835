#pragma once

#include <QDialog>
#include <QList>

class QListWidget;
class QPushButton;

namespace fleet {

// "Columns…": a checkable list of every device column. The caller applies the result.
class ColumnChooserDialog : public QDialog
{
    Q_OBJECT
public:
    // `visible` holds DeviceColumns values.
    ColumnChooserDialog(const QList<int> &visible, QWidget *parent = nullptr);
    QList<int> visibleColumns() const;
    void setColumnVisible(int column, bool visible);

private:
    void updateOkButton();
    QListWidget *m_list;
    QPushButton *m_ok = nullptr;
};

} // namespace fleet
