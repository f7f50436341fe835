#pragma once

#include <QByteArray>
#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace fleet {

// Asks for the release-signing key's passphrase: once to unlock the key (Approve), or twice
// when a new key is created, so a typo does not lock the key away.
class PassphraseDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Mode { Unlock, Create };

    PassphraseDialog(Mode mode, const QString &explanation, QWidget *parent = nullptr);

    QByteArray passphrase() const;
    QLineEdit *passphraseEdit() const { return m_passphrase; }
    QLineEdit *confirmEdit() const { return m_confirm; }

private:
    void validate();

    Mode m_mode;
    QLineEdit *m_passphrase;
    QLineEdit *m_confirm;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

} // namespace fleet
