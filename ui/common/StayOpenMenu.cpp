#include "StayOpenMenu.h"

#include <QMouseEvent>

namespace fleet {

void StayOpenMenu::mouseReleaseEvent(QMouseEvent *event)
{
    QAction *action = actionAt(event->position().toPoint());
    if (action && action->isCheckable() && action->isEnabled()) {
        action->trigger(); // toggles it; the menu stays up for the next tick
        return;
    }
    QMenu::mouseReleaseEvent(event);
}

} // namespace fleet
