#include "InventoryCommands.h"

#include "CommandContext.h"
#include "DeviceFilterOptions.h"
#include "DeviceFormatter.h"
#include "ExportDestination.h"
#include "TextTable.h"
#include "inventory/DeviceColumns.h"
#include "inventory/DeviceQuery.h"
#include "io/CsvImporter.h"
#include "io/InventoryExporter.h"
#include "io/JsonInventoryImporter.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <limits>

namespace fleet {

namespace {

constexpr qint64 kDefaultLimit = 50;

// What `inventory list` shows without --columns: what identifies a device and what people
// look for first, narrow enough for a terminal. --columns shows any other.
QList<int> defaultColumns()
{
    return {DeviceColumns::Uid,      DeviceColumns::Name,    DeviceColumns::Model,
            DeviceColumns::Firmware, DeviceColumns::Site,    DeviceColumns::State,
            DeviceColumns::Online,   DeviceColumns::LastSeen};
}

// --columns, for `list` (default: defaultColumns()) or `export` (default: every column).
QCommandLineOption columnsOption(bool forExport)
{
    QStringList defaults;
    for (int column : defaultColumns())
        defaults << DeviceColumns::key(column);
    const QString help =
        QStringLiteral("Comma-separated column keys to %1, in order (default: %2). Keys: %3.")
            .arg(forExport ? QStringLiteral("export") : QStringLiteral("show"),
                 forExport ? QStringLiteral("all") : defaults.join(QLatin1Char(',')),
                 DeviceColumns::keys().join(QStringLiteral(", ")));
    return QCommandLineOption(QStringLiteral("columns"), help, QStringLiteral("KEYS"));
}

QCommandLineOption formatOption(const QString &help)
{
    return QCommandLineOption(QStringLiteral("format"), help, QStringLiteral("csv|json"));
}

// The importer's field for a --map value: a field key, or "" for "ignore this column".
Result<QString> mappedField(const QString &field)
{
    const QString f = field.trimmed();
    if (f.isEmpty() || f == QLatin1String("-") || f == QLatin1String("ignore"))
        return QString();
    if (!CsvColumnMapping::importableFields().contains(f))
        return Error::invalid(
            QStringLiteral("Unknown field '%1' in --map; fields: %2, or "
                           "'ignore'.")
                .arg(f, CsvColumnMapping::importableFields().join(QStringLiteral(", "))));
    return f;
}

// The CSV column a --map names: its header text (case-insensitive) or its 1-based number.
Result<qsizetype> mappedColumn(const QStringList &header, const QString &column)
{
    const QString wanted = column.trimmed();
    for (qsizetype i = 0; i < header.size(); ++i)
        if (header[i].trimmed().compare(wanted, Qt::CaseInsensitive) == 0)
            return i;
    bool isNumber = false;
    const qsizetype number = wanted.toLongLong(&isNumber);
    if (isNumber && number >= 1 && number <= header.size())
        return number - 1;
    return Error::invalid(QStringLiteral("--map names column '%1', which the file's header "
                                         "does not have; its columns are: %2.")
                              .arg(wanted, header.join(QStringLiteral(", "))));
}

// Imports are all or nothing: whatever stopped one, say that nothing changed.
int failImport(CommandContext &c, const Error &error)
{
    const int code = c.fail(error);
    c.out().note(QStringLiteral("Nothing was imported."));
    return code;
}

} // namespace

QString InventoryCommands::summary() const
{
    return QStringLiteral("List, import and export the device inventory.");
}

QList<CommandSpec> InventoryCommands::commands()
{
    CommandSpec list;
    list.name = QStringLiteral("list");
    list.summary = QStringLiteral("List the devices that match a filter, a page at a time");
    list.description = QStringLiteral(
        "Lists devices matching the filter options, sorted, one page at a time, and says how "
        "many match in total. Within one option any of the values matches (--model A --model "
        "B); different options must all match.");
    list.options = DeviceFilterOptions::options();
    list.options += {
        QCommandLineOption(QStringLiteral("sort"),
                           QStringLiteral("Sort by this column key (default: uid)."),
                           QStringLiteral("KEY")),
        QCommandLineOption(QStringLiteral("desc"), QStringLiteral("Sort in descending order.")),
        QCommandLineOption(
            QStringLiteral("limit"),
            QStringLiteral("Show at most N devices (default %1; 0 shows all; for whole "
                           "large fleets 'inventory export' streams).")
                .arg(kDefaultLimit),
            QStringLiteral("N")),
        QCommandLineOption(QStringLiteral("offset"),
                           QStringLiteral("Skip the first N matching devices (default 0)."),
                           QStringLiteral("N")),
        columnsOption(false),
    };
    list.examples = {
        QStringLiteral("inventory list --model GW-4000 --state active --offline"),
        QStringLiteral("inventory list --search press --sort last_seen --desc --limit 10"),
        QStringLiteral("--json inventory list --filter needs-patch --limit 0"),
    };
    list.run = [this](CommandContext &c) {
        return this->list(c);
    };

    CommandSpec import;
    import.name = QStringLiteral("import");
    import.summary = QStringLiteral("Import devices from a CSV or JSON file (all or nothing)");
    import.description = QStringLiteral(
        "Creates or updates devices (matched by device id) from a CSV file with a header row, "
        "or from the JSON that 'inventory export --format json' writes. All or nothing: if any "
        "line has a problem, every problem is listed as 'line N: message' and nothing is "
        "imported (exit code 6). The import is one entry in the audit trail.\n\nCSV columns are "
        "matched to fields by their header ('Serial Number' -> serial, 'firmware' -> "
        "fw_version); --map overrides that for a column.");
    import.arguments = {
        { QStringLiteral("FILE"),
          QStringLiteral("The CSV or JSON file to import."),
          true,
          false }};
    import.options = {
        formatOption(QStringLiteral("The file's format (default: from its extension).")),
        QCommandLineOption(
            QStringLiteral("map"),
            QStringLiteral("Read CSV column COLUMN (header text or 1-based "
                           "number) into device field FIELD, or 'ignore' it. "
                           "Repeat for several columns. Fields: %1.")
                .arg(CsvColumnMapping::importableFields().join(QStringLiteral(", "))),
            QStringLiteral("COLUMN=FIELD")),
        QCommandLineOption(QStringLiteral("dry-run"),
                           QStringLiteral("Check the file and report what would change; write "
                                          "nothing.")),
        QCommandLineOption(QStringLiteral("reason"),
                           QStringLiteral("Why the import is made, for the audit trail."),
                           QStringLiteral("TEXT")),
    };
    import.examples = {
        QStringLiteral("inventory import devices.csv --dry-run"),
        QStringLiteral("inventory import export.csv --map \"Asset Tag=uid\" --map Comment=ignore "
                       "--reason \"Q3 survey\""),
    };
    import.run = [this](CommandContext & c) { return this->importFile(c);
};

CommandSpec exportSpec;
exportSpec.name = QStringLiteral("export");
exportSpec.summary = QStringLiteral("Export the devices that match a filter to CSV or JSON");
exportSpec.description = QStringLiteral(
    "Writes the matching devices (all of them, no paging) as CSV (a header of column keys; "
    "cells a spreadsheet would run as formulas are prefixed with ') or JSON (devices with "
    "tags, groups, components and configuration, importable again). A file is written "
    "completely or not at all.");
exportSpec.arguments = {{QStringLiteral("FILE"),
                         QStringLiteral("Where to write; '-' or nothing for stdout."), false,
                         false}};
exportSpec.options = {
    formatOption(QStringLiteral("The format (default: from FILE's extension; on stdout JSON with "
                                "--json, else CSV)."))};
exportSpec.options += DeviceFilterOptions::options();
exportSpec.options += columnsOption(true);
exportSpec.examples = {
    QStringLiteral("inventory export devices.csv --site \"Plant A\""),
    QStringLiteral("inventory export - --format json --group line-3 > line-3.json"),
};
exportSpec.run = [this](CommandContext &c) {
    return this->exportFile(c);
};

return {list, import, exportSpec};
} // namespace fleet

Result<QList<int>> InventoryCommands::parseColumns(const QString &keys)
{
    QList<int> columns;
    if (keys.trimmed().isEmpty())
        return defaultColumns();
    for (const QString &key : keys.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const int column = DeviceColumns::fromKey(key.trimmed());
        if (column < 0)
            return Error::invalid(
                QStringLiteral("Unknown column '%1'; columns are: %2.")
                    .arg(key.trimmed(), DeviceColumns::keys().join(QStringLiteral(", "))));
        columns << column;
    }
    return columns;
}

int InventoryCommands::list(CommandContext &c)
{
    auto limit =
        c.integerOption(QStringLiteral("limit"), kDefaultLimit, 0, std::numeric_limits<int>::max());
    if (!limit)
        return c.usageError(limit.message());
    auto offset =
        c.integerOption(QStringLiteral("offset"), 0, 0, std::numeric_limits<qint64>::max());
    if (!offset)
        return c.usageError(offset.message());
    const QString sortKey =
        c.isSet(QStringLiteral("sort")) ? c.value(QStringLiteral("sort")) : QStringLiteral("uid");
    const int sortColumn = DeviceColumns::fromKey(sortKey);
    if (sortColumn < 0)
        return c.usageError(QStringLiteral("Unknown column '%1' for --sort; columns are: %2.")
                                .arg(sortKey, DeviceColumns::keys().join(QStringLiteral(", "))));
    auto columns = parseColumns(c.value(QStringLiteral("columns")));
    if (!columns)
        return c.usageError(columns.message());

    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    SqliteDatabase &db = session.value()->db();
    DeviceFilter filter;
    if (int rc = DeviceFilterOptions::build(c, session.value()->savedFilters(), &filter))
        return rc;

    const bool descending = c.isSet(QStringLiteral("desc"));
    const DeviceQuery query(filter, sortColumn, descending);
    auto total = query.count(db);
    if (!total)
        return c.fail(total.error());
    const qint64 pageSize = limit.value() == 0 ? total.value() : limit.value();
    auto rows = query.page(db, offset.value(),
                           int(qMin<qint64>(pageSize, std::numeric_limits<int>::max())));
    if (!rows)
        return c.fail(rows.error());

    if (c.out().isJson()) {
        QJsonArray devices;
        QJsonArray columnKeys;
        for (int column : columns.value())
            columnKeys.append(DeviceColumns::key(column));
        for (const QVector<QVariant> &row : rows.value()) {
            QJsonObject device;
            for (int column : columns.value())
                device.insert(DeviceColumns::key(column),
                              DeviceFormatter::cellJson(column, row.value(column)));
            devices.append(device);
        }
        QJsonObject doc;
        doc.insert(QStringLiteral("total"), total.value());
        doc.insert(QStringLiteral("offset"), offset.value());
        doc.insert(QStringLiteral("limit"), limit.value());
        doc.insert(QStringLiteral("count"), devices.size());
        doc.insert(QStringLiteral("filter"), filter.toJson());
        doc.insert(QStringLiteral("sort"), DeviceColumns::key(sortColumn));
        doc.insert(QStringLiteral("descending"), descending);
        doc.insert(QStringLiteral("columns"), columnKeys);
        doc.insert(QStringLiteral("devices"), devices);
        c.out().json(doc);
        return ExitCodes::value(ExitCode::Ok);
    }

    const QString matching =
        filter.isEmpty() ? QString() : QStringLiteral(" matching %1").arg(filter.describe());
    if (rows->isEmpty()) {
        if (total.value() == 0)
            c.out().line(QStringLiteral("No devices%1.").arg(matching));
        else
            c.out().line(QStringLiteral("No devices past offset %1; %2 devices%3.")
                             .arg(offset.value())
                             .arg(total.value())
                             .arg(matching));
        return ExitCodes::value(ExitCode::Ok);
    }
    QStringList headers;
    for (int column : columns.value())
        headers << DeviceColumns::title(column);
    TextTable table(headers);
    for (const QVector<QVariant> &row : rows.value()) {
        QStringList cells;
        for (int column : columns.value())
            cells << DeviceFormatter::cellText(column, row.value(column));
        table.addRow(cells);
    }
    c.out().text(table.render());
    c.out().line(QStringLiteral("Showing %1-%2 of %3 devices%4, sorted by %5%6.")
                     .arg(offset.value() + 1)
                     .arg(offset.value() + rows->size())
                     .arg(total.value())
                     .arg(matching, DeviceColumns::key(sortColumn),
                          descending ? QStringLiteral(" (descending)") : QString()));
    return ExitCodes::value(ExitCode::Ok);
}

int InventoryCommands::importFile(CommandContext &c)
{
    const QString file = c.argument(0);
    QString format = c.value(QStringLiteral("format")).toLower();
    if (format.isEmpty())
        format = ExportDestination::formatFromExtension(file);
    if (format.isEmpty())
        return c.usageError(QStringLiteral("Cannot tell the format of '%1' from its name; pass "
                                           "--format csv or --format json.")
                                .arg(file));
    if (format != QLatin1String("csv") && format != QLatin1String("json"))
        return c.usageError(
            QStringLiteral("Unknown format '%1'; expected csv or json.").arg(format));
    if (format == QLatin1String("json") && c.isSet(QStringLiteral("map")))
        return c.usageError(QStringLiteral("--map applies to CSV files only."));
    // The workspace first: with neither there, the missing workspace is the news.
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    if (!QFileInfo(file).isFile())
        return c.fail(Error::notFound(QStringLiteral("No file at %1").arg(file)));
    return format == QLatin1String("csv") ? importCsv(c, *session.value(), file)
                                          : importJson(c, *session.value(), file);
}

int InventoryCommands::importCsv(CommandContext &c, WorkspaceSession &session, const QString &file)
{
    CsvImporter::Options options;
    options.dryRun = c.isSet(QStringLiteral("dry-run"));
    options.reason = c.value(QStringLiteral("reason"));
    const QStringList maps = c.values(QStringLiteral("map"));
    if (!maps.isEmpty()) {
        auto preview = CsvImporter::preview(file, 0);
        if (!preview)
            return failImport(c, preview.error());
        const QStringList header = preview->header;
        options.mapping = CsvColumnMapping::guess(header);
        options.mapping.fieldForColumn.resize(header.size());
        for (const QString &map : maps) {
            const qsizetype eq = map.lastIndexOf(QLatin1Char('='));
            if (eq <= 0)
                return c.usageError(
                    QStringLiteral("--map expects COLUMN=FIELD, not '%1'.").arg(map));
            auto column = mappedColumn(header, map.left(eq));
            if (!column)
                return c.usageError(column.message());
            auto field = mappedField(map.mid(eq + 1));
            if (!field)
                return c.usageError(field.message());
            options.mapping.fieldForColumn[column.value()] = field.value();
        }
    }

    auto report = CsvImporter::import(session.db(), session.audit(), file, options);
    if (!report)
        return c.fail(report.error());

    const CsvImportReport &r = report.value();
    const qint64 errorCount = r.errors.size() + r.moreErrors;
    for (const CsvLineError &e : r.errors)
        c.out().note(QStringLiteral("line %1: %2").arg(e.line).arg(e.message));
    if (r.moreErrors > 0)
        c.out().note(QStringLiteral("... and %1 more errors").arg(r.moreErrors));

    const QString failure =
        QStringLiteral("%1 has %2 %3; nothing was imported.")
            .arg(file)
            .arg(errorCount)
            .arg(errorCount == 1 ? QStringLiteral("error") : QStringLiteral("errors"));
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("file"), file);
        doc.insert(QStringLiteral("format"), QStringLiteral("csv"));
        doc.insert(QStringLiteral("dry_run"), options.dryRun);
        doc.insert(QStringLiteral("rows"), r.rows);
        doc.insert(QStringLiteral("created"), r.created);
        doc.insert(QStringLiteral("updated"), r.updated);
        doc.insert(QStringLiteral("committed"), r.committed);
        doc.insert(QStringLiteral("sha256"), r.fileSha256);
        QJsonArray errors;
        for (const CsvLineError &e : r.errors) {
            QJsonObject item;
            item.insert(QStringLiteral("line"), e.line);
            item.insert(QStringLiteral("message"), e.message);
            errors.append(item);
        }
        doc.insert(QStringLiteral("errors"), errors);
        doc.insert(QStringLiteral("more_errors"), r.moreErrors);
        if (errorCount > 0)
            doc.insert(QStringLiteral("error"),
                       CommandContext::errorDocument(ExitCode::InvalidInput,
                                                     QStringLiteral("invalid"), failure)
                           .value(QStringLiteral("error")));
        c.out().json(doc);
    }
    if (errorCount > 0) {
        c.out().error(failure);
        return ExitCodes::value(ExitCode::InvalidInput);
    }
    if (options.dryRun)
        c.out().line(QStringLiteral("Dry run: %1 rows would import %2 new and %3 updated "
                                    "devices. Nothing was written.")
                         .arg(r.rows)
                         .arg(r.created)
                         .arg(r.updated));
    else
        c.out().line(QStringLiteral("Imported %1 rows: %2 new and %3 updated devices.")
                         .arg(r.rows)
                         .arg(r.created)
                         .arg(r.updated));
    return ExitCodes::value(ExitCode::Ok);
}

