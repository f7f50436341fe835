#include "PlaceholderPage.h"

#include <QLabel>
#include <QVBoxLayout>

namespace fleet {

PlaceholderPage::PlaceholderPage(const QString &title, const QString &text, QWidget *parent)
    : QWidget(parent)
    , m_text(text)
{
    auto *heading = new QLabel(title, this);
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setBold(true);
    heading->setFont(font);
    heading->setAlignment(Qt::AlignCenter);

    auto *body = new QLabel(text, this);
    body->setObjectName(QStringLiteral("placeholderText"));
    body->setWordWrap(true);
    body->setAlignment(Qt::AlignCenter);

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(heading);
    layout->addWidget(body);
    layout->addStretch(2);
}

} // namespace fleet
