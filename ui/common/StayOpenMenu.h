#pragma once

#include <QMenu>

namespace fleet {

// A menu that stays open when a checkable item is clicked, so several values of a filter can be
// ticked in one go (a plain QMenu closes after every click). Other items behave as usual.
class StayOpenMenu : public QMenu
{
    Q_OBJECT
public:
    using QMenu::QMenu;

protected:
    void mouseReleaseEvent(QMouseEvent *event) override;
};

} // namespace fleet