int InventoryCommands::importJson(CommandContext &c, WorkspaceSession &session, const QString &file)
{
    const bool dryRun = c.isSet(QStringLiteral("dry-run"));
    auto report = JsonInventoryImporter::import(session.db(), session.audit(), file, dryRun,
                                                c.value(QStringLiteral("reason")));
    if (!report)
        return failImport(c, report.error());
    const JsonInventoryImporter::Report &r = report.value();
    for (const QString &e : r.errors)
        c.out().note(e);
    const QString failure =
        QStringLiteral("%1 has %2 %3; nothing was imported.")
            .arg(file)
            .arg(r.errors.size())
            .arg(r.errors.size() == 1 ? QStringLiteral("error") : QStringLiteral("errors"));
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("file"), file);
        doc.insert(QStringLiteral("format"), QStringLiteral("json"));
        doc.insert(QStringLiteral("dry_run"), dryRun);
        doc.insert(QStringLiteral("rows"), r.devices);
        doc.insert(QStringLiteral("created"), r.created);
        doc.insert(QStringLiteral("updated"), r.updated);
        doc.insert(QStringLiteral("committed"), r.committed);
        doc.insert(QStringLiteral("errors"), QJsonArray::fromStringList(r.errors));
        if (!r.errors.isEmpty())
            doc.insert(QStringLiteral("error"),
                       CommandContext::errorDocument(ExitCode::InvalidInput,
                                                     QStringLiteral("invalid"), failure)
                           .value(QStringLiteral("error")));
        c.out().json(doc);
    }
    if (!r.errors.isEmpty()) {
        c.out().error(failure);
        return ExitCodes::value(ExitCode::InvalidInput);
    }
    if (dryRun)
        c.out().line(QStringLiteral("Dry run: %1 devices would import %2 new and %3 updated. "
                                    "Nothing was written.")
                         .arg(r.devices)
                         .arg(r.created)
                         .arg(r.updated));
    else
        c.out().line(QStringLiteral("Imported %1 devices: %2 new and %3 updated.")
                         .arg(r.devices)
                         .arg(r.created)
                         .arg(r.updated));
    return ExitCodes::value(ExitCode::Ok);
}

