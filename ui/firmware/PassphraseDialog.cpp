#include "PassphraseDialog.h"

#include "firmware/SigningKeyStore.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace fleet {

PassphraseDialog::PassphraseDialog(Mode mode, const QString &explanation, QWidget *parent)
    : QDialog(parent)
    , m_mode(mode)
    , m_passphrase(new QLineEdit(this))
    , m_confirm(new QLineEdit(this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(mode == Mode::Create ? QStringLiteral("createKeyDialog")
                                       : QStringLiteral("passphraseDialog"));
    setWindowTitle(mode == Mode::Create ? tr("Create signing key") : tr("Signing key passphrase"));
    m_passphrase->setObjectName(QStringLiteral("passphraseEdit"));
    m_passphrase->setEchoMode(QLineEdit::Password);
    m_confirm->setObjectName(QStringLiteral("confirmEdit"));
    m_confirm->setEchoMode(QLineEdit::Password);
    m_problem->setObjectName(QStringLiteral("passphraseProblem"));
    m_problem->setStyleSheet(QStringLiteral("color: #b3261e;"));
    auto *text = new QLabel(explanation, this);
    text->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(tr("Passphrase:"), m_passphrase);
    if (mode == Mode::Create)
        form->addRow(tr("Repeat:"), m_confirm);
    else
        m_confirm->hide();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    setMinimumWidth(420);

    connect(m_passphrase, &QLineEdit::textChanged, this, &PassphraseDialog::validate);
    connect(m_confirm, &QLineEdit::textChanged, this, &PassphraseDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
}

QByteArray PassphraseDialog::passphrase() const
{
    return m_passphrase->text().toUtf8();
}

void PassphraseDialog::validate()
{
    QString problem;
    if (m_mode == Mode::Create) {
        if (m_passphrase->text().size() < SigningKeyStore::MinPassphraseLength)
            problem = tr("At least %1 characters.").arg(SigningKeyStore::MinPassphraseLength);
        else if (m_confirm->text() != m_passphrase->text())
            problem = tr("The two passphrases differ.");
    } else if (m_passphrase->text().isEmpty()) {
        problem = QStringLiteral(" ");
    }
    m_problem->setText(problem.trimmed());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace fleet
