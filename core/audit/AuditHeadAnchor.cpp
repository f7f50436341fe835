#include "AuditHeadAnchor.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QRegularExpression>
#include <QSaveFile>

namespace fleet {

AuditHeadAnchor::AuditHeadAnchor(QString filePath)
    : m_path(std::move(filePath))
{}

QString AuditHeadAnchor::pathForWorkspace(const QString &workspacePath)
{
    return workspacePath + QStringLiteral(".audit-head");
}

Result<std::optional<AuditHeadAnchor::Head>> AuditHeadAnchor::read() const
{
    QFile f(m_path);
    if (!f.exists())
        return std::optional<Head>();
    if (!f.open(QIODevice::ReadOnly))
        return Error::failed(
            QStringLiteral("Cannot read the audit head %1: %2").arg(m_path, f.errorString()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(4096), &parseError);
    const QJsonObject o = doc.object();
    const QString hash = o.value(QStringLiteral("hash")).toString();
    const qint64 count = o.value(QStringLiteral("count")).toInteger(-1);
    static const QRegularExpression sha256Hex(QStringLiteral("^[0-9a-f]{64}$"));
    if (parseError.error != QJsonParseError::NoError || count < 0 ||
        !sha256Hex.match(hash).hasMatch())
        return Error{Error::Kind::Tampered,
                     QStringLiteral("The audit head file %1 is malformed").arg(m_path)};
    return std::optional<Head>(Head{count, hash});
}

Status AuditHeadAnchor::advance(const Head &head) const
{
    QLockFile lock(m_path + QStringLiteral(".lock"));
    lock.setStaleLockTime(30000);
    if (!lock.tryLock(10000))
        return Error::failed(QStringLiteral("Cannot lock the audit head %1").arg(m_path));
    auto current = read();
    // An unreadable or malformed head is evidence of tampering or damage: replacing it with a
    // fresh head would make the trail verify again, so it is left for verification to report.
    if (!current.ok())
        return current.error();
    if (current.value() && current.value()->count >= head.count)
        return {};
    QSaveFile f(m_path);
    if (!f.open(QIODevice::WriteOnly))
        return Error::failed(
            QStringLiteral("Cannot write the audit head %1: %2").arg(m_path, f.errorString()));
    QJsonObject o;
    o.insert(QStringLiteral("count"), head.count);
    o.insert(QStringLiteral("hash"), head.hash);
    f.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    f.write("\n");
    if (!f.commit())
        return Error::failed(
            QStringLiteral("Cannot write the audit head %1: %2").arg(m_path, f.errorString()));
    return {};
}

} // namespace fleet