int InventoryCommands::exportFile(CommandContext &c)
{
    ExportDestination destination(c.argument(0));
    auto chosen = destination.chooseFormat(c.value(QStringLiteral("format")), c.out().isJson());
    if (!chosen)
        return c.usageError(chosen.message());
    const QString format = chosen.value();
    QStringList columnKeys;
    if (c.isSet(QStringLiteral("columns"))) {
        auto columns = parseColumns(c.value(QStringLiteral("columns")));
        if (!columns)
            return c.usageError(columns.message());
        for (int column : columns.value())
            columnKeys << DeviceColumns::key(column);
    }

    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    DeviceFilter filter;
    if (int rc = DeviceFilterOptions::build(c, session.value()->savedFilters(), &filter))
        return rc;
    const auto exportFormat = format == QLatin1String("json") ? InventoryExporter::Format::Json
                                                              : InventoryExporter::Format::Csv;
    auto written = destination.writeWith([&](QIODevice &out) {
        return InventoryExporter::write(session.value()->db(), filter, exportFormat, out,
                                        columnKeys);
    });
    if (!written)
        return c.fail(written.error());
    if (destination.isStdout())
        return ExitCodes::value(ExitCode::Ok);

    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("file"), QFileInfo(destination.path()).absoluteFilePath());
        doc.insert(QStringLiteral("format"), format);
        doc.insert(QStringLiteral("devices"), written.value());
        doc.insert(QStringLiteral("filter"), filter.toJson());
        c.out().json(doc);
    }
    c.out().line(QStringLiteral("Exported %1 devices (%2) to %3 as %4.")
                     .arg(written.value())
                     .arg(filter.describe(), destination.path(), format.toUpper()));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
