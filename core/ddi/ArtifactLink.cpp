#include "ddi/ArtifactLink.h"

#include "storage/SqliteDatabase.h"

#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QUrlQuery>

namespace fleet {

Result<ArtifactLink> ArtifactLink::forWorkspace(SqliteDatabase &db)
{
    QByteArray fresh(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(fresh.data()),
                                          fresh.size() / 4);
    // INSERT OR IGNORE: two processes creating it at once agree on whichever landed first.
    if (Status s = db.execute(QStringLiteral("INSERT OR IGNORE INTO workspace_settings (key, "
                                             "value) VALUES (?, ?)"),
                              {QLatin1String(settingsKey), QString::fromLatin1(fresh.toHex())});
        !s)
        return s.error();
    auto stored = db.scalar(QStringLiteral("SELECT value FROM workspace_settings WHERE key = ?"),
                            {QLatin1String(settingsKey)});
    if (!stored)
        return stored.error();
    const QByteArray key = QByteArray::fromHex(stored->toString().toLatin1());
    if (key.size() != 32)
        return Error::failed(QStringLiteral("The workspace's artifact link key is damaged"));
    return ArtifactLink(key);
}

QString ArtifactLink::mac(qint64 releaseId, const QString &deviceUid) const
{
    const QByteArray message = QByteArray::number(releaseId) + '\n' + deviceUid.toUtf8();
    return QString::fromLatin1(
        QMessageAuthenticationCode::hash(message, m_key, QCryptographicHash::Sha256)
            .left(16)
            .toHex());
}

bool ArtifactLink::verify(qint64 releaseId, const QString &deviceUid, const QString &given) const
{
    const QByteArray expected = mac(releaseId, deviceUid).toLatin1();
    const QByteArray actual = given.toLatin1();
    if (expected.size() != actual.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < expected.size(); ++i)
        difference |= static_cast<unsigned char>(expected[i] ^ actual[i]);
    return difference == 0;
}

QUrl ArtifactLink::url(const QUrl &base, const QString &tenant, qint64 releaseId,
                       const QString &fileName, const QString &deviceUid) const
{
    QUrl url = base.adjusted(QUrl::StripTrailingSlash);
    url.setPath(url.path() + QLatin1Char('/') + tenant + QStringLiteral("/artifacts/") +
                QString::number(releaseId) + QLatin1Char('/') + fileName);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("device"), deviceUid);
    query.addQueryItem(QStringLiteral("k"), mac(releaseId, deviceUid));
    url.setQuery(query);
    return url;
}

} // namespace fleet
