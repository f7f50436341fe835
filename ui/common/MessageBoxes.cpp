#include "MessageBoxes.h"

#include <QMessageBox>

namespace fleet {

namespace {
QMessageBox *show(QWidget *parent, QMessageBox::Icon icon, const QString &objectName,
                  const QString &title, const QString &text)
{
    auto *box = new QMessageBox(icon, title, text, QMessageBox::Ok, parent);
    box->setObjectName(objectName);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->open();
    return box;
}
} // namespace

QMessageBox *MessageBoxes::showError(QWidget *parent, const QString &title, const QString &text)
{
    return show(parent, QMessageBox::Warning, QStringLiteral("errorMessage"), title, text);
}

QMessageBox *MessageBoxes::showInformation(QWidget *parent, const QString &title,
                                           const QString &text)
{
    return show(parent, QMessageBox::Information, QStringLiteral("informationMessage"), title,
                text);
}

} // namespace fleet
