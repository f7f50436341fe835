#include "GroupCommands.h"

#include "CommandContext.h"
#include "TextTable.h"
#include "storage/SqliteDatabase.h"

#include <QJsonArray>
#include <QJsonObject>

namespace fleet {

namespace {
CommandSpec::Argument nameArgument()
{
    return {QStringLiteral("NAME"), QStringLiteral("The group's name."), true, false};
}
} // namespace

QString GroupCommands::summary() const
{
    return QStringLiteral("Static device groups: list, create and delete them. Add devices "
                          "with 'fleetctl device group UID... --add NAME'.");
}

QList<CommandSpec> GroupCommands::commands()
{
    CommandSpec list;
    list.name = QStringLiteral("list");
    list.summary = QStringLiteral("List the groups with their member counts");
    list.run = [this](CommandContext &c) {
        return this->list(c);
    };

    CommandSpec create;
    create.name = QStringLiteral("create");
    create.summary = QStringLiteral("Create an empty group");
    create.arguments = {nameArgument()};
    create.options = {QCommandLineOption(QStringLiteral("description"),
                                         QStringLiteral("What the group is for."),
                                         QStringLiteral("TEXT"))};
    create.examples = {QStringLiteral("group create line-3 --description \"Press line 3, hall "
                                      "B\"")};
    create.run = [this](CommandContext &c) {
        return this->create(c);
    };

    CommandSpec remove;
    remove.name = QStringLiteral("delete");
    remove.summary = QStringLiteral("Delete a group (its devices stay in the inventory)");
    remove.description = QStringLiteral("Deletes a group. Its devices stay in the inventory; "
                                        "only their membership goes. Needs --reason.");
    remove.arguments = {nameArgument()};
    remove.options = {QCommandLineOption(QStringLiteral("reason"),
                                         QStringLiteral("Why, for the audit trail (required)."),
                                         QStringLiteral("TEXT"))};
    remove.examples = {QStringLiteral("group delete line-3 --reason \"Line dismantled\"")};
    remove.run = [this](CommandContext &c) {
        return this->remove(c);
    };

    return {list, create, remove};
}

int GroupCommands::list(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    auto s = session.value()->db().prepare(
        QStringLiteral("SELECT g.name, g.description, (SELECT count(*) FROM group_members gm WHERE "
                       "gm.group_id = g.id) FROM device_groups g ORDER BY g.name"));
    if (!s)
        return c.fail(s.error());
    QJsonArray groups;
    TextTable table(
        {QStringLiteral("Group"), QStringLiteral("Devices"), QStringLiteral("Description")});
    table.setRightAligned(1);
    table.setMaxWidth(2, 60);
    while (s->next()) {
        QJsonObject g;
        g.insert(QStringLiteral("name"), s->text(0));
        g.insert(QStringLiteral("description"), s->text(1));
        g.insert(QStringLiteral("devices"), s->int64(2));
        groups.append(g);
        table.addRow({s->text(0), QString::number(s->int64(2)), s->text(1)});
    }
    if (!s->lastStepError().isEmpty())
        return c.fail(Error::failed(s->lastStepError()));
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("groups"), groups);
        c.out().json(doc);
    } else if (groups.isEmpty()) {
        c.out().line(QStringLiteral("No groups yet. Create one with 'fleetctl group create "
                                    "NAME'."));
    } else {
        c.out().text(table.render());
    }
    return ExitCodes::value(ExitCode::Ok);
}

int GroupCommands::create(CommandContext &c)
{
    const QString name = c.argument(0).trimmed();
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    if (Status s =
            session.value()->inventory().createGroup(name, c.value(QStringLiteral("description")));
        !s)
        return c.fail(s.error());
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("created"), name);
        c.out().json(doc);
    }
    c.out().line(QStringLiteral("Created group '%1'.").arg(name));
    return ExitCodes::value(ExitCode::Ok);
}

int GroupCommands::remove(CommandContext &c)
{
    const QString name = c.argument(0);
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    if (Status s =
            session.value()->inventory().deleteGroup(name, c.value(QStringLiteral("reason")));
        !s)
        return c.fail(s.error());
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("deleted"), name);
        c.out().json(doc);
    }
    c.out().line(QStringLiteral("Deleted group '%1'.").arg(name));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
