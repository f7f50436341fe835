#include "DeviceSelection.h"

#include "CommandContext.h"
#include "inventory/DeviceColumns.h"
#include "inventory/DeviceQuery.h"
#include "inventory/SavedFilters.h"

namespace fleet {

QList<QCommandLineOption> DeviceSelection::options()
{
    return {QCommandLineOption(QStringLiteral("device"),
                               QStringLiteral("A device's id (repeatable)."),
                               QStringLiteral("UID")),
            QCommandLineOption(QStringLiteral("filter"),
                               QStringLiteral("Every device that the saved filter matches now."),
                               QStringLiteral("NAME"))};
}

bool DeviceSelection::isGiven(CommandContext &c)
{
    return !c.values(QStringLiteral("device")).isEmpty() || c.isSet(QStringLiteral("filter"));
}

Result<QList<qint64>> DeviceSelection::resolve(CommandContext &c, WorkspaceSession &ws)
{
    QStringList uids = c.values(QStringLiteral("device"));
    uids.removeDuplicates();
    QList<qint64> ids;
    if (!uids.isEmpty()) {
        auto named = ws.inventory().idsForUids(uids);
        if (!named)
            return named.error();
        ids << named.value();
    }
    if (c.isSet(QStringLiteral("filter"))) {
        auto filter = ws.savedFilters().get(c.value(QStringLiteral("filter")));
        if (!filter)
            return filter.error();
        auto matching = DeviceQuery(filter.value(), DeviceColumns::Uid, false).ids(ws.db());
        if (!matching)
            return matching.error();
        if (matching->isEmpty())
            return Error::notFound(QStringLiteral("Saved filter '%1' matches no device.")
                                       .arg(c.value(QStringLiteral("filter"))));
        for (qint64 id : matching.value())
            if (!ids.contains(id))
                ids << id;
    }
    return ids;
}

} // namespace fleet
