#include "CsvImporter.h"

#include "audit/AuditLog.h"
#include "inventory/DeviceColumns.h"
#include "inventory/LifecycleState.h"
#include "io/CsvReader.h"
#include "io/DeviceFieldRules.h"
#include "io/DeviceImportWriter.h"
#include "storage/SqliteDatabase.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <optional>

namespace fleet {

namespace {

constexpr int kMaxReportedErrors = 1000;
constexpr qint64 kProgressEveryRows = 1000;

// Header names compare on letters and digits only, in lower case: "Serial Number",
// "serial_number" and "SERIAL-NUMBER" are one name.
QString normalizedName(const QString &name)
{
    QString out;
    out.reserve(name.size());
    for (QChar c : name)
        if (c.isLetterOrNumber())
            out += c.toLower();
    return out;
}

struct Synonym
{
    const char *name; // normalized
    const char *field;
};

// What people call the fields in the spreadsheets they keep. Keys and titles of DeviceColumns
// match as well, so an exported file maps itself.
constexpr Synonym kSynonyms[] = {
    {"id", "uid"},
    {"deviceid", "uid"},
    {"deviceuid", "uid"},
    {"uuid", "uid"},
    {"device", "uid"},
    {"devicename", "name"},
    {"displayname", "name"},
    {"serialnumber", "serial"},
    {"serialno", "serial"},
    {"sn", "serial"},
    {"manufacturer", "vendor"},
    {"make", "vendor"},
    {"modelname", "model"},
    {"product", "model"},
    {"hwrev", "hw_revision"},
    {"hwrevision", "hw_revision"},
    {"hardwarerevision", "hw_revision"},
    {"hardwarerev", "hw_revision"},
    {"hardware", "hw_revision"},
    {"firmware", "fw_version"},
    {"fw", "fw_version"},
    {"firmwareversion", "fw_version"},
    {"fwver", "fw_version"},
    {"previousfirmware", "fw_previous"},
    {"previousfw", "fw_previous"},
    {"knowngoodfirmware", "fw_known_good"},
    {"knowngoodfw", "fw_known_good"},
    {"knowngood", "fw_known_good"},
    {"plant", "site"},
    {"location", "site"},
    {"timezone", "time_zone"},
    {"tz", "time_zone"},
    {"sitetimezone", "time_zone"},
    {"lifecycle", "state"},
    {"lifecyclestate", "state"},
    {"isonline", "online"},
    {"lastseen", "last_seen"},
    {"lastseenutc", "last_seen"},
    {"firstseen", "first_seen"},
    {"firstseenutc", "first_seen"},
    {"transport", "connection"},
    {"protocol", "connection"},
    {"macaddress", "mac"},
    {"ipaddress", "ip"},
    {"ipv4", "ip"},
    {"host", "hostname"},
    {"hostnames", "hostname"},
    {"tag", "tags"},
    {"labels", "tags"},
    {"group", "groups"},
    {"note", "notes"},
    {"comment", "notes"},
    {"comments", "notes"},
};

int fieldForName(const QString &header)
{
    const QString wanted = normalizedName(header);
    if (wanted.isEmpty())
        return -1;
    const QStringList importable = CsvColumnMapping::importableFields();
    for (const QString &key : importable) {
        const int column = DeviceColumns::fromKey(key);
        if (wanted == normalizedName(key) || wanted == normalizedName(DeviceColumns::title(column)))
            return column;
    }
    for (const Synonym &s : kSynonyms)
        if (wanted == QLatin1String(s.name))
            return DeviceColumns::fromKey(QLatin1String(s.field));
    return -1;
}

bool isTextField(int field)
{
    switch (field) {
    case DeviceColumns::State:
    case DeviceColumns::Online:
    case DeviceColumns::Health:
    case DeviceColumns::LastSeen:
    case DeviceColumns::FirstSeen:
    case DeviceColumns::Connection:
    case DeviceColumns::TimeZone:
    case DeviceColumns::Uid:
        return false;
    default:
        return true;
    }
}

// CsvWriter puts a quote before cells a spreadsheet would run as a formula; reading our own
// export back must take it off again, or every round trip would add one.
QString withoutFormulaGuard(const QString &cell)
{
    if (cell.size() >= 2 && cell.front() == QLatin1Char('\'')) {
        const QChar second = cell.at(1);
        if (second == QLatin1Char('=') || second == QLatin1Char('+') ||
            second == QLatin1Char('-') || second == QLatin1Char('@') ||
            second == QLatin1Char('\t') || second == QLatin1Char('\r'))
            return cell.mid(1);
    }
    return cell;
}

QString expected(const QStringList &values)
{
    return values.join(QStringLiteral(", "));
}

// One column of the file as the import uses it.
struct MappedColumn
{
    int field = -1; // DeviceColumns::Column, or -1 to ignore
    QString title;  // as the header spells it, for messages
};

Result<QStringList> readHeader(CsvReader &reader)
{
    switch (reader.next()) {
    case CsvReader::Next::Record:
        return reader.fields();
    case CsvReader::Next::BadRecord:
        return Error::invalid(QStringLiteral("Line %1: the header row cannot be read: %2")
                                  .arg(reader.errorLine())
                                  .arg(reader.errorMessage()));
    case CsvReader::Next::End:
        return Error::invalid(
            QStringLiteral("The file is empty: a CSV import needs a header row naming the "
                           "columns (uid, name, model, ...)"));
    case CsvReader::Next::ReadFailed:
        break;
    }
    return Error::failed(reader.errorMessage());
}

Result<QList<MappedColumn>> resolveMapping(const CsvColumnMapping &mapping,
                                           const QStringList &header)
{
    if (mapping.fieldForColumn.size() > header.size())
        return Error::invalid(
            QStringLiteral("The column mapping names %1 columns but the file has %2")
                .arg(mapping.fieldForColumn.size())
                .arg(header.size()));
    const QStringList importable = CsvColumnMapping::importableFields();
    QList<MappedColumn> columns(header.size());
    QList<int> columnOfField(DeviceColumns::Count, -1);
    for (qsizetype c = 0; c < header.size(); ++c) {
        columns[c].title = header.at(c).trimmed();
        if (columns[c].title.isEmpty())
            columns[c].title = QStringLiteral("column %1").arg(c + 1);
        const QString key =
            c < mapping.fieldForColumn.size() ? mapping.fieldForColumn.at(c) : QString();
        if (key.isEmpty())
            continue;
        if (!importable.contains(key))
            return Error::invalid(
                QStringLiteral("Column '%1' is mapped to '%2', which is not a field that can be "
                               "imported; use one of: %3")
                    .arg(columns[c].title, key, expected(importable)));
        const int field = DeviceColumns::fromKey(key);
        if (columnOfField[field] >= 0)
            return Error::invalid(
                QStringLiteral("Columns '%1' and '%2' are both mapped to '%3': "
                               "map only one of them")
                    .arg(columns[columnOfField[field]].title, columns[c].title, key));
        columnOfField[field] = int(c);
        columns[c].field = field;
    }
    if (columnOfField[DeviceColumns::Uid] < 0)
        return Error::invalid(QStringLiteral(
            "No column holds the device id: name a column 'uid' (or 'id', 'device id') or map "
            "one to uid"));
    return columns;
}

// One import, from the first data row to the commit.
class CsvImportRun
{
public:
    CsvImportRun(SqliteDatabase &db, const CsvImporter::Options &options,
                 QList<MappedColumn> columns, CsvImportReport &report)
        : m_options(options)
        , m_columns(std::move(columns))
        , m_report(report)
        , m_writer(db, options.dryRun,
                   [](qint64 line) { return QStringLiteral("line %1").arg(line); })
    {
        for (const MappedColumn &column : std::as_const(m_columns))
            if (column.field >= 0 && isTextField(column.field))
                m_textFields |= DeviceImportWriter::fieldBit(column.field);
    }

