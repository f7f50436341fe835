#include "WizardTargetSelection.h"

#include "common/BackgroundSession.h"
#include "inventory/DeviceColumns.h"
#include "inventory/DeviceQuery.h"
#include "inventory/SavedFilters.h"
#include "rollout/RolloutTargeting.h"

#include <QCoreApplication>

namespace fleet {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("fleet::WizardTargetSelection", text);
}
} // namespace

Result<QList<qint64>> WizardTargetSelection::resolveTargets(BackgroundSession &session) const
{
    QList<qint64> ids;
    switch (source) {
    case Source::Selection:
        ids = selectedIds;
        break;
    case Source::Group: {
        auto members = RolloutTargeting(session.db()).groupMembers(name);
        if (!members)
            return members.error();
        ids = members.value();
        break;
    }
    case Source::SavedFilter: {
        auto filter = SavedFilters(session.db(), session.audit()).get(name);
        if (!filter)
            return filter.error();
        auto matching = DeviceQuery(filter.value(), DeviceColumns::Uid, false).ids(session.db());
        if (!matching)
            return matching.error();
        ids = matching.value();
        break;
    }
    }
    if (ids.isEmpty())
        return Error::invalid(tr("There is no device in %1.").arg(describe()));
    return ids;
}

Result<QList<qint64>> WizardTargetSelection::resolvePilot(BackgroundSession &session) const
{
    if (pilotGroup.isEmpty())
        return QList<qint64>();
    auto members = RolloutTargeting(session.db()).groupMembers(pilotGroup);
    if (!members)
        return members.error();
    if (members->isEmpty())
        return Error::invalid(tr("The pilot group '%1' has no device.").arg(pilotGroup));
    return members.value();
}

QString WizardTargetSelection::describe() const
{
    switch (source) {
    case Source::Selection:
        return selectedIds.size() == 1 ? tr("the selected device")
                                       : tr("the %1 selected devices").arg(selectedIds.size());
    case Source::Group:
        return tr("group '%1'").arg(name);
    case Source::SavedFilter:
        return tr("saved filter '%1'").arg(name);
    }
    return QString();
}

} // namespace fleet
