#pragma once

#include <QString>

class QMessageBox;
class QWidget;

namespace fleet {

// Non-blocking message boxes: shown with open(), deleted when closed, so no nested event loop
// runs and tests can find them (object names "errorMessage", "informationMessage").
class MessageBoxes
{
public:
    static QMessageBox *showError(QWidget *parent, const QString &title, const QString &text);
    static QMessageBox *showInformation(QWidget *parent, const QString &title, const QString &text);
};

} // namespace fleet
