#pragma once

#include <QWidget>

namespace fleet {

// A section that is not built yet: says so plainly and names what will fill it.
class PlaceholderPage : public QWidget
{
    Q_OBJECT
public:
    PlaceholderPage(const QString &title, const QString &text, QWidget *parent = nullptr);
    QString text() const { return m_text; }

private:
    QString m_text;
};

} // namespace fleet
