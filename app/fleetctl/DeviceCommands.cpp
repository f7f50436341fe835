#include "DeviceCommands.h"

#include "AuditFormatter.h"
#include "CommandContext.h"
#include "DdiTokenCommands.h"
#include "DeviceFormatter.h"
#include "DriftCommands.h"
#include "FieldList.h"
#include "TextTable.h"
#include "audit/AuditQuery.h"
#include "inventory/DeviceRepository.h"
#include "inventory/LifecycleState.h"
#include "io/CycloneDxSbom.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

namespace fleet {

namespace {

constexpr qint64 kDefaultHistory = 10;

CommandSpec::Argument uidsArgument()
{
    return {QStringLiteral("UID"), QStringLiteral("Device id(s), as shown in 'inventory list'."),
            true, true};
}

CommandSpec::Argument uidArgument()
{
    return {QStringLiteral("UID"), QStringLiteral("The device's id, as shown in 'inventory list'."),
            true, false};
}

QCommandLineOption reasonOption(const QString &help)
{
    return QCommandLineOption(QStringLiteral("reason"), help, QStringLiteral("TEXT"));
}

// Each uid once, in the order given: naming a device twice must not count it twice.
QStringList distinct(QStringList uids)
{
    uids.removeDuplicates();
    return uids;
}

} // namespace

QString DeviceCommands::summary() const
{
    return QStringLiteral("Show one device, or change devices named by their ids: lifecycle "
                          "state, tags, groups, notes, SBOM.");
}

QList<CommandSpec> DeviceCommands::commands()
{
    CommandSpec show;
    show.name = QStringLiteral("show");
    show.summary = QStringLiteral("Show everything about one device");
    show.description = QStringLiteral(
        "Shows every field of a device, its tags and groups, its SBOM components, its "
        "configuration, its firmware history and its most recent audit entries.");
    show.arguments = {uidArgument()};
    show.options = {QCommandLineOption(
        QStringLiteral("history"),
        QStringLiteral("How many recent audit entries to show (default %1).").arg(kDefaultHistory),
        QStringLiteral("N"))};
    show.examples = {QStringLiteral("device show gw-plant-a-0042"),
                     QStringLiteral("--json device show gw-plant-a-0042")};
    show.run = [this](CommandContext &c) {
        return this->show(c);
    };

    CommandSpec setState;
    setState.name = QStringLiteral("set-state");
    setState.summary = QStringLiteral("Move devices to another lifecycle state");
    setState.description =
        QStringLiteral("Sets the lifecycle state of the named devices. Moving devices to "
                       "quarantined, decommissioning or retired takes them out of service and "
                       "needs --reason. Devices already in the state are left as they are.");
    setState.arguments = {uidsArgument()};
    setState.options = {
        QCommandLineOption(QStringLiteral("state"),
                           QStringLiteral("The new state (required): %1.")
                               .arg(lifecycleStateNames().join(QStringLiteral(", "))),
                           QStringLiteral("STATE")),
        reasonOption(QStringLiteral("Why, for the audit trail; required for quarantined, "
                                    "decommissioning and retired.")),
    };
    setState.examples = {
        QStringLiteral("device set-state gw-0001 gw-0002 --state maintenance"),
        QStringLiteral("device set-state gw-0003 --state quarantined --reason \"CVE-2024-1234 "
                       "exposure\""),
    };
    setState.run = [this](CommandContext &c) {
        return this->setState(c);
    };

    CommandSpec tag;
    tag.name = QStringLiteral("tag");
    tag.summary = QStringLiteral("Add a tag to devices or remove it");
    tag.description = QStringLiteral("Adds a tag to the named devices (--add) or removes it "
                                     "(--remove). Give exactly one of the two.");
    tag.arguments = {uidsArgument()};
    tag.options = {
        QCommandLineOption(QStringLiteral("add"), QStringLiteral("The tag to add."),
                           QStringLiteral("TAG")),
        QCommandLineOption(QStringLiteral("remove"), QStringLiteral("The tag to remove."),
                           QStringLiteral("TAG")),
        reasonOption(QStringLiteral("Why, for the audit trail.")),
    };
    tag.examples = {QStringLiteral("device tag gw-0001 gw-0002 --add needs-patch")};
    tag.run = [this](CommandContext &c) {
        return this->tag(c);
    };

    CommandSpec group;
    group.name = QStringLiteral("group");
    group.summary = QStringLiteral("Add devices to a group or remove them from it");
    group.description = QStringLiteral(
        "Adds the named devices to a static group (--add; the group is created if it does not "
        "exist) or removes them from it (--remove). Give exactly one of the two.");
    group.arguments = {uidsArgument()};
    group.options = {
        QCommandLineOption(QStringLiteral("add"), QStringLiteral("The group to add them to."),
                           QStringLiteral("GROUP")),
        QCommandLineOption(QStringLiteral("remove"),
                           QStringLiteral("The group to remove them from."),
                           QStringLiteral("GROUP")),
        reasonOption(QStringLiteral("Why, for the audit trail.")),
    };
    group.examples = {QStringLiteral("device group gw-0001 gw-0002 --add line-3")};
    group.run = [this](CommandContext &c) {
        return this->group(c);
    };

    CommandSpec notes;
    notes.name = QStringLiteral("notes");
    notes.summary = QStringLiteral("Set a device's notes");
    notes.description = QStringLiteral("Replaces a device's free-text notes. --set \"\" clears "
                                       "them.");
    notes.arguments = {uidArgument()};
    notes.options = {QCommandLineOption(QStringLiteral("set"),
                                        QStringLiteral("The new notes (required)."),
                                        QStringLiteral("TEXT"))};
    notes.examples = {QStringLiteral("device notes gw-0001 --set \"Mounted behind press 4\"")};
    notes.run = [this](CommandContext &c) {
        return this->notes(c);
    };

    CommandSpec sbom;
    sbom.name = QStringLiteral("attach-sbom");
    sbom.summary = QStringLiteral("Replace a device's SBOM with a CycloneDX JSON file");
    sbom.description = QStringLiteral(
        "Reads the components (name, version, purl, cpe) of a CycloneDX JSON SBOM (spec "
        "versions 1.2 to 1.6) and makes them the device's software bill of materials, replacing "
        "the previous one.");
    sbom.arguments = {uidArgument(),
                      {QStringLiteral("FILE"), QStringLiteral("A CycloneDX JSON file (.cdx.json)."),
                       true, false}};
    sbom.examples = {QStringLiteral("device attach-sbom gw-0001 gw-fw-2.4.1.cdx.json")};
    sbom.run = [this](CommandContext &c) {
        return this->attachSbom(c);
    };

    return QList<CommandSpec>{
               show, setState, tag, group, notes, sbom, DdiTokenCommands::deviceToken()} +
           DriftCommands::commands();
}

int DeviceCommands::show(CommandContext &c)
{
    auto history = c.integerOption(QStringLiteral("history"), kDefaultHistory, 0, 100000);
    if (!history)
        return c.usageError(history.message());
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    SqliteDatabase &db = session.value()->db();
    DeviceRepository repository(db);
    auto device = repository.loadByUid(c.argument(0));
    if (!device)
        return c.fail(device.error());
    const Device &d = device.value();
    auto firmware = repository.firmwareHistory(d.id);
    if (!firmware)
        return c.fail(firmware.error());
    AuditFilter auditFilter;
    auditFilter.objectType = QStringLiteral("device");
    auditFilter.objectId = d.uid;
    auto auditTotal = AuditQuery::count(db, auditFilter);
    if (!auditTotal)
        return c.fail(auditTotal.error());
    auto audit = AuditQuery::list(db, auditFilter, 0, int(history.value()), true);
    if (!audit)
        return c.fail(audit.error());

    if (c.out().isJson()) {
        QJsonObject doc = DeviceFormatter::toJson(d);
        QJsonArray changes;
        for (const FirmwareChange &change : firmware.value())
            changes.append(DeviceFormatter::toJson(change));
        doc.insert(QStringLiteral("firmware_history"), changes);
        QJsonArray entries;
        for (const AuditEntry &e : audit.value())
            entries.append(AuditFormatter::toJson(e));
        doc.insert(QStringLiteral("audit"), entries);
        doc.insert(QStringLiteral("audit_total"), auditTotal.value());
        c.out().json(doc);
        return ExitCodes::value(ExitCode::Ok);
    }

    Output &out = c.out();
    out.line(QStringLiteral("Device %1").arg(d.uid));
    FieldList fields(2);
    for (const auto &f : DeviceFormatter::fields(d))
        fields.add(f.first, f.second);
    out.text(fields.render());

    out.line();
    if (d.components.isEmpty()) {
        out.line(QStringLiteral("Components: none recorded"));
    } else {
        out.line(QStringLiteral("Components (%1):").arg(d.components.size()));
        TextTable table({QStringLiteral("Name"), QStringLiteral("Version"),
                         QStringLiteral("Package URL"), QStringLiteral("CPE")});
        table.setMaxWidth(2, 60);
        table.setMaxWidth(3, 60);
        for (const Component &comp : d.components)
            table.addRow({comp.name, comp.version, comp.purl, comp.cpe});
        out.text(table.render(2));
    }

    out.line();
    if (d.config.isEmpty()) {
        out.line(QStringLiteral("Configuration: none recorded"));
    } else {
        out.line(QStringLiteral("Configuration (%1 keys, hash %2):")
                     .arg(d.config.size())
                     .arg(d.configHash));
        for (auto it = d.config.cbegin(); it != d.config.cend(); ++it)
            out.line(QStringLiteral("  %1 = %2").arg(it.key(), it.value()));
    }

    out.line();
    if (firmware->isEmpty()) {
        out.line(QStringLiteral("Firmware history: none recorded"));
    } else {
        out.line(firmware->size() == 1
                     ? QStringLiteral("Firmware history (1 change):")
                     : QStringLiteral("Firmware history (%1 changes):").arg(firmware->size()));
        TextTable table({QStringLiteral("When (UTC)"), QStringLiteral("From"), QStringLiteral("To"),
                         QStringLiteral("Source")});
        for (const FirmwareChange &change : firmware.value())
            table.addRow({DeviceFormatter::utcText(change.at), change.fromVersion, change.toVersion,
                          change.source});
        out.text(table.render(2));
    }

    out.line();
    if (audit->isEmpty()) {
        out.line(QStringLiteral("Audit trail: no entries for this device"));
    } else {
        const bool all = audit->size() == auditTotal.value();
        out.line(
            all ? QStringLiteral("Audit trail (%1 %2, newest first):")
                      .arg(audit->size())
                      .arg(audit->size() == 1 ? QStringLiteral("entry") : QStringLiteral("entries"))
                : QStringLiteral("Audit trail (latest %1 of %2 entries; 'fleetctl audit list "
                                 "--object %3' shows all):")
                      .arg(audit->size())
                      .arg(auditTotal.value())
                      .arg(d.uid));
        TextTable table({QStringLiteral("#"), QStringLiteral("When (UTC)"), QStringLiteral("Who"),
                         QStringLiteral("Action"), QStringLiteral("Change"),
                         QStringLiteral("Reason")});
        table.setRightAligned(0);
        table.setMaxWidth(4, 60);
        for (const AuditEntry &e : audit.value())
            table.addRow({QString::number(e.seq), AuditFormatter::timeText(e.tsMs),
                          AuditFormatter::actorText(e), e.action, AuditFormatter::changeSummary(e),
                          e.reason});
        out.text(table.render(2));
    }
    return ExitCodes::value(ExitCode::Ok);
}

int DeviceCommands::reportChange(CommandContext &c, const QString &action, const QString &value,
                                 const QStringList &uids, int changed)
{
    const qsizetype unchanged = uids.size() - changed;
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("action"), action);
        doc.insert(QStringLiteral("value"), value);
        doc.insert(QStringLiteral("devices"), QJsonArray::fromStringList(uids));
        doc.insert(QStringLiteral("changed"), changed);
        doc.insert(QStringLiteral("unchanged"), unchanged);
        c.out().json(doc);
        return ExitCodes::value(ExitCode::Ok);
    }
    QString line =
        QStringLiteral("%1: %2 of %3 %4 changed")
            .arg(action)
            .arg(changed)
            .arg(uids.size())
            .arg(uids.size() == 1 ? QStringLiteral("device") : QStringLiteral("devices"));
    if (unchanged > 0)
        line += QStringLiteral(" (%1 already %2)")
                    .arg(unchanged)
                    .arg(unchanged == 1 ? QStringLiteral("was") : QStringLiteral("were"));
    c.out().line(line + QLatin1Char('.'));
    return ExitCodes::value(ExitCode::Ok);
}

