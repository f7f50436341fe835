#include "FilterCommands.h"

#include "CommandContext.h"
#include "DeviceFilterOptions.h"
#include "TextTable.h"
#include "inventory/DeviceColumns.h"
#include "inventory/DeviceQuery.h"

#include <QJsonArray>
#include <QJsonObject>

namespace fleet {

namespace {
CommandSpec::Argument nameArgument()
{
    return {QStringLiteral("NAME"), QStringLiteral("The saved filter's name."), true, false};
}
} // namespace

QString FilterCommands::summary() const
{
    return QStringLiteral("Saved filters, the dynamic groups: whoever matches now is a member. "
                          "Use one with 'fleetctl inventory list --filter NAME'.");
}

QList<CommandSpec> FilterCommands::commands()
{
    CommandSpec list;
    list.name = QStringLiteral("list");
    list.summary = QStringLiteral("List the saved filters and how many devices match each");
    list.run = [this](CommandContext &c) {
        return this->list(c);
    };

    CommandSpec save;
    save.name = QStringLiteral("save");
    save.summary = QStringLiteral("Save a filter under a name, replacing one of that name");
    save.description = QStringLiteral(
        "Saves the filter given by the options under NAME, replacing a saved filter of the "
        "same name. Takes the same filter options as 'inventory list'.");
    save.arguments = {nameArgument()};
    save.options = DeviceFilterOptions::options();
    save.examples = {QStringLiteral("filter save needs-patch --model GW-4000 --firmware 2.3.0 "
                                    "--firmware 2.3.1")};
    save.run = [this](CommandContext &c) {
        return this->save(c);
    };

    CommandSpec remove;
    remove.name = QStringLiteral("delete");
    remove.summary = QStringLiteral("Delete a saved filter");
    remove.arguments = {nameArgument()};
    remove.run = [this](CommandContext &c) {
        return this->remove(c);
    };

    return {list, save, remove};
}

int FilterCommands::list(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    auto entries = session.value()->savedFilters().list();
    if (!entries)
        return c.fail(entries.error());
    QJsonArray filters;
    TextTable table(
        {QStringLiteral("Filter"), QStringLiteral("Devices"), QStringLiteral("Matches")});
    table.setRightAligned(1);
    table.setMaxWidth(2, 80);
    for (const SavedFilters::Entry &entry : entries.value()) {
        auto matching =
            DeviceQuery(entry.filter, DeviceColumns::Uid, false).count(session.value()->db());
        if (!matching)
            return c.fail(matching.error());
        QJsonObject f;
        f.insert(QStringLiteral("name"), entry.name);
        f.insert(QStringLiteral("filter"), entry.filter.toJson());
        f.insert(QStringLiteral("description"), entry.filter.describe());
        f.insert(QStringLiteral("devices"), matching.value());
        filters.append(f);
        table.addRow({entry.name, QString::number(matching.value()), entry.filter.describe()});
    }
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("filters"), filters);
        c.out().json(doc);
    } else if (filters.isEmpty()) {
        c.out().line(QStringLiteral("No saved filters yet. Save one with 'fleetctl filter save "
                                    "NAME [filter options]'."));
    } else {
        c.out().text(table.render());
    }
    return ExitCodes::value(ExitCode::Ok);
}

int FilterCommands::save(CommandContext &c)
{
    const QString name = c.argument(0).trimmed();
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    DeviceFilter filter;
    if (int rc = DeviceFilterOptions::build(c, session.value()->savedFilters(), &filter))
        return rc;
    if (Status s = session.value()->savedFilters().save(name, filter); !s)
        return c.fail(s.error());
    auto matching = DeviceQuery(filter, DeviceColumns::Uid, false).count(session.value()->db());
    if (!matching)
        return c.fail(matching.error());
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("saved"), name);
        doc.insert(QStringLiteral("filter"), filter.toJson());
        doc.insert(QStringLiteral("devices"), matching.value());
        c.out().json(doc);
    }
    c.out().line(QStringLiteral("Saved filter '%1' (%2); %3 devices match now.")
                     .arg(name, filter.describe())
                     .arg(matching.value()));
    return ExitCodes::value(ExitCode::Ok);
}

int FilterCommands::remove(CommandContext &c)
{
    const QString name = c.argument(0);
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    if (Status s = session.value()->savedFilters().remove(name); !s)
        return c.fail(s.error());
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("deleted"), name);
        c.out().json(doc);
    }
    c.out().line(QStringLiteral("Deleted saved filter '%1'.").arg(name));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
