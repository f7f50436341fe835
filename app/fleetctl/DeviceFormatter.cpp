#include "DeviceFormatter.h"

#include "inventory/DeviceColumns.h"

#include <QJsonArray>

namespace fleet {

namespace {

QDateTime timestamp(const QVariant &value)
{
    if (value.isNull() || !value.isValid())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

} // namespace

QString DeviceFormatter::utcText(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                          : QString();
}

QJsonValue DeviceFormatter::utcJson(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs))
                          : QJsonValue(QJsonValue::Null);
}

QString DeviceFormatter::cellText(int column, const QVariant &value)
{
    if (column == DeviceColumns::Online)
        return value.toLongLong() != 0 ? QStringLiteral("yes") : QStringLiteral("no");
    if (DeviceColumns::isTimestamp(column))
        return utcText(timestamp(value));
    return value.toString();
}

QJsonValue DeviceFormatter::cellJson(int column, const QVariant &value)
{
    if (column == DeviceColumns::Online)
        return value.toLongLong() != 0;
    if (DeviceColumns::isTimestamp(column))
        return utcJson(timestamp(value));
    if (column == DeviceColumns::Tags || column == DeviceColumns::Groups) {
        // Stored joined for the table; scripts get the list.
        const QString joined = value.toString();
        return QJsonArray::fromStringList(joined.isEmpty() ? QStringList()
                                                           : joined.split(QStringLiteral(", ")));
    }
    return value.isNull() ? QString() : value.toString();
}

QJsonObject DeviceFormatter::toJson(const Device &device)
{
    QJsonObject o;
    for (int c = 0; c < DeviceColumns::Count; ++c)
        o.insert(DeviceColumns::key(c), cellJson(c, DeviceColumns::value(device, c)));
    // The real lists, not the joined text (a tag may itself contain ", ").
    o.insert(QStringLiteral("tags"), QJsonArray::fromStringList(device.tags));
    o.insert(QStringLiteral("groups"), QJsonArray::fromStringList(device.groups));
    QJsonArray components;
    for (const Component &c : device.components) {
        QJsonObject item;
        item.insert(QStringLiteral("name"), c.name);
        item.insert(QStringLiteral("version"), c.version);
        item.insert(QStringLiteral("purl"), c.purl);
        item.insert(QStringLiteral("cpe"), c.cpe);
        components.append(item);
    }
    o.insert(QStringLiteral("components"), components);
    QJsonObject config;
    for (auto it = device.config.cbegin(); it != device.config.cend(); ++it)
        config.insert(it.key(), it.value());
    o.insert(QStringLiteral("config"), config);
    return o;
}

QList<QPair<QString, QString>> DeviceFormatter::fields(const Device &device)
{
    QList<QPair<QString, QString>> out;
    for (int c = 0; c < DeviceColumns::Count; ++c)
        out.append({DeviceColumns::title(c), cellText(c, DeviceColumns::value(device, c))});
    return out;
}

QJsonObject DeviceFormatter::toJson(const FirmwareChange &change)
{
    QJsonObject o;
    o.insert(QStringLiteral("at"), utcJson(change.at));
    o.insert(QStringLiteral("from_version"), change.fromVersion);
    o.insert(QStringLiteral("to_version"), change.toVersion);
    o.insert(QStringLiteral("source"), change.source);
    return o;
}

} // namespace fleet
