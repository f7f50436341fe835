#include "AuditFormatter.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>

namespace fleet {

namespace {

QJsonObject parseObject(const QString &json)
{
    return QJsonDocument::fromJson(json.toUtf8()).object();
}

QString valueText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isArray() || v.isObject()) {
        const QJsonDocument doc =
            v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
        return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
    }
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble()) {
        // JSON numbers are doubles; counts and ids must not turn into 2.02611e+07.
        const double d = v.toDouble();
        const qint64 whole = v.toInteger();
        return double(whole) == d ? QString::number(whole) : QString::number(d, 'g', 15);
    }
    return QString();
}

} // namespace

QString AuditFormatter::timeText(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString AuditFormatter::actorText(const AuditEntry &entry)
{
    if (entry.operatorName.isEmpty() || entry.operatorName == entry.osUser)
        return entry.osUser;
    return QStringLiteral("%1 (as %2)").arg(entry.operatorName, entry.osUser);
}

QString AuditFormatter::changeSummary(const AuditEntry &entry)
{
    const QJsonObject before = parseObject(entry.beforeJson);
    const QJsonObject after = parseObject(entry.afterJson);
    QStringList keys = before.keys() + after.keys();
    keys.removeDuplicates();
    std::sort(keys.begin(), keys.end());
    QStringList parts;
    for (const QString &key : keys) {
        const bool had = before.contains(key);
        const bool has = after.contains(key);
        const QString from = valueText(before.value(key));
        const QString to = valueText(after.value(key));
        if (had && has) {
            if (from != to)
                parts << QStringLiteral("%1: %2 -> %3").arg(key, from, to);
        } else if (has) {
            parts << QStringLiteral("%1: +%2").arg(key, to);
        } else {
            parts << QStringLiteral("%1: -%2").arg(key, from);
        }
    }
    return parts.join(QStringLiteral("; "));
}

QJsonObject AuditFormatter::toJson(const AuditEntry &e)
{
    QJsonObject o;
    o.insert(QStringLiteral("seq"), e.seq);
    o.insert(QStringLiteral("time_utc"),
             QDateTime::fromMSecsSinceEpoch(e.tsMs, Qt::UTC).toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("ts_ms"), e.tsMs);
    o.insert(QStringLiteral("os_user"), e.osUser);
    o.insert(QStringLiteral("operator"), e.operatorName);
    o.insert(QStringLiteral("host"), e.host);
    o.insert(QStringLiteral("action"), e.action);
    o.insert(QStringLiteral("object_type"), e.objectType);
    o.insert(QStringLiteral("object_id"), e.objectId);
    o.insert(QStringLiteral("before"), parseObject(e.beforeJson));
    o.insert(QStringLiteral("after"), parseObject(e.afterJson));
    o.insert(QStringLiteral("reason"), e.reason);
    o.insert(QStringLiteral("prev_hash"), e.prevHash);
    o.insert(QStringLiteral("hash"), e.hash);
    return o;
}

QJsonObject AuditFormatter::toJson(const AuditVerification &v)
{
    QJsonObject o;
    o.insert(QStringLiteral("intact"), v.intact);
    o.insert(QStringLiteral("entries"), v.entries);
    o.insert(QStringLiteral("head_hash"), v.headHash);
    o.insert(QStringLiteral("anchored"), v.anchored);
    if (!v.intact) {
        o.insert(QStringLiteral("first_broken_entry"), v.firstBrokenSeq);
        o.insert(QStringLiteral("problem"), v.problem);
    }
    o.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(v.warnings));
    o.insert(QStringLiteral("summary"), v.summary());
    return o;
}

} // namespace fleet
