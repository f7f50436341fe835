#include "Prompts.h"

#include <QFileDialog>
#include <QInputDialog>

namespace fleet {

namespace {
void acceptFirstFile(QFileDialog *dialog, std::function<void(const QString &)> accepted)
{
    QObject::connect(dialog, &QFileDialog::accepted, dialog,
                     [dialog, accepted = std::move(accepted)] {
                         const QStringList files = dialog->selectedFiles();
                         if (!files.isEmpty())
                             accepted(files.first());
                     });
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}
} // namespace

QInputDialog *Prompts::askText(QWidget *parent, const QString &objectName, const QString &title,
                               const QString &label, const QString &initial,
                               std::function<void(const QString &)> accepted)
{
    auto *dialog = new QInputDialog(parent);
    dialog->setObjectName(objectName);
    dialog->setWindowTitle(title);
    dialog->setLabelText(label);
    dialog->setTextValue(initial);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QObject::connect(dialog, &QInputDialog::accepted, dialog,
                     [dialog, accepted = std::move(accepted)] { accepted(dialog->textValue()); });
    dialog->open();
    return dialog;
}

QFileDialog *Prompts::openFile(QWidget *parent, const QString &title, const QString &nameFilter,
                               std::function<void(const QString &)> accepted)
{
    auto *dialog = new QFileDialog(parent, title, QString(), nameFilter);
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    dialog->setFileMode(QFileDialog::ExistingFile);
    acceptFirstFile(dialog, std::move(accepted));
    return dialog;
}

QFileDialog *Prompts::saveFile(QWidget *parent, const QString &title, const QString &nameFilter,
                               const QString &defaultSuffix,
                               std::function<void(const QString &)> accepted)
{
    auto *dialog = new QFileDialog(parent, title, QString(), nameFilter);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setDefaultSuffix(defaultSuffix);
    acceptFirstFile(dialog, std::move(accepted));
    return dialog;
}

} // namespace fleet