    Status start() { return m_writer.start(); }
    DeviceImportWriter &writer() { return m_writer; }

    void addError(qint64 line, const QString &message)
    {
        if (m_report.errors.size() < kMaxReportedErrors)
            m_report.errors.append({line, message});
        else
            ++m_report.moreErrors;
    }

    void importRecord(const QStringList &cells, qint64 line);

private:
    bool readValue(int field, const QString &cell, const QString &title, Device &d, quint32 &given,
                   qint64 line);

    const CsvImporter::Options &m_options;
    QList<MappedColumn> m_columns;
    CsvImportReport &m_report;
    DeviceImportWriter m_writer;
    quint32 m_textFields = 0; // text columns are given even when empty: empty clears them
};

// Reads one cell into `d`. Returns false (after reporting) when the value is not acceptable.
bool CsvImportRun::readValue(int field, const QString &cell, const QString &title, Device &d,
                             quint32 &given, qint64 line)
{
    auto bad = [&](const QString &what) {
        addError(line, QStringLiteral("Column '%1': %2").arg(title, what));
        return false;
    };
    switch (field) {
    case DeviceColumns::Uid:
        d.uid = cell.trimmed();
        return true;
    case DeviceColumns::Name:
        d.name = withoutFormulaGuard(cell.trimmed());
        return true;
    case DeviceColumns::Serial:
        d.serial = withoutFormulaGuard(cell.trimmed());
        return true;
    case DeviceColumns::Vendor:
        d.vendor = withoutFormulaGuard(cell.trimmed());
        return true;
    case DeviceColumns::Model:
        d.model = withoutFormulaGuard(cell.trimmed());
        return true;
    case DeviceColumns::HwRevision:
        d.hwRevision = withoutFormulaGuard(cell.trimmed());
        return true;
    case DeviceColumns::Firmware:
        d.fwVersion = withoutFormulaGuard(cell.trimmed());
        return true;
    case DeviceColumns::PreviousFirmware:
        d.fwPrevious = withoutFormulaGuard(cell.trimmed());
        return true;
    case DeviceColumns::KnownGoodFirmware:
        d.fwKnownGood = withoutFormulaGuard(cell.trimmed());
        return true;
    case DeviceColumns::Site:
        d.site = withoutFormulaGuard(cell.trimmed());
        return true;
    case DeviceColumns::Mac:
        d.mac = withoutFormulaGuard(cell.trimmed());
        return true;
    case DeviceColumns::Ip:
        d.ip = withoutFormulaGuard(cell.trimmed());
        return true;
    case DeviceColumns::Hostname:
        d.hostname = withoutFormulaGuard(cell.trimmed());
        return true;
    case DeviceColumns::Notes:
        d.notes = withoutFormulaGuard(cell);
        return true;
    case DeviceColumns::Tags:
        d.tags = DeviceFieldRules::splitList(withoutFormulaGuard(cell.trimmed()));
        return true;
    case DeviceColumns::Groups:
        d.groups = DeviceFieldRules::splitList(withoutFormulaGuard(cell.trimmed()));
        return true;
    default:
        break;
    }

    // Typed fields: an empty cell leaves the value alone (a new device gets the default).
    const QString value = cell.trimmed();
    if (value.isEmpty())
        return true;
    given |= DeviceImportWriter::fieldBit(field);
    switch (field) {
    case DeviceColumns::State:
        if (auto state = DeviceFieldRules::normalizeState(value)) {
            d.state = *state;
            return true;
        }
        return bad(QStringLiteral("'%1' is not a lifecycle state; use one of: %2")
                       .arg(value, expected(lifecycleStateNames())));
    case DeviceColumns::Connection:
        if (auto connection = DeviceFieldRules::normalizeConnection(value)) {
            d.connection = *connection;
            return true;
        }
        return bad(QStringLiteral("'%1' is not a connection kind; use one of: %2")
                       .arg(value, expected(connectionKinds())));
    case DeviceColumns::Health:
        if (auto health = DeviceFieldRules::normalizeHealth(value)) {
            d.health = *health;
            return true;
        }
        return bad(QStringLiteral("'%1' is not a health value; use one of: %2")
                       .arg(value, expected(healthValues())));
    case DeviceColumns::Online:
        if (auto online = DeviceFieldRules::parseBool(value)) {
            d.online = *online;
            return true;
        }
        return bad(QStringLiteral("'%1' is not true/false (yes/no and 1/0 work too)").arg(value));
    case DeviceColumns::LastSeen:
    case DeviceColumns::FirstSeen:
        if (auto time = DeviceFieldRules::parseTimestamp(value)) {
            (field == DeviceColumns::LastSeen ? d.lastSeen : d.firstSeen) = *time;
            return true;
        }
        return bad(QStringLiteral("'%1' is not an ISO-8601 date and time, e.g. "
                                  "2026-03-02T09:00:00Z (UTC when no offset is given)")
                       .arg(value));
    case DeviceColumns::TimeZone:
        if (DeviceFieldRules::isValidTimeZone(value)) {
            d.siteTimeZone = value;
            return true;
        }
        return bad(QStringLiteral("'%1' is not an IANA time zone id such as Europe/Berlin or "
                                  "America/Chicago")
                       .arg(value));
    default:
        return true;
    }
}

void CsvImportRun::importRecord(const QStringList &cells, qint64 line)
{
    if (cells.size() != m_columns.size()) {
        addError(line, QStringLiteral("Expected %1 fields, as in the header, but found %2")
                           .arg(m_columns.size())
                           .arg(cells.size()));
        return;
    }
    Device d;
    quint32 given = m_textFields;
    bool valid = true;
    QString uidColumn;
    for (qsizetype c = 0; c < cells.size(); ++c) {
        const MappedColumn &column = m_columns.at(c);
        if (column.field < 0)
            continue;
        if (column.field == DeviceColumns::Uid)
            uidColumn = column.title;
        valid = readValue(column.field, cells.at(c), column.title, d, given, line) && valid;
    }
    if (d.uid.isEmpty()) {
        addError(line, QStringLiteral("Column '%1': the device id is empty").arg(uidColumn));
        return;
    }
    if (!valid) {
        if (const QString duplicate = m_writer.reject(d.uid, line); !duplicate.isEmpty())
            addError(line, duplicate);
        return;
    }
    if (Status s = m_writer.write(std::move(d), given, line); !s)
        addError(line, s.message());
}

} // namespace

CsvColumnMapping CsvColumnMapping::guess(const QStringList &header)
{
    CsvColumnMapping mapping;
    QList<bool> taken(DeviceColumns::Count, false);
    for (const QString &name : header) {
        const int field = fieldForName(name);
        if (field < 0 || taken[field]) {
            mapping.fieldForColumn << QString();
            continue;
        }
        taken[field] = true;
        mapping.fieldForColumn << DeviceColumns::key(field);
    }
    return mapping;
}

QStringList CsvColumnMapping::importableFields()
{
    // Everything the device table shows except the configuration hash, which is computed
    // from the configuration itself.
    QStringList fields = DeviceColumns::keys();
    fields.removeAll(DeviceColumns::key(DeviceColumns::ConfigHash));
    return fields;
}

Result<CsvImportReport> CsvImporter::preview(const QString &filePath, int rows)
{
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly))
        return Error::notFound(
            QStringLiteral("Cannot open %1: %2").arg(filePath, file.errorString()));
    CsvReader reader(file);
    auto header = readHeader(reader);
    if (!header)
        return header.error();
    CsvImportReport report;
    report.header = header.value();
    while (report.previewRows.size() < rows) {
        const CsvReader::Next next = reader.next();
        if (next == CsvReader::Next::End)
            break;
        if (next == CsvReader::Next::ReadFailed)
            return Error::failed(reader.errorMessage());
        ++report.rows;
        if (next == CsvReader::Next::BadRecord)
            report.errors.append({reader.errorLine(), reader.errorMessage()});
        else
            report.previewRows.append(reader.fields());
    }
    return report;
}

