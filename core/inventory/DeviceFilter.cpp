#include "DeviceFilter.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace fleet {

namespace {

const QString kModels = QStringLiteral("models");
const QString kFirmware = QStringLiteral("firmware");
const QString kSites = QStringLiteral("sites");
const QString kGroups = QStringLiteral("groups");
const QString kStates = QStringLiteral("states");
const QString kTags = QStringLiteral("tags");
const QString kOnline = QStringLiteral("online");
const QString kText = QStringLiteral("text");

QStringList stringList(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &item : v.toArray())
        if (item.isString())
            out << item.toString();
    return out;
}

QString placeholders(qsizetype n)
{
    QStringList q;
    q.fill(QStringLiteral("?"), n);
    return q.join(QLatin1Char(','));
}

} // namespace

bool DeviceFilter::isEmpty() const
{
    return models.isEmpty() && firmware.isEmpty() && sites.isEmpty() && groups.isEmpty() &&
           states.isEmpty() && tags.isEmpty() && !online.has_value() && text.trimmed().isEmpty();
}

QJsonObject DeviceFilter::toJson() const
{
    QJsonObject o;
    auto put = [&o](const QString &key, const QStringList &values) {
        if (!values.isEmpty())
            o.insert(key, QJsonArray::fromStringList(values));
    };
    put(kModels, models);
    put(kFirmware, firmware);
    put(kSites, sites);
    put(kGroups, groups);
    put(kStates, states);
    put(kTags, tags);
    if (online)
        o.insert(kOnline, *online);
    if (!text.trimmed().isEmpty())
        o.insert(kText, text.trimmed());
    return o;
}

DeviceFilter DeviceFilter::fromJson(const QJsonObject &o)
{
    DeviceFilter f;
    f.models = stringList(o.value(kModels));
    f.firmware = stringList(o.value(kFirmware));
    f.sites = stringList(o.value(kSites));
    f.groups = stringList(o.value(kGroups));
    f.states = stringList(o.value(kStates));
    f.tags = stringList(o.value(kTags));
    if (o.value(kOnline).isBool())
        f.online = o.value(kOnline).toBool();
    f.text = o.value(kText).toString();
    return f;
}

QString DeviceFilter::describe() const
{
    QStringList parts;
    auto put = [&parts](const char *label, const QStringList &values) {
        if (!values.isEmpty())
            parts << QStringLiteral("%1 = %2").arg(QLatin1String(label),
                                                   values.join(QStringLiteral(" or ")));
    };
    put("model", models);
    put("firmware", firmware);
    put("site", sites);
    put("group", groups);
    put("state", states);
    put("tag", tags);
    if (online)
        parts << (*online ? QStringLiteral("online") : QStringLiteral("offline"));
    if (!text.trimmed().isEmpty())
        parts << QStringLiteral("text '%1'").arg(text.trimmed());
    return parts.isEmpty() ? QStringLiteral("all devices") : parts.join(QStringLiteral(", "));
}

QString DeviceFilterSql::matchExpression(const QString &text)
{
    // Each word typed is one prefix phrase: its parts (split on anything that is not a letter
    // or digit, as the unicode61 tokenizer splits) in that order, the last one a prefix. So
    // "192.168.4" finds 192.168.4.x but not 192.4.168.x, and "press-line" finds "Press line
    // 2". The parts have no quotes or operators left in them, so nothing typed is interpreted
    // as FTS5 syntax.
    static const QRegularExpression separators(QStringLiteral("[^\\p{L}\\p{N}]+"));
    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    QStringList terms;
    for (const QString &word : text.split(whitespace, Qt::SkipEmptyParts)) {
        const QStringList parts = word.split(separators, Qt::SkipEmptyParts);
        if (!parts.isEmpty())
            terms << QStringLiteral("\"%1\"*").arg(parts.join(QLatin1Char(' ')));
    }
    return terms.join(QStringLiteral(" AND "));
}

SqlCondition DeviceFilterSql::build(const DeviceFilter &filter)
{
    QStringList clauses;
    SqlCondition c;
    auto in = [&](const QString &expression, const QStringList &values) {
        if (values.isEmpty())
            return;
        clauses << QStringLiteral("%1 IN (%2)").arg(expression, placeholders(values.size()));
        for (const QString &v : values)
            c.binds << v;
    };
    in(QStringLiteral("d.model"), filter.models);
    in(QStringLiteral("d.fw_version"), filter.firmware);
    in(QStringLiteral("d.state"), filter.states);
    if (!filter.sites.isEmpty()) {
        clauses << QStringLiteral("d.site_id IN (SELECT id FROM sites WHERE name IN (%1))")
                       .arg(placeholders(filter.sites.size()));
        for (const QString &v : filter.sites)
            c.binds << v;
    }
    if (!filter.groups.isEmpty()) {
        clauses << QStringLiteral("d.id IN (SELECT gm.device_id FROM group_members gm JOIN "
                                  "device_groups g ON g.id = gm.group_id WHERE g.name IN (%1))")
                       .arg(placeholders(filter.groups.size()));
        for (const QString &v : filter.groups)
            c.binds << v;
    }
    if (!filter.tags.isEmpty()) {
        clauses << QStringLiteral("d.id IN (SELECT device_id FROM device_tags WHERE tag IN (%1))")
                       .arg(placeholders(filter.tags.size()));
        for (const QString &v : filter.tags)
            c.binds << v;
    }
    if (filter.online) {
        clauses << QStringLiteral("d.online = ?");
        c.binds << (*filter.online ? 1 : 0);
    }
    const QString match = matchExpression(filter.text);
    if (!match.isEmpty()) {
        clauses << QStringLiteral(
            "d.id IN (SELECT rowid FROM device_search WHERE device_search MATCH ?)");
        c.binds << match;
    }
    if (!clauses.isEmpty())
        c.where = QStringLiteral("WHERE ") + clauses.join(QStringLiteral(" AND "));
    return c;
}

} // namespace fleet
