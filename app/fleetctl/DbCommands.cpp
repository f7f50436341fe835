#include "DbCommands.h"

#include "AuditFormatter.h"
#include "CommandContext.h"
#include "FieldList.h"
#include "audit/AuditHeadAnchor.h"
#include "audit/AuditVerifier.h"
#include "storage/Migrations.h"
#include "storage/SqliteDatabase.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

namespace fleet {

QString DbCommands::summary() const
{
    return QStringLiteral("The workspace file itself: check it, describe it, upgrade its "
                          "schema. A damaged file is reported, never repaired.");
}

QList<CommandSpec> DbCommands::commands()
{
    CommandSpec check;
    check.name = QStringLiteral("check");
    check.summary = QStringLiteral("Check integrity, schema version and the audit chain");
    check.description = QStringLiteral(
        "Opens the workspace read-only and checks it: SQLite's quick_check (or the slower, "
        "thorough integrity_check with --full), the schema version against the one this "
        "fleetctl knows, and the audit chain. The file is never changed. Exit code 4 when the "
        "workspace is damaged or unusable, 5 when the audit trail is broken, 0 when all is "
        "well.");
    check.options = {QCommandLineOption(
        QStringLiteral("full"),
        QStringLiteral("Run the full integrity_check instead of quick_check (slower; also "
                       "checks that indexes match their tables)."))};
    check.examples = {QStringLiteral("db check"),
                      QStringLiteral("--workspace /mnt/usb/plant-a.fleetdesk db check --full")};
    check.run = [this](CommandContext &c) {
        return this->check(c);
    };

    CommandSpec info;
    info.name = QStringLiteral("info");
    info.summary = QStringLiteral("Describe the workspace: size, schema, contents");
    info.run = [this](CommandContext &c) {
        return this->info(c);
    };

    CommandSpec upgrade;
    upgrade.name = QStringLiteral("upgrade");
    upgrade.summary = QStringLiteral("Upgrade a workspace from an older Fleetdesk");
    upgrade.description = QStringLiteral(
        "Upgrades a workspace written by an older Fleetdesk to the schema this fleetctl "
        "writes, so that read-only commands (list, show, export, verify) accept it. The file "
        "as it was is first copied beside it as <file>.v<N>.bak. Commands that change the "
        "workspace upgrade it the same way on their own.");
    upgrade.examples = {QStringLiteral("--workspace old-plant.fleetdesk db upgrade")};
    upgrade.run = [this](CommandContext &c) {
        return this->upgrade(c);
    };

    return {check, info, upgrade};
}

int DbCommands::check(CommandContext &c)
{
    const bool full = c.isSet(QStringLiteral("full"));
    const QString path = QFileInfo(c.workspacePath()).absoluteFilePath();
    FieldList report;
    QJsonObject doc;
    report.add(QStringLiteral("Workspace"), path);
    doc.insert(QStringLiteral("workspace"), path);

    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session) {
        const Error &e = session.error();
        if (e.kind != Error::Kind::Damaged && e.kind != Error::Kind::Incompatible)
            return c.fail(e);
        // The check's finding, not a failure to run it: report it like any other result.
        report.add(QStringLiteral("Result"), QStringLiteral("UNUSABLE: %1").arg(e.message));
        doc.insert(QStringLiteral("ok"), false);
        doc.insert(QStringLiteral("usable"), false);
        doc.insert(QStringLiteral("problem"), e.message);
        doc.insert(QStringLiteral("kind"), ExitCodes::kindName(e.kind));
        if (c.out().isJson())
            c.out().json(doc);
        c.out().text(report.render());
        return ExitCodes::value(ExitCode::WorkspaceUnusable);
    }
    SqliteDatabase &db = session.value()->db();
    Workspace &ws = session.value()->workspace();

