#include "AuditCommands.h"

#include "AuditFormatter.h"
#include "CommandContext.h"
#include "ExportDestination.h"
#include "TextTable.h"
#include "audit/AuditQuery.h"
#include "audit/AuditVerifier.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <limits>

namespace fleet {

namespace {

constexpr qint64 kDefaultLimit = 50;

// An ISO 8601 date or date-time; without an offset it is UTC (the audit trail's time zone),
// so the same command line means the same entries on every machine.
Result<QDateTime> parseTime(const QString &option, const QString &value)
{
    QString text = value.trimmed();
    static const QRegularExpression dateSpaceTime(QStringLiteral("^(\\d{4}-\\d{2}-\\d{2}) (\\d)"));
    text.replace(dateSpaceTime, QStringLiteral("\\1T\\2"));
    QDateTime t;
    const QDate date = QDate::fromString(text, Qt::ISODate);
    if (date.isValid())
        t = QDateTime(date, QTime(0, 0), Qt::UTC);
    else
        t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        return Error::invalid(QStringLiteral("--%1 expects an ISO 8601 date or time such as "
                                             "2026-03-02 or 2026-03-02T14:30:00Z, not '%2'")
                                  .arg(option, value));
    if (t.timeSpec() == Qt::LocalTime)
        t = QDateTime(t.date(), t.time(), Qt::UTC);
    return t;
}

} // namespace

QString AuditCommands::summary() const
{
    return QStringLiteral("The audit trail: who changed what, when and why. Hash-chained, so "
                          "changes to past entries are detected.");
}

QList<QCommandLineOption> AuditCommands::filterOptions()
{
    return {
        QCommandLineOption(QStringLiteral("since"),
                           QStringLiteral("Only entries at or after this time (ISO 8601; UTC "
                                          "unless it has an offset)."),
                           QStringLiteral("TIME")),
        QCommandLineOption(QStringLiteral("until"),
                           QStringLiteral("Only entries before this time (ISO 8601; UTC unless "
                                          "it has an offset)."),
                           QStringLiteral("TIME")),
        QCommandLineOption(QStringLiteral("actor"),
                           QStringLiteral("Only entries whose operator or OS user contains "
                                          "TEXT (case-insensitive)."),
                           QStringLiteral("TEXT")),
        QCommandLineOption(QStringLiteral("action"),
                           QStringLiteral("Only actions starting with PREFIX, e.g. 'device.' or "
                                          "'device.set-state'."),
                           QStringLiteral("PREFIX")),
        QCommandLineOption(QStringLiteral("object-type"),
                           QStringLiteral("Only entries about this kind of object: device, "
                                          "group, filter, workspace, inventory."),
                           QStringLiteral("TYPE")),
        QCommandLineOption(QStringLiteral("object"),
                           QStringLiteral("Only entries about this object id (a device id, a "
                                          "group name, ...)."),
                           QStringLiteral("ID")),
    };
}

QList<CommandSpec> AuditCommands::commands()
{
    CommandSpec list;
    list.name = QStringLiteral("list");
    list.summary = QStringLiteral("List audit entries, newest first");
    list.description = QStringLiteral("Lists the audit entries that match the options, newest "
                                      "first, and says how many match in total.");
    list.options = filterOptions();
    list.options += QCommandLineOption(
        QStringLiteral("limit"),
        QStringLiteral("Show at most N entries (default %1; 0 shows all).").arg(kDefaultLimit),
        QStringLiteral("N"));
    list.examples = {
        QStringLiteral("audit list --object gw-0001"),
        QStringLiteral("audit list --action device.set-state --since 2026-03-01 --actor ana"),
    };
    list.run = [this](CommandContext &c) {
        return this->list(c);
    };

    CommandSpec verify;
    verify.name = QStringLiteral("verify");
    verify.summary = QStringLiteral("Check the audit trail was not altered (exit 5 if it was)");
    verify.description = QStringLiteral(
        "Recomputes the hash chain from the first entry and compares its head with the head "
        "anchored beside the workspace file. Prints 'intact: ...' or 'broken at entry N: ...' "
        "naming the first entry that does not verify, and exits with 5 when the trail is "
        "broken. Reads only; safe while Fleetdesk is running.");
    verify.examples = {QStringLiteral("audit verify"),
                       QStringLiteral("--workspace backup.fleetdesk audit verify --json")};
    verify.run = [this](CommandContext &c) {
        return this->verify(c);
    };

    CommandSpec exportSpec;
    exportSpec.name = QStringLiteral("export");
    exportSpec.summary = QStringLiteral("Export audit entries to CSV or JSON, hashes included");
    exportSpec.description = QStringLiteral(
        "Writes the matching entries oldest first as CSV or JSON, with their hashes, so the "
        "export can be checked against the trail. A file is written completely or not at all.");
    exportSpec.arguments = {
        {QStringLiteral("FILE"), QStringLiteral("Where to write; '-' for stdout."), true, false}};
    exportSpec.options = {QCommandLineOption(
        QStringLiteral("format"),
        QStringLiteral("The format (default: from FILE's extension; on stdout JSON with --json, "
                       "else CSV)."),
        QStringLiteral("csv|json"))};
    exportSpec.options += filterOptions();
    exportSpec.examples = {QStringLiteral("audit export audit-2026-q1.csv --since 2026-01-01 "
                                          "--until 2026-04-01")};
    exportSpec.run = [this](CommandContext &c) {
        return this->exportFile(c);
    };

    return {list, verify, exportSpec};
}

int AuditCommands::buildFilter(CommandContext &c, AuditFilter *filter)
{
    AuditFilter f;
    if (c.isSet(QStringLiteral("since"))) {
        auto t = parseTime(QStringLiteral("since"), c.value(QStringLiteral("since")));
        if (!t)
            return c.usageError(t.message());
        f.from = t.value();
    }
    if (c.isSet(QStringLiteral("until"))) {
        auto t = parseTime(QStringLiteral("until"), c.value(QStringLiteral("until")));
        if (!t)
            return c.usageError(t.message());
        f.to = t.value();
    }
    f.actor = c.value(QStringLiteral("actor"));
    f.action = c.value(QStringLiteral("action"));
    f.objectType = c.value(QStringLiteral("object-type"));
    f.objectId = c.value(QStringLiteral("object"));
    *filter = f;
    return ExitCodes::value(ExitCode::Ok);
}

int AuditCommands::list(CommandContext &c)
{
    auto limit =
        c.integerOption(QStringLiteral("limit"), kDefaultLimit, 0, std::numeric_limits<int>::max());
    if (!limit)
        return c.usageError(limit.message());
    AuditFilter filter;
    if (int rc = buildFilter(c, &filter))
        return rc;
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    SqliteDatabase &db = session.value()->db();
    auto total = AuditQuery::count(db, filter);
    if (!total)
        return c.fail(total.error());
    const qint64 pageSize = limit.value() == 0 ? total.value() : limit.value();
    auto entries = AuditQuery::list(
        db, filter, 0, int(qMin<qint64>(pageSize, std::numeric_limits<int>::max())), true);
    if (!entries)
        return c.fail(entries.error());

    if (c.out().isJson()) {
        QJsonArray items;
        for (const AuditEntry &e : entries.value())
            items.append(AuditFormatter::toJson(e));
        QJsonObject doc;
        doc.insert(QStringLiteral("total"), total.value());
        doc.insert(QStringLiteral("count"), items.size());
        doc.insert(QStringLiteral("entries"), items);
        c.out().json(doc);
        return ExitCodes::value(ExitCode::Ok);
    }
    if (entries->isEmpty()) {
        c.out().line(QStringLiteral("No audit entries match."));
        return ExitCodes::value(ExitCode::Ok);
    }
    TextTable table({QStringLiteral("#"), QStringLiteral("When (UTC)"), QStringLiteral("Who"),
                     QStringLiteral("Action"), QStringLiteral("Object"), QStringLiteral("Change"),
                     QStringLiteral("Reason")});
    table.setRightAligned(0);
    table.setMaxWidth(5, 60);
    for (const AuditEntry &e : entries.value())
        table.addRow({QString::number(e.seq), AuditFormatter::timeText(e.tsMs),
                      AuditFormatter::actorText(e), e.action,
                      QStringLiteral("%1 %2").arg(e.objectType, e.objectId),
                      AuditFormatter::changeSummary(e), e.reason});
    c.out().text(table.render());
    c.out().line(QStringLiteral("Showing the latest %1 of %2 matching entries.")
                     .arg(entries->size())
                     .arg(total.value()));
    return ExitCodes::value(ExitCode::Ok);
}

int AuditCommands::verify(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    Workspace &ws = session.value()->workspace();
    auto result = AuditVerifier::verify(ws.db(), ws.auditHeadPath());
    if (!result)
        return c.fail(result.error());
    const AuditVerification &v = result.value();
    for (const QString &w : v.warnings)
        c.out().warning(w);
    const ExitCode code = v.intact ? ExitCode::Ok : ExitCode::AuditBroken;
    if (c.out().isJson()) {
        QJsonObject doc = AuditFormatter::toJson(v);
        if (!v.intact)
            doc.insert(QStringLiteral("error"),
                       CommandContext::errorDocument(code, QStringLiteral("tampered"), v.summary())
                           .value(QStringLiteral("error")));
        c.out().json(doc);
    }
    c.out().line(v.summary());
    return ExitCodes::value(code);
}

int AuditCommands::exportFile(CommandContext &c)
{
    ExportDestination destination(c.argument(0));
    auto chosen = destination.chooseFormat(c.value(QStringLiteral("format")), c.out().isJson());
    if (!chosen)
        return c.usageError(chosen.message());
    const QString format = chosen.value();
    AuditFilter filter;
    if (int rc = buildFilter(c, &filter))
        return rc;
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    const auto exportFormat =
        format == QLatin1String("json") ? AuditQuery::Format::Json : AuditQuery::Format::Csv;
    auto written = destination.writeWith([&](QIODevice &out) {
        return AuditQuery::exportTo(session.value()->db(), filter, exportFormat, out);
    });
    if (!written)
        return c.fail(written.error());
    if (destination.isStdout())
        return ExitCodes::value(ExitCode::Ok);
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("file"), QFileInfo(destination.path()).absoluteFilePath());
        doc.insert(QStringLiteral("format"), format);
        doc.insert(QStringLiteral("entries"), written.value());
        c.out().json(doc);
    }
    c.out().line(QStringLiteral("Exported %1 audit entries to %2 as %3.")
                     .arg(written.value())
                     .arg(destination.path(), format.toUpper()));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
