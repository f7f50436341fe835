#pragma once

#include <QString>
#include <functional>

class QFileDialog;
class QInputDialog;
class QWidget;

namespace fleet {

// Asking for a line of text or a file without a nested event loop: the dialog is opened with
// open() and `accepted` runs when the user confirms. The dialog is returned (and deleted when
// closed) so tests can fill it in.
class Prompts
{
public:
    static QInputDialog *askText(QWidget *parent, const QString &objectName, const QString &title,
                                 const QString &label, const QString &initial,
                                 std::function<void(const QString &)> accepted);
    static QFileDialog *openFile(QWidget *parent, const QString &title, const QString &nameFilter,
                                 std::function<void(const QString &)> accepted);
    // `defaultSuffix` is appended when the user types a name without one.
    static QFileDialog *saveFile(QWidget *parent, const QString &title, const QString &nameFilter,
                                 const QString &defaultSuffix,
                                 std::function<void(const QString &)> accepted);
};

} // namespace fleet
