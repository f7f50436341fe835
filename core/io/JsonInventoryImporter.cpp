#include "JsonInventoryImporter.h"

#include "audit/AuditLog.h"
#include "inventory/DeviceColumns.h"
#include "inventory/LifecycleState.h"
#include "io/DeviceFieldRules.h"
#include "io/DeviceImportWriter.h"
#include "protocol/JsonFieldReader.h"
#include "storage/SqliteDatabase.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <optional>

namespace fleet {

namespace {

constexpr qint64 kMaxFileBytes = qint64(512) << 20;
constexpr int kMaxReportedErrors = 1000;

struct ParsedDevice
{
    Device device;
    quint32 given = 0; // DeviceImportWriter::fieldBit() of every key the object has
};

QString joined(const QStringList &values)
{
    return values.join(QStringLiteral(", "));
}

// Reads one array element. Problems go to `errors` as "[index].field: what is wrong".
class DeviceObjectReader
{
public:
    DeviceObjectReader(qsizetype index, QStringList &errors)
        : m_index(index)
        , m_errors(errors)
    {}

    std::optional<ParsedDevice> read(const QJsonValue &value);

private:
    void error(const QString &field, const QString &what)
    {
        m_errors << QStringLiteral("[%1].%2: %3").arg(m_index).arg(field, what);
        m_ok = false;
    }
    std::optional<QString> string(const QString &key, const QJsonValue &v);
    void readField(const QString &key, const QJsonValue &v, ParsedDevice &out);
    std::optional<QStringList> stringList(const QString &key, const QJsonValue &v);
    void readComponents(const QJsonValue &v, Device &d);
    void readConfig(const QJsonValue &v, Device &d);

    qsizetype m_index;
    QStringList &m_errors;
    bool m_ok = true;
};

std::optional<QString> DeviceObjectReader::string(const QString &key, const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isNull())
        return QString();
    error(key, QStringLiteral("expected a string, found %1").arg(JsonFieldReader::typeName(v)));
    return std::nullopt;
}

std::optional<QStringList> DeviceObjectReader::stringList(const QString &key, const QJsonValue &v)
{
    if (v.isNull())
        return QStringList();
    if (!v.isArray()) {
        error(key, QStringLiteral("expected an array of strings, found %1")
                       .arg(JsonFieldReader::typeName(v)));
        return std::nullopt;
    }
    QStringList out;
    const QJsonArray array = v.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue item = array.at(i);
        if (!item.isString()) {
            error(
                QStringLiteral("%1[%2]").arg(key).arg(i),
                QStringLiteral("expected a string, found %1").arg(JsonFieldReader::typeName(item)));
            return std::nullopt;
        }
        const QString text = item.toString().trimmed();
        if (!text.isEmpty() && !out.contains(text))
            out << text;
    }
    return out;
}

void DeviceObjectReader::readComponents(const QJsonValue &v, Device &d)
{
    const QString key = QStringLiteral("components");
    if (v.isNull())
        return;
    if (!v.isArray()) {
        error(key, QStringLiteral("expected an array of components, found %1")
                       .arg(JsonFieldReader::typeName(v)));
        return;
    }
    const QJsonArray array = v.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString where = QStringLiteral("components[%1]").arg(i);
        if (!array.at(i).isObject()) {
            error(where, QStringLiteral("expected an object with name, version, purl and cpe, "
                                        "found %1")
                             .arg(JsonFieldReader::typeName(array.at(i))));
            continue;
        }
        const QJsonObject o = array.at(i).toObject();
        Component c;
        bool fine = true;
        for (const char *part : {"name", "version", "purl", "cpe"}) {
            const QString partKey = QLatin1String(part);
            const QJsonValue value = o.value(partKey);
            if (value.isUndefined() || value.isNull())
                continue;
            if (!value.isString()) {
                error(where + QLatin1Char('.') + partKey,
                      QStringLiteral("expected a string, found %1")
                          .arg(JsonFieldReader::typeName(value)));
                fine = false;
                continue;
            }
            QString text = value.toString();
            if (partKey == QLatin1String("name"))
                c.name = text.trimmed();
            else if (partKey == QLatin1String("version"))
                c.version = text;
            else if (partKey == QLatin1String("purl"))
                c.purl = text;
            else
                c.cpe = text;
        }
        if (!fine)
            continue;
        if (c.name.isEmpty()) {
            error(where + QStringLiteral(".name"), QStringLiteral("a component needs a name"));
            continue;
        }
        // The workspace keys components by name and version.
        bool repeated = false;
        for (const Component &earlier : std::as_const(d.components))
            repeated = repeated || (earlier.name == c.name && earlier.version == c.version);
        if (repeated) {
            error(where, QStringLiteral("component %1 %2 is listed twice").arg(c.name, c.version));
            continue;
        }
        d.components << c;
    }
}

