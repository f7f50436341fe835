#include "ArtifactDownloader.h"

#include "crypto/ArtifactSignature.h"

#include <QDir>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QSslError>
#include <algorithm>

namespace fleet::sim {

namespace {

constexpr int ThrottleTickMs = 100;

} // namespace

ArtifactDownloader::ArtifactDownloader(QNetworkAccessManager *network, Settings settings,
                                       QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_settings(std::move(settings))
{
    m_throttle.setInterval(ThrottleTickMs);
    connect(&m_throttle, &QTimer::timeout, this, [this] {
        m_budget = static_cast<qint64>(m_settings.kbps) * 1000 / 8 * ThrottleTickMs / 1000;
        readAvailable();
    });
}

ArtifactDownloader::~ArtifactDownloader()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

QString ArtifactDownloader::filePath() const
{
    return m_file ? m_file->fileName() : QString();
}

void ArtifactDownloader::start(const JobArtifact &artifact)
{
    m_artifact = artifact;
    const QUrl url(artifact.url);
    if (!url.isValid() ||
        (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))) {
        QTimer::singleShot(0, this, [this] {
            fail(QStringLiteral("the artifact URL is not http(s): %1").arg(m_artifact.url));
        });
        return;
    }
    m_file = std::make_unique<QTemporaryFile>(
        QDir::temp().filePath(QStringLiteral("fleetsim-artifact-XXXXXX")));
    if (!m_file->open()) {
        QTimer::singleShot(0, this, [this] {
            fail(QStringLiteral("cannot create a temporary file: %1").arg(m_file->errorString()));
        });
        return;
    }
    QNetworkRequest request(url);
    // A device follows no redirect to another scheme; integrity rests on hash and signature.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    if (url.scheme() == QLatin1String("https")) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        if (!m_settings.caCertificates.isEmpty())
            tls.setCaCertificates(m_settings.caCertificates); // only these, not the system's
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        request.setSslConfiguration(tls);
    }
    m_reply = m_network->get(request);
    if (m_settings.kbps > 0) {
        // Qt buffers at most this much; the throttle decides how fast it is drained, and TCP
        // flow control slows the sender down to match.
        m_reply->setReadBufferSize(std::max<qint64>(4096, m_settings.kbps * 1000 / 8 / 10));
        m_budget = static_cast<qint64>(m_settings.kbps) * 1000 / 8 * ThrottleTickMs / 1000;
        m_throttle.start();
    }
    connect(m_reply, &QNetworkReply::readyRead, this, &ArtifactDownloader::readAvailable);
    connect(m_reply, &QNetworkReply::finished, this, &ArtifactDownloader::onReplyFinished);
    emit progress(0);
}

void ArtifactDownloader::abort()
{
    fail(QStringLiteral("download cancelled"));
}

void ArtifactDownloader::readAvailable()
{
    if (m_done || !m_reply)
        return;
    while (m_reply->bytesAvailable() > 0) {
        qint64 want = m_reply->bytesAvailable();
        if (m_settings.kbps > 0) {
            if (m_budget <= 0)
                return;
            want = std::min(want, m_budget);
        }
        const QByteArray chunk = m_reply->read(std::min<qint64>(want, FileSha256::ChunkSize));
        if (chunk.isEmpty())
            return;
        m_budget -= chunk.size();
        if (m_settings.breakOffAt >= 0 &&
            m_hash.bytesHashed() + chunk.size() > m_settings.breakOffAt) {
            fail(QStringLiteral("download broke off after %1 of %2 bytes (injected link failure)")
                     .arg(m_hash.bytesHashed())
                     .arg(m_artifact.size));
            return;
        }
        if (m_hash.bytesHashed() + chunk.size() > m_artifact.size) {
            fail(QStringLiteral(
                     "size mismatch: the server sent more than the %1 bytes the job announced")
                     .arg(m_artifact.size));
            return;
        }
        m_hash.addData(chunk);
        if (m_file->write(chunk) != chunk.size()) {
            fail(QStringLiteral("cannot write the download: %1").arg(m_file->errorString()));
            return;
        }
        const int percent = m_artifact.size > 0
                                ? static_cast<int>(m_hash.bytesHashed() * 100 / m_artifact.size)
                                : 100;
        if (percent != m_lastPercent) {
            m_lastPercent = percent;
            emit progress(percent);
        }
    }
    if (m_reply && m_reply->isFinished() && m_reply->bytesAvailable() == 0)
        onReplyFinished();
}

void ArtifactDownloader::onReplyFinished()
{
    if (m_done || !m_reply)
        return;
    if (m_reply->error() != QNetworkReply::NoError) {
        const bool tls = m_reply->error() == QNetworkReply::SslHandshakeFailedError;
        fail(tls ? QStringLiteral("TLS handshake with the artifact server failed: %1")
                       .arg(m_reply->errorString())
                 : QStringLiteral("download failed: %1").arg(m_reply->errorString()));
        return;
    }
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 0 && (status < 200 || status > 299)) {
        fail(QStringLiteral("download failed: the server answered HTTP %1").arg(status));
        return;
    }
    if (m_reply->bytesAvailable() > 0) {
        readAvailable(); // the throttle drains the rest and calls back here
        return;
    }
    succeed();
}

void ArtifactDownloader::succeed()
{
    if (m_hash.bytesHashed() != m_artifact.size) {
        fail(QStringLiteral("size mismatch: received %1 bytes, the job announced %2")
                 .arg(m_hash.bytesHashed())
                 .arg(m_artifact.size));
        return;
    }
    const QString actual = m_hash.hexResult();
    if (actual != m_artifact.sha256.toLower()) {
        fail(QStringLiteral("SHA-256 mismatch: received %1, the job announced %2")
                 .arg(actual, m_artifact.sha256));
        return;
    }
    // Checked again over what arrived, not only over what the job claimed.
    const Status signature = ArtifactSignature::verify(m_settings.trustKey, actual,
                                                       m_hash.bytesHashed(), m_artifact.signature);
    if (!signature) {
        fail(signature.message());
        return;
    }
    m_file->flush();
    m_done = true;
    m_throttle.stop();
    emit progress(100);
    emit finished(true, QString());
}

void ArtifactDownloader::fail(const QString &reason)
{
    if (m_done)
        return;
    m_done = true;
    m_throttle.stop();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    if (m_file)
        m_file->remove();
    emit finished(false, reason);
}

} // namespace fleet::sim