int DeviceCommands::setState(CommandContext &c)
{
    if (!c.isSet(QStringLiteral("state")))
        return c.usageError(QStringLiteral("--state is required: one of %1.")
                                .arg(lifecycleStateNames().join(QStringLiteral(", "))));
    const QStringList uids = distinct(c.arguments());
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    InventoryService &inventory = session.value()->inventory();
    auto ids = inventory.idsForUids(uids);
    if (!ids)
        return c.fail(ids.error());
    const QString state = c.value(QStringLiteral("state"));
    auto changed = inventory.setState(ids.value(), state, c.value(QStringLiteral("reason")));
    if (!changed)
        return c.fail(changed.error());
    const auto known = lifecycleStateFromName(state);
    return reportChange(c, QStringLiteral("State set to %1").arg(lifecycleStateName(*known)),
                        lifecycleStateName(*known), uids, changed.value());
}

int DeviceCommands::changeMembership(CommandContext &c, Membership what)
{
    const bool add = c.isSet(QStringLiteral("add"));
    const bool remove = c.isSet(QStringLiteral("remove"));
    const QString noun = what == Membership::Tag ? QStringLiteral("tag") : QStringLiteral("group");
    if (add == remove)
        return c.usageError(
            QStringLiteral("Give exactly one of --add %1 or --remove %1.").arg(noun.toUpper()));
    const QString value = c.value(add ? QStringLiteral("add") : QStringLiteral("remove"));
    const QString reason = c.value(QStringLiteral("reason"));
    const QStringList uids = distinct(c.arguments());

    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    InventoryService &inventory = session.value()->inventory();
    auto ids = inventory.idsForUids(uids);
    if (!ids)
        return c.fail(ids.error());
    Result<int> changed = Error::failed(QString());
    QString action;
    if (what == Membership::Tag) {
        changed = add ? inventory.addTag(ids.value(), value, reason)
                      : inventory.removeTag(ids.value(), value, reason);
        action = add ? QStringLiteral("Tag '%1' added").arg(value)
                     : QStringLiteral("Tag '%1' removed").arg(value);
    } else {
        changed = add ? inventory.addToGroup(ids.value(), value, reason)
                      : inventory.removeFromGroup(ids.value(), value, reason);
        action = add ? QStringLiteral("Added to group '%1'").arg(value)
                     : QStringLiteral("Removed from group '%1'").arg(value);
    }
    if (!changed)
        return c.fail(changed.error());
    return reportChange(c, action, value, uids, changed.value());
}

