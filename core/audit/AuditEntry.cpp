#include "AuditEntry.h"

#include <QCryptographicHash>
#include <QJsonDocument>

namespace fleet {

QByteArray AuditEntry::canonicalContent() const
{
    // QJsonObject keeps its keys sorted, and compact output has no optional whitespace, so the
    // same entry always serializes to the same bytes.
    QJsonObject o;
    o.insert(QStringLiteral("seq"), seq);
    o.insert(QStringLiteral("ts_ms"), tsMs);
    o.insert(QStringLiteral("os_user"), osUser);
    o.insert(QStringLiteral("operator"), operatorName);
    o.insert(QStringLiteral("host"), host);
    o.insert(QStringLiteral("action"), action);
    o.insert(QStringLiteral("object_type"), objectType);
    o.insert(QStringLiteral("object_id"), objectId);
    o.insert(QStringLiteral("before"), beforeJson);
    o.insert(QStringLiteral("after"), afterJson);
    o.insert(QStringLiteral("reason"), reason);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString AuditEntry::computeHash() const
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(prevHash.toLatin1());
    h.addData(canonicalContent());
    return QString::fromLatin1(h.result().toHex());
}

QString AuditEntry::genesisHash()
{
    return QString(64, QLatin1Char('0'));
}

} // namespace fleet
