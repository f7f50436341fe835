#pragma once

#include "BulkAction.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace fleet {

// Asks for the value (tag, group or state) and the reason of a bulk action. OK stays disabled
// until the input is complete: a reason is required for quarantined, decommissioning and
// retired. Widgets carry object names ("valueCombo", "reasonEdit", "buttons") for tests.
class BulkActionDialog : public QDialog
{
    Q_OBJECT
public:
    // `suggestions`: existing tags or groups to pick from (ignored for states).
    BulkActionDialog(BulkAction::Kind kind, int deviceCount, const QStringList &suggestions,
                     QWidget *parent = nullptr);

    BulkAction::Kind kind() const { return m_kind; }
    QString value() const;
    QString reason() const;

private:
    void updateState();

    BulkAction::Kind m_kind;
    QComboBox *m_value;
    QLineEdit *m_reason;
    QLabel *m_reasonHint;
    QDialogButtonBox *m_buttons;
};

} // namespace fleet
