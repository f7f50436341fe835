#include "ColumnChooserDialog.h"

#include "inventory/DeviceColumns.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace fleet {

ColumnChooserDialog::ColumnChooserDialog(const QList<int> &visible, QWidget *parent)
    : QDialog(parent)
    , m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("columnChooserDialog"));
    setWindowTitle(tr("Columns"));
    m_list->setObjectName(QStringLiteral("columnList"));
    for (int c = 0; c < DeviceColumns::Count; ++c) {
        auto *item = new QListWidgetItem(DeviceColumns::title(c), m_list);
        item->setData(Qt::UserRole, c);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        item->setCheckState(visible.contains(c) ? Qt::Checked : Qt::Unchecked);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("buttons"));
    auto *defaults = buttons->addButton(tr("Defaults"), QDialogButtonBox::ResetRole);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(defaults, &QPushButton::clicked, this, [this] {
        for (int c = 0; c < DeviceColumns::Count; ++c)
            setColumnVisible(c, DeviceColumns::visibleByDefault(c));
    });
    connect(m_list, &QListWidget::itemChanged, this, &ColumnChooserDialog::updateOkButton);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Show these columns in the device table:"), this));
    layout->addWidget(m_list);
    layout->addWidget(buttons);
    updateOkButton();
}

QList<int> ColumnChooserDialog::visibleColumns() const
{
    QList<int> out;
    for (int row = 0; row < m_list->count(); ++row)
        if (m_list->item(row)->checkState() == Qt::Checked)
            out << m_list->item(row)->data(Qt::UserRole).toInt();
    return out;
}

void ColumnChooserDialog::setColumnVisible(int column, bool visible)
{
    if (column >= 0 && column < m_list->count())
        m_list->item(column)->setCheckState(visible ? Qt::Checked : Qt::Unchecked);
}

void ColumnChooserDialog::updateOkButton()
{
    // A table without columns would look broken: keep at least one.
    m_ok->setEnabled(!visibleColumns().isEmpty());
}

} // namespace fleet