void DeviceObjectReader::readConfig(const QJsonValue &v, Device &d)
{
    const QString key = QStringLiteral("config");
    if (v.isNull())
        return;
    if (!v.isObject()) {
        error(key, QStringLiteral("expected an object of key: value strings, found %1")
                       .arg(JsonFieldReader::typeName(v)));
        return;
    }
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!it.value().isString()) {
            error(QStringLiteral("config.%1").arg(it.key()),
                  QStringLiteral("expected a string, found %1")
                      .arg(JsonFieldReader::typeName(it.value())));
            continue;
        }
        d.config.insert(it.key(), it.value().toString());
    }
}

void DeviceObjectReader::readField(const QString &key, const QJsonValue &v, ParsedDevice &out)
{
    Device &d = out.device;
    if (key == QLatin1String("components")) {
        out.given |= DeviceImportWriter::fieldBit(DeviceImportWriter::Components);
        readComponents(v, d);
        return;
    }
    if (key == QLatin1String("config")) {
        out.given |= DeviceImportWriter::fieldBit(DeviceImportWriter::Config);
        readConfig(v, d);
        return;
    }
    const int field = DeviceColumns::fromKey(key);
    if (field < 0) {
        error(key, QStringLiteral("not a device field; the fields are: %1, components, config")
                       .arg(joined(DeviceColumns::keys())));
        return;
    }
    out.given |= DeviceImportWriter::fieldBit(field);

    switch (field) {
    case DeviceColumns::Online:
        if (v.isBool())
            d.online = v.toBool();
        else
            error(key, QStringLiteral("expected true or false, found %1")
                           .arg(JsonFieldReader::typeName(v)));
        return;
    case DeviceColumns::Tags:
        if (auto list = stringList(key, v))
            d.tags = *list;
        return;
    case DeviceColumns::Groups:
        if (auto list = stringList(key, v))
            d.groups = *list;
        return;
    default:
        break;
    }

    const std::optional<QString> text = string(key, v);
    if (!text)
        return;
    switch (field) {
    case DeviceColumns::Uid:
        d.uid = text->trimmed();
        return;
    case DeviceColumns::Name:
        d.name = *text;
        return;
    case DeviceColumns::Serial:
        d.serial = *text;
        return;
    case DeviceColumns::Vendor:
        d.vendor = *text;
        return;
    case DeviceColumns::Model:
        d.model = *text;
        return;
    case DeviceColumns::HwRevision:
        d.hwRevision = *text;
        return;
    case DeviceColumns::Firmware:
        d.fwVersion = *text;
        return;
    case DeviceColumns::PreviousFirmware:
        d.fwPrevious = *text;
        return;
    case DeviceColumns::KnownGoodFirmware:
        d.fwKnownGood = *text;
        return;
    case DeviceColumns::ConfigHash:
        d.configHash = *text;
        return;
    case DeviceColumns::Mac:
        d.mac = *text;
        return;
    case DeviceColumns::Ip:
        d.ip = *text;
        return;
    case DeviceColumns::Hostname:
        d.hostname = *text;
        return;
    case DeviceColumns::Site:
        d.site = text->trimmed();
        return;
    case DeviceColumns::Notes:
        d.notes = *text;
        return;
    case DeviceColumns::TimeZone:
        // The exporter writes "" for a device without a site.
        if (text->trimmed().isEmpty())
            out.given &= ~DeviceImportWriter::fieldBit(field);
        else if (DeviceFieldRules::isValidTimeZone(text->trimmed()))
            d.siteTimeZone = text->trimmed();
        else
            error(key, QStringLiteral("'%1' is not an IANA time zone id such as Europe/Berlin")
                           .arg(*text));
        return;
    case DeviceColumns::State:
        if (auto state = DeviceFieldRules::normalizeState(*text))
            d.state = *state;
        else
            error(key, QStringLiteral("'%1' is not a lifecycle state; use one of: %2")
                           .arg(*text, joined(lifecycleStateNames())));
        return;
    case DeviceColumns::Connection:
        if (auto connection = DeviceFieldRules::normalizeConnection(*text))
            d.connection = *connection;
        else
            error(key, QStringLiteral("'%1' is not a connection kind; use one of: %2")
                           .arg(*text, joined(connectionKinds())));
        return;
    case DeviceColumns::Health:
        if (auto health = DeviceFieldRules::normalizeHealth(*text))
            d.health = *health;
        else
            error(key, QStringLiteral("'%1' is not a health value; use one of: %2")
                           .arg(*text, joined(healthValues())));
        return;
    case DeviceColumns::LastSeen:
    case DeviceColumns::FirstSeen: {
        QDateTime &target = field == DeviceColumns::LastSeen ? d.lastSeen : d.firstSeen;
        if (text->isEmpty()) { // null: never seen
            target = QDateTime();
        } else if (auto time = DeviceFieldRules::parseTimestamp(*text)) {
            target = *time;
        } else {
            error(key, QStringLiteral("'%1' is not an ISO-8601 date and time, e.g. "
                                      "2026-03-02T09:00:00Z")
                           .arg(*text));
        }
        return;
    }
    default:
        return;
    }
}

