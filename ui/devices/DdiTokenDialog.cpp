#include "DdiTokenDialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace fleet {

DdiTokenDialog::DdiTokenDialog(const QString &deviceUid, const IssuedDdiToken &issued,
                               QWidget *parent)
    : QDialog(parent)
    , m_token(new QLineEdit(issued.token, this))
    , m_copy(new QPushButton(tr("&Copy"), this))
{
    setObjectName(QStringLiteral("ddiTokenDialog"));
    setWindowTitle(tr("DDI token of %1").arg(deviceUid));
    setMinimumWidth(480);

    auto *intro = new QLabel(
        tr("The device's DDI client (SWUpdate's suricatta, rauc-hawkbit-updater) authenticates "
           "to the update server with this token, sent as \"Authorization: TargetToken "
           "<token>\".%1")
            .arg(issued.replacedOld ? tr(" The device's previous token no longer works.")
                                    : QString()),
        this);
    intro->setWordWrap(true);
    m_token->setObjectName(QStringLiteral("tokenField"));
    m_token->setReadOnly(true);
    m_token->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_token->setMinimumWidth(m_token->fontMetrics().horizontalAdvance(issued.token) + 24);
    m_token->selectAll();
    m_copy->setObjectName(QStringLiteral("copyTokenButton"));
    auto *note = new QLabel(
        tr("<b>Copy it now: it is shown only this once.</b> Fleetdesk keeps only its hash "
           "(fingerprint %1); a lost token is replaced by creating a new one.")
            .arg(issued.fingerprint.toHtmlEscaped()),
        this);
    note->setObjectName(QStringLiteral("tokenNote"));
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);

    auto *row = new QHBoxLayout;
    row->addWidget(m_token, 1);
    row->addWidget(m_copy);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(row);
    layout->addWidget(note);
    layout->addWidget(buttons);

    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_token->text());
        m_copy->setText(tr("Copied"));
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

} // namespace fleet
