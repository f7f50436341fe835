#pragma once

#include "crypto/Ed25519PublicKey.h"
#include "crypto/FileSha256.h"
#include "protocol/JobMessage.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QTemporaryFile>
#include <QTimer>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace fleet::sim {

// Downloads one artifact as a device does: over HTTPS with the certificate and host name
// verified against the given CAs, streamed to a temporary file while its size and SHA-256 are
// checked, and finally its signature checked over what actually arrived (ArtifactSignature).
// Emits finished exactly once.
class ArtifactDownloader : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QList<QSslCertificate> caCertificates; // empty: the system's CAs
        Ed25519PublicKey trustKey;
        int kbps = 0;           // 0: as fast as the link allows
        qint64 breakOffAt = -1; // injected failure: the link dies after this many bytes
    };

    ArtifactDownloader(QNetworkAccessManager *network, Settings settings,
                       QObject *parent = nullptr);
    ~ArtifactDownloader() override;

    void start(const JobArtifact &artifact);
    void abort();
    // The verified file, valid after a successful finished() until this object goes away.
    QString filePath() const;

signals:
    void progress(int percent);
    // ok, or a reason a person can read ("SHA-256 mismatch: ...").
    void finished(bool ok, const QString &reason);

private:
    void readAvailable();
    void onReplyFinished();
    void fail(const QString &reason);
    void succeed();

    QNetworkAccessManager *m_network;
    Settings m_settings;
    JobArtifact m_artifact;
    QPointer<QNetworkReply> m_reply;
    std::unique_ptr<QTemporaryFile> m_file;
    FileSha256 m_hash;
    QTimer m_throttle;
    qint64 m_budget = 0; // bytes the throttle still allows
    int m_lastPercent = -1;
    bool m_done = false;
};

} // namespace fleet::sim