std::optional<ParsedDevice> DeviceObjectReader::read(const QJsonValue &value)
{
    if (!value.isObject()) {
        m_errors << QStringLiteral("[%1]: expected a device object, found %2")
                        .arg(m_index)
                        .arg(JsonFieldReader::typeName(value));
        return std::nullopt;
    }
    const QJsonObject o = value.toObject();
    ParsedDevice out;
    for (auto it = o.begin(); it != o.end(); ++it)
        readField(it.key(), it.value(), out);
    if (out.device.uid.isEmpty())
        error(QStringLiteral("uid"), QStringLiteral("every device needs an id"));
    if (!m_ok)
        return std::nullopt;
    return out;
}

// Every element, with the index it had; problems in `errors`.
QList<std::pair<qsizetype, ParsedDevice>> parseArray(const QJsonArray &array, QStringList &errors)
{
    QList<std::pair<qsizetype, ParsedDevice>> devices;
    devices.reserve(array.size());
    QHash<QString, qsizetype> indexOfUid;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue value = array.at(i);
        // The uid of a rejected element still counts, so its duplicate is reported too.
        const QString uid = value.toObject().value(QStringLiteral("uid")).toString().trimmed();
        if (!uid.isEmpty()) {
            const auto earlier = indexOfUid.constFind(uid);
            if (earlier != indexOfUid.cend())
                errors << QStringLiteral("[%1].uid: device id '%2' is used twice: also on [%3]")
                              .arg(i)
                              .arg(uid)
                              .arg(earlier.value());
            else
                indexOfUid.insert(uid, i);
        }
        DeviceObjectReader reader(i, errors);
        if (auto parsed = reader.read(value))
            devices.append({i, std::move(*parsed)});
    }
    return devices;
}