    auto problems = Workspace::check(db, full);
    if (!problems)
        return c.fail(problems.error());
    const QString checkName =
        full ? QStringLiteral("integrity_check") : QStringLiteral("quick_check");
    if (problems->isEmpty()) {
        report.add(QStringLiteral("Integrity"), QStringLiteral("ok (%1)").arg(checkName));
    } else {
        QString text =
            QStringLiteral("FAILED (%1): %2")
                .arg(checkName, problems->size() == 1
                                    ? QStringLiteral("1 problem")
                                    : QStringLiteral("%1 problems").arg(problems->size()));
        // SQLite reports some problems as several lines ("*** in database main ***\nPage 30:
        // ..."): list every line as its own item.
        for (const QString &p : problems.value())
            for (const QString &line : p.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
                text += QStringLiteral("\n  %1").arg(line.trimmed());
        report.add(QStringLiteral("Integrity"), text);
    }
    doc.insert(QStringLiteral("check"), checkName);
    doc.insert(QStringLiteral("integrity_problems"), QJsonArray::fromStringList(problems.value()));

    auto version = Migrations::currentVersion(db);
    if (!version)
        return c.fail(version.error());
    report.add(QStringLiteral("Schema"),
               QStringLiteral("version %1 (this fleetctl writes version %2)")
                   .arg(version.value())
                   .arg(Migrations::latestVersion()));
    doc.insert(QStringLiteral("schema_version"), version.value());
    doc.insert(QStringLiteral("latest_schema_version"), Migrations::latestVersion());

    auto audit = AuditVerifier::verify(db, ws.auditHeadPath());
    bool auditIntact = false;
    if (audit) {
        auditIntact = audit->intact;
        report.add(QStringLiteral("Audit trail"), audit->summary());
        for (const QString &w : audit->warnings)
            c.out().warning(w);
        doc.insert(QStringLiteral("audit"), AuditFormatter::toJson(audit.value()));
    } else {
        report.add(QStringLiteral("Audit trail"),
                   QStringLiteral("could not be verified: %1").arg(audit.message()));
        QJsonObject a;
        a.insert(QStringLiteral("intact"), false);
        a.insert(QStringLiteral("problem"), audit.message());
        doc.insert(QStringLiteral("audit"), a);
    }

    ExitCode code = ExitCode::Ok;
    QString verdict = QStringLiteral("OK");
    if (!problems->isEmpty()) {
        code = ExitCode::WorkspaceUnusable;
        verdict = QStringLiteral("DAMAGED: restore the workspace from a backup. Nothing was "
                                 "changed.");
    } else if (!auditIntact) {
        code = ExitCode::AuditBroken;
        verdict = QStringLiteral("AUDIT TRAIL BROKEN: the trail was altered outside Fleetdesk. "
                                 "Nothing was changed.");
    }
    report.add(QStringLiteral("Result"), verdict);
    doc.insert(QStringLiteral("ok"), code == ExitCode::Ok);
    doc.insert(QStringLiteral("usable"), problems->isEmpty());
    if (c.out().isJson())
        c.out().json(doc);
    c.out().text(report.render());
    return ExitCodes::value(code);
}

int DbCommands::info(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    SqliteDatabase &db = session.value()->db();
    Workspace &ws = session.value()->workspace();

    auto count = [&db](const char *table) -> Result<qint64> {
        auto v = db.scalar(QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(table)));
        if (!v)
            return v.error();
        return v.value().toLongLong();
    };
    auto version = Migrations::currentVersion(db);
    if (!version)
        return c.fail(version.error());
    QJsonObject doc;
    FieldList report;
    const qint64 bytes = QFileInfo(ws.path()).size();
    doc.insert(QStringLiteral("workspace"), ws.path());
    doc.insert(QStringLiteral("bytes"), bytes);
    doc.insert(QStringLiteral("schema_version"), version.value());
    doc.insert(QStringLiteral("latest_schema_version"), Migrations::latestVersion());
    doc.insert(QStringLiteral("read_only"), ws.isReadOnly());
    report.add(QStringLiteral("Workspace"), ws.path());
    report.add(QStringLiteral("Size"), QLocale::c().formattedDataSize(bytes));
    report.add(QStringLiteral("Schema"), QStringLiteral("version %1 (this fleetctl writes "
                                                        "version %2)")
                                             .arg(version.value())
                                             .arg(Migrations::latestVersion()));

