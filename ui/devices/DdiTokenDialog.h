#pragma once

#include "ddi/DdiTokenService.h"

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace fleet {

// Shows a device's new DDI token once: in a read-only field with a Copy button, with its
// fingerprint and the note that Fleetdesk keeps only its hash (closing the dialog is the last
// chance to copy it).
class DdiTokenDialog : public QDialog
{
    Q_OBJECT
public:
    DdiTokenDialog(const QString &deviceUid, const IssuedDdiToken &issued,
                   QWidget *parent = nullptr);

    QLineEdit *tokenField() const { return m_token; }
    QPushButton *copyButton() const { return m_copy; }

private:
    QLineEdit *m_token;
    QPushButton *m_copy;
};

} // namespace fleet