Result<CsvImportReport> CsvImporter::import(SqliteDatabase &db, AuditLog &audit,
                                            const QString &filePath, const Options &options,
                                            const std::function<bool(qint64, qint64)> &progress)
{
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly))
        return Error::notFound(
            QStringLiteral("Cannot open %1: %2").arg(filePath, file.errorString()));
    const qint64 totalBytes = file.size();

    QCryptographicHash sha256(QCryptographicHash::Sha256);
    CsvReader::Options readerOptions;
    readerOptions.maxLineBytes = options.maxLineBytes;
    CsvReader reader(file, readerOptions);
    reader.setHash(&sha256);

    auto header = readHeader(reader);
    if (!header)
        return header.error();
    const CsvColumnMapping mapping = options.mapping.fieldForColumn.isEmpty()
                                         ? CsvColumnMapping::guess(header.value())
                                         : options.mapping;
    auto columns = resolveMapping(mapping, header.value());
    if (!columns)
        return columns.error();

    CsvImportReport report;
    report.header = header.value();

    // A dry run writes nothing and so needs no write lock; a real import writes every valid
    // row as it goes (so duplicates show up in the table) and rolls back if any row failed.
    std::optional<AuditedChange> change;
    if (!options.dryRun) {
        change.emplace(db, audit);
        if (!change->beginStatus())
            return change->beginStatus().error();
    }
    CsvImportRun run(db, options, std::move(columns.value()), report);
    if (Status s = run.start(); !s)
        return s.error();

    for (;;) {
        const CsvReader::Next next = reader.next();
        if (next == CsvReader::Next::End)
            break;
        if (next == CsvReader::Next::ReadFailed)
            return Error::failed(reader.errorMessage());
        ++report.rows;
        if (next == CsvReader::Next::BadRecord) {
            run.addError(reader.errorLine(), reader.errorMessage());
        } else {
            if (report.previewRows.size() < options.previewRows)
                report.previewRows.append(reader.fields());
            run.importRecord(reader.fields(), reader.line());
        }
        if (progress && report.rows % kProgressEveryRows == 0 &&
            !progress(reader.bytesRead(), totalBytes)) {
            report.cancelled = true;
            return report; // `change` rolls back
        }
    }

    report.fileSha256 = QString::fromLatin1(sha256.result().toHex());
    report.created = run.writer().created();
    report.updated = run.writer().updated();
    if (progress)
        (void)progress(totalBytes, totalBytes);
    if (options.dryRun || !report.errors.isEmpty())
        return report;

    const QString fileName = QFileInfo(filePath).fileName();
    QJsonObject after;
    after.insert(QStringLiteral("file"), fileName);
    after.insert(QStringLiteral("sha256"), report.fileSha256);
    after.insert(QStringLiteral("rows"), report.rows);
    after.insert(QStringLiteral("created"), report.created);
    after.insert(QStringLiteral("updated"), report.updated);
    if (Status s = change->record({QStringLiteral("inventory.import"),
                                   QStringLiteral("workspace"),
                                   fileName,
                                   {},
                                   after,
                                   options.reason});
        !s)
        return s.error();
    if (Status s = change->commit(); !s)
        return s.error();
    report.committed = true;
    return report;
}

} // namespace fleet
