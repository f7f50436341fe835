#include "BulkActionDialog.h"

#include "inventory/LifecycleState.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace fleet {

BulkActionDialog::BulkActionDialog(BulkAction::Kind kind, int deviceCount,
                                   const QStringList &suggestions, QWidget *parent)
    : QDialog(parent)
    , m_kind(kind)
    , m_value(new QComboBox(this))
    , m_reason(new QLineEdit(this))
    , m_reasonHint(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("bulkActionDialog"));
    setWindowTitle(BulkAction::title(kind));
    m_value->setObjectName(QStringLiteral("valueCombo"));
    m_reason->setObjectName(QStringLiteral("reasonEdit"));
    m_reasonHint->setObjectName(QStringLiteral("reasonHint"));
    m_buttons->setObjectName(QStringLiteral("buttons"));

    if (kind == BulkAction::SetState) {
        m_value->addItems(lifecycleStateNames());
    } else {
        m_value->setEditable(true);
        m_value->addItems(suggestions);
        m_value->setCurrentIndex(-1);
        m_value->setEditText(QString());
    }
    m_reason->setPlaceholderText(tr("Why — kept in the audit trail"));
    m_reasonHint->setWordWrap(true);

    auto *summary = new QLabel(
        tr("%1 for %n selected device(s).", nullptr, deviceCount).arg(BulkAction::title(kind)),
        this);
    auto *form = new QFormLayout;
    form->addRow(BulkAction::valueLabel(kind), m_value);
    form->addRow(tr("Reason:"), m_reason);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(summary);
    layout->addLayout(form);
    layout->addWidget(m_reasonHint);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_value, &QComboBox::currentTextChanged, this, &BulkActionDialog::updateState);
    connect(m_reason, &QLineEdit::textChanged, this, &BulkActionDialog::updateState);
    updateState();
    resize(420, sizeHint().height());
}

QString BulkActionDialog::value() const
{
    return m_value->currentText().trimmed();
}

QString BulkActionDialog::reason() const
{
    return m_reason->text().trimmed();
}

void BulkActionDialog::updateState()
{
    const bool needsReason = BulkAction::needsReason(m_kind, value());
    m_reasonHint->setText(needsReason ? tr("A reason is required: this takes the devices out "
                                           "of service.")
                                      : tr("A reason is optional."));
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(BulkAction::isComplete(m_kind, value(), reason()));
}

} // namespace fleet