int DeviceCommands::tag(CommandContext &c)
{
    return changeMembership(c, Membership::Tag);
}

int DeviceCommands::group(CommandContext &c)
{
    return changeMembership(c, Membership::Group);
}

int DeviceCommands::notes(CommandContext &c)
{
    if (!c.isSet(QStringLiteral("set")))
        return c.usageError(QStringLiteral("--set TEXT is required (--set \"\" clears the "
                                           "notes)."));
    const QString uid = c.argument(0);
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    InventoryService &inventory = session.value()->inventory();
    auto ids = inventory.idsForUids({uid});
    if (!ids)
        return c.fail(ids.error());
    const QString text = c.value(QStringLiteral("set"));
    if (Status s = inventory.setNotes(ids->first(), text); !s)
        return c.fail(s.error());
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("device"), uid);
        doc.insert(QStringLiteral("notes"), text);
        c.out().json(doc);
    }
    c.out().line(text.isEmpty() ? QStringLiteral("Notes of %1 cleared.").arg(uid)
                                : QStringLiteral("Notes of %1 set.").arg(uid));
    return ExitCodes::value(ExitCode::Ok);
}

int DeviceCommands::attachSbom(CommandContext &c)
{
    const QString uid = c.argument(0);
    const QString file = c.argument(1);
    if (!QFileInfo(file).isFile())
        return c.fail(Error::notFound(QStringLiteral("No file at %1").arg(file)));
    auto components = CycloneDxSbom::parseFile(file);
    if (!components)
        return c.fail(components.error());

    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    InventoryService &inventory = session.value()->inventory();
    auto ids = inventory.idsForUids({uid});
    if (!ids)
        return c.fail(ids.error());
    const QString source = QFileInfo(file).fileName();
    if (Status s = inventory.attachSbom(ids->first(), components.value(), source); !s)
        return c.fail(s.error());
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("device"), uid);
        doc.insert(QStringLiteral("source"), source);
        doc.insert(QStringLiteral("components"), int(components->size()));
        c.out().json(doc);
    }
    c.out().line(QStringLiteral("Attached %1 components from %2 to %3.")
                     .arg(components->size())
                     .arg(source, uid));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
