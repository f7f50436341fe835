#include "DeviceFilterOptions.h"

#include "CommandContext.h"
#include "inventory/LifecycleState.h"
#include "inventory/SavedFilters.h"

namespace fleet {

QList<QCommandLineOption> DeviceFilterOptions::options()
{
    return {
        QCommandLineOption(QStringLiteral("model"),
                           QStringLiteral("Only devices of this model. Repeat for several."),
                           QStringLiteral("MODEL")),
        QCommandLineOption(QStringLiteral("firmware"),
                           QStringLiteral("Only devices running this firmware version. Repeat "
                                          "for several."),
                           QStringLiteral("VERSION")),
        QCommandLineOption(QStringLiteral("site"),
                           QStringLiteral("Only devices at this site. Repeat for several."),
                           QStringLiteral("SITE")),
        QCommandLineOption(QStringLiteral("group"),
                           QStringLiteral("Only members of this group. Repeat for several."),
                           QStringLiteral("GROUP")),
        QCommandLineOption(QStringLiteral("state"),
                           QStringLiteral("Only devices in this lifecycle state (%1). Repeat "
                                          "for several.")
                               .arg(lifecycleStateNames().join(QStringLiteral(", "))),
                           QStringLiteral("STATE")),
        QCommandLineOption(QStringLiteral("tag"),
                           QStringLiteral("Only devices with this tag. Repeat for several."),
                           QStringLiteral("TAG")),
        QCommandLineOption(QStringLiteral("online"), QStringLiteral("Only devices online now.")),
        QCommandLineOption(QStringLiteral("offline"), QStringLiteral("Only devices offline now.")),
        QCommandLineOption(QStringLiteral("search"),
                           QStringLiteral("Only devices whose id, name, serial, vendor, model, "
                                          "hostname, IP, MAC or notes contain words starting "
                                          "with each word of TEXT."),
                           QStringLiteral("TEXT")),
        QCommandLineOption(QStringLiteral("filter"),
                           QStringLiteral("Start from the saved filter NAME (see 'fleetctl "
                                          "filter list'); the options above add to it."),
                           QStringLiteral("NAME")),
    };
}

int DeviceFilterOptions::build(CommandContext &context, SavedFilters &savedFilters,
                               DeviceFilter *filter)
{
    if (context.isSet(QStringLiteral("online")) && context.isSet(QStringLiteral("offline")))
        return context.usageError(QStringLiteral("--online and --offline exclude each other."));
    for (const QString &state : context.values(QStringLiteral("state")))
        if (!lifecycleStateFromName(state))
            return context.usageError(
                QStringLiteral("Unknown state '%1'; expected one of: %2.")
                    .arg(state, lifecycleStateNames().join(QStringLiteral(", "))));

    DeviceFilter f;
    if (context.isSet(QStringLiteral("filter"))) {
        auto saved = savedFilters.get(context.value(QStringLiteral("filter")));
        if (!saved)
            return context.fail(saved.error());
        f = saved.value();
    }
    f.models += context.values(QStringLiteral("model"));
    f.firmware += context.values(QStringLiteral("firmware"));
    f.sites += context.values(QStringLiteral("site"));
    f.groups += context.values(QStringLiteral("group"));
    for (const QString &state : context.values(QStringLiteral("state")))
        f.states << lifecycleStateName(*lifecycleStateFromName(state));
    f.tags += context.values(QStringLiteral("tag"));
    if (context.isSet(QStringLiteral("online")))
        f.online = true;
    if (context.isSet(QStringLiteral("offline")))
        f.online = false;
    if (context.isSet(QStringLiteral("search"))) {
        const QString text = context.value(QStringLiteral("search")).trimmed();
        f.text = f.text.isEmpty() ? text : f.text + QLatin1Char(' ') + text;
    }
    *filter = f;
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