    const QList<QPair<const char *, QString>> tables = {
        {"devices", QStringLiteral("Devices")},
        {"sites", QStringLiteral("Sites")},
        {"device_groups", QStringLiteral("Groups")},
        {"saved_filters", QStringLiteral("Saved filters")},
        {"audit_log", QStringLiteral("Audit entries")},
    };
    for (const auto &t : tables) {
        auto n = count(t.first);
        if (!n)
            return c.fail(n.error());
        doc.insert(QLatin1String(t.first), n.value());
        report.add(t.second, QString::number(n.value()));
    }
    auto last = db.scalar(QStringLiteral("SELECT max(ts_ms) FROM audit_log"));
    if (!last)
        return c.fail(last.error());
    if (!last->isNull()) {
        report.add(QStringLiteral("Last change"),
                   AuditFormatter::timeText(last->toLongLong()) + QStringLiteral(" UTC"));
        doc.insert(QStringLiteral("last_change_utc"),
                   QDateTime::fromMSecsSinceEpoch(last->toLongLong(), Qt::UTC)
                       .toString(Qt::ISODateWithMs));
    }
    auto head = AuditHeadAnchor(ws.auditHeadPath()).read();
    const QString anchor =
        !head ? head.message()
        : head.value()
            ? QStringLiteral("%1 (entry %2)").arg(ws.auditHeadPath()).arg(head.value()->count)
            : QStringLiteral("none yet (%1)").arg(ws.auditHeadPath());
    report.add(QStringLiteral("Audit head"), anchor);
    doc.insert(QStringLiteral("audit_head_file"), ws.auditHeadPath());
    if (head && head.value())
        doc.insert(QStringLiteral("audit_head_count"), head.value()->count);

    if (c.out().isJson())
        c.out().json(doc);
    c.out().text(report.render());
    return ExitCodes::value(ExitCode::Ok);
}

int DbCommands::upgrade(CommandContext &c)
{
    auto before = c.schemaVersionOnDisk();
    const int latest = Migrations::latestVersion();
    if (!before || before.value() >= latest) {
        // Nothing to migrate, or not a workspace at all: the read-only open says which, with
        // the same message and exit code as every other command.
        auto session = c.openSession(CommandContext::Access::ReadOnly);
        if (!session)
            return c.fail(session.error());
        if (!before)
            return c.fail(before.error());
        if (c.out().isJson()) {
            QJsonObject doc;
            doc.insert(QStringLiteral("workspace"), session.value()->workspace().path());
            doc.insert(QStringLiteral("from_schema_version"), before.value());
            doc.insert(QStringLiteral("schema_version"), before.value());
            doc.insert(QStringLiteral("upgraded"), false);
            c.out().json(doc);
        }
        c.out().line(QStringLiteral("%1 is already at schema version %2; nothing to do.")
                         .arg(session.value()->workspace().path())
                         .arg(before.value()));
        return ExitCodes::value(ExitCode::Ok);
    }
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    auto after = Migrations::currentVersion(session.value()->db());
    if (!after)
        return c.fail(after.error());
    const QString path = session.value()->workspace().path();
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("workspace"), path);
        doc.insert(QStringLiteral("from_schema_version"), before.value());
        doc.insert(QStringLiteral("schema_version"), after.value());
        doc.insert(QStringLiteral("upgraded"), true);
        c.out().json(doc);
    }
    c.out().line(QStringLiteral("Upgraded %1 from schema version %2 to %3.")
                     .arg(path)
                     .arg(before.value())
                     .arg(after.value()));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