Result<QJsonArray> parseDocument(const QByteArray &json)
{
    if (json.trimmed().isEmpty())
        return Error::invalid(
            QStringLiteral("The file is empty: expected a JSON array of devices"));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error::invalid(QStringLiteral("Not valid JSON: %1 at byte %2")
                                  .arg(parseError.errorString())
                                  .arg(parseError.offset));
    if (!doc.isArray())
        return Error::invalid(QStringLiteral(
            "Expected a JSON array of devices (as Fleetdesk exports it), found an object"));
    return doc.array();
}

} // namespace

Result<QList<Device>> JsonInventoryImporter::parse(const QByteArray &json, QStringList *errors)
{
    auto array = parseDocument(json);
    if (!array)
        return array.error();
    QStringList problems;
    auto parsed = parseArray(array.value(), problems);
    if (!problems.isEmpty() && !errors)
        return Error::invalid(problems.size() == 1 ? problems.first()
                                                   : QStringLiteral("%1 (and %2 more problems)")
                                                         .arg(problems.first())
                                                         .arg(problems.size() - 1));
    if (errors)
        *errors << problems;
    QList<Device> devices;
    devices.reserve(parsed.size());
    for (auto &entry : parsed)
        devices << std::move(entry.second.device);
    return devices;
}

Result<JsonInventoryImporter::Report>
JsonInventoryImporter::import(SqliteDatabase &db, AuditLog &audit, const QString &filePath,
                              bool dryRun, const QString &reason)
{
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly))
        return Error::notFound(
            QStringLiteral("Cannot open %1: %2").arg(filePath, file.errorString()));
    if (file.size() > kMaxFileBytes)
        return Error::invalid(
            QStringLiteral("%1 is %2 MB; a JSON import takes at most %3 MB (use CSV for larger "
                           "inventories)")
                .arg(filePath)
                .arg(file.size() >> 20)
                .arg(kMaxFileBytes >> 20));
    const QByteArray json = file.read(kMaxFileBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return Error::failed(
            QStringLiteral("Could not read %1: %2").arg(filePath, file.errorString()));

    auto array = parseDocument(json);
    if (!array)
        return array.error();

    Report report;
    report.devices = array->size();
    QStringList problems;
    auto parsed = parseArray(array.value(), problems);
    auto addError = [&](const QString &message) {
        if (report.errors.size() < kMaxReportedErrors)
            report.errors << message;
    };
    for (const QString &problem : std::as_const(problems))
        addError(problem);
    if (!report.errors.isEmpty())
        return report;

    std::optional<AuditedChange> change;
    if (!dryRun) {
        change.emplace(db, audit);
        if (!change->beginStatus())
            return change->beginStatus().error();
    }
    DeviceImportWriter writer(db, dryRun,
                              [](qint64 index) { return QStringLiteral("[%1]").arg(index); });
    if (Status s = writer.start(); !s)
        return s.error();
    for (auto &[index, entry] : parsed)
        if (Status s = writer.write(std::move(entry.device), entry.given, index); !s)
            addError(QStringLiteral("[%1]: %2").arg(index).arg(s.message()));
    report.created = writer.created();
    report.updated = writer.updated();
    if (dryRun || !report.errors.isEmpty())
        return report;

    const QString fileName = QFileInfo(filePath).fileName();
    QJsonObject after;
    after.insert(QStringLiteral("file"), fileName);
    after.insert(
        QStringLiteral("sha256"),
        QString::fromLatin1(QCryptographicHash::hash(json, QCryptographicHash::Sha256).toHex()));
    after.insert(QStringLiteral("rows"), report.devices);
    after.insert(QStringLiteral("created"), report.created);
    after.insert(QStringLiteral("updated"), report.updated);
    if (Status s = change->record({QStringLiteral("inventory.import"),
                                   QStringLiteral("workspace"),
                                   fileName,
                                   {},
                                   after,
                                   reason});
        !s)
        return s.error();
    if (Status s = change->commit(); !s)
        return s.error();
    report.committed = true;
    return report;
}

} // namespace fleet
