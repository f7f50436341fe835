#include "BulkAction.h"

#include "inventory/InventoryService.h"
#include "inventory/LifecycleState.h"

namespace fleet {

QString BulkAction::title(Kind kind)
{
    switch (kind) {
    case AddTag:
        return tr("Add tag");
    case RemoveTag:
        return tr("Remove tag");
    case AddToGroup:
        return tr("Add to group");
    case RemoveFromGroup:
        return tr("Remove from group");
    case SetState:
        return tr("Set state");
    }
    return {};
}

QString BulkAction::valueLabel(Kind kind)
{
    switch (kind) {
    case AddTag:
    case RemoveTag:
        return tr("Tag:");
    case AddToGroup:
    case RemoveFromGroup:
        return tr("Group:");
    case SetState:
        return tr("New state:");
    }
    return {};
}

QString BulkAction::doneMessage(Kind kind, const QString &value, int changed, int selected)
{
    const QString unchanged =
        changed < selected ? tr(" (%1 already were)").arg(selected - changed) : QString();
    QString what;
    switch (kind) {
    case AddTag:
        what = tr("Tag \"%1\" added to %2 devices");
        break;
    case RemoveTag:
        what = tr("Tag \"%1\" removed from %2 devices");
        break;
    case AddToGroup:
        what = tr("%2 devices added to group \"%1\"");
        break;
    case RemoveFromGroup:
        what = tr("%2 devices removed from group \"%1\"");
        break;
    case SetState:
        what = tr("%2 devices set to %1");
        break;
    }
    return what.arg(value).arg(changed) + unchanged + QLatin1Char('.');
}

bool BulkAction::needsReason(Kind kind, const QString &value)
{
    if (kind != SetState)
        return false;
    const auto state = lifecycleStateFromName(value);
    return state && isRiskyTarget(*state);
}

bool BulkAction::isComplete(Kind kind, const QString &value, const QString &reason)
{
    if (value.trimmed().isEmpty())
        return false;
    if (kind == SetState && !lifecycleStateFromName(value))
        return false;
    return !needsReason(kind, value) || !reason.trimmed().isEmpty();
}

Result<int> BulkAction::run(InventoryService &inventory, Kind kind, const QList<qint64> &ids,
                            const QString &value, const QString &reason)
{
    const QString v = value.trimmed();
    const QString r = reason.trimmed();
    switch (kind) {
    case AddTag:
        return inventory.addTag(ids, v, r);
    case RemoveTag:
        return inventory.removeTag(ids, v, r);
    case AddToGroup:
        return inventory.addToGroup(ids, v, r);
    case RemoveFromGroup:
        return inventory.removeFromGroup(ids, v, r);
    case SetState:
        return inventory.setState(ids, v, r);
    }
    return Error::invalid(tr("Unknown bulk action"));
}

} // namespace fleet
