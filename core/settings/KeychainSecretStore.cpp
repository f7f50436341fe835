#include "settings/KeychainSecretStore.h"

#include <QMetaObject>
#include <qt6keychain/keychain.h>

#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
#include <QDBusConnection>
#endif

namespace fleet {

namespace {

// QtKeychain reports a missing Secret Service in several ways depending on the backend it
// tried (no backend, no D-Bus session bus, a service that is not running); all of them mean
// the same to the user.
bool meansNoKeychain(const QKeychain::Job &job)
{
    switch (job.error()) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return true;
    case QKeychain::OtherError:
    case QKeychain::AccessDenied: {
        const QString text = job.errorString();
        return text.contains(QLatin1String("D-Bus"), Qt::CaseInsensitive) ||
               text.contains(QLatin1String("DBus"), Qt::CaseInsensitive) ||
               text.contains(QLatin1String("org.freedesktop"), Qt::CaseInsensitive) ||
               text.contains(QLatin1String("kwalletd"), Qt::CaseInsensitive) ||
               text.contains(QLatin1String("not available"), Qt::CaseInsensitive) ||
               text.contains(QLatin1String("No keychain"), Qt::CaseInsensitive) ||
               // What QtKeychain says when its libsecret backend cannot be loaded or reached.
               text == QLatin1String("Unknown error");
    }
    default:
        return false;
    }
}

SecretOutcome outcomeOf(const QKeychain::Job &job, const QString &key, bool reading,
                        QString secret = {})
{
    if (job.error() == QKeychain::NoError)
        return SecretOutcome::success(std::move(secret));
    if (job.error() == QKeychain::EntryNotFound)
        return {SecretOutcome::Kind::NotFound,
                {},
                QStringLiteral("The keychain holds no password for %1.").arg(key)};
    if (meansNoKeychain(job))
        return {SecretOutcome::Kind::Unavailable,
                {},
                QStringLiteral("%1 (%2)").arg(reading ? SecretStore::noKeychainToReadMessage()
                                                      : SecretStore::noKeychainMessage(),
                                              job.errorString())};
    return {SecretOutcome::Kind::Failed,
            {},
            QStringLiteral("The keychain refused (QtKeychain error %1): %2")
                .arg(int(job.error()))
                .arg(job.errorString())};
}

// On Linux every keychain lives behind the D-Bus session bus; without one (CI, a server
// reached over SSH) there is nothing to ask, and QtKeychain's own errors are vague.
bool sessionBusMissing()
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    return !QDBusConnection::sessionBus().isConnected();
#else
    return false;
#endif
}

void answerUnavailable(QObject *context, const SecretStore::Callback &done, bool reading)
{
    QMetaObject::invokeMethod(
        context,
        [done, reading] {
            done({SecretOutcome::Kind::Unavailable,
                  {},
                  QStringLiteral("%1 (no D-Bus session bus)")
                      .arg(reading ? SecretStore::noKeychainToReadMessage()
                                   : SecretStore::noKeychainMessage())});
        },
        Qt::QueuedConnection);
}

template<typename JobType> JobType *newJob(const QString &service, const QString &key)
{
    auto *job = new JobType(service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text copy of a password
    job->setKey(key);
    return job;
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QString service)
    : m_service(std::move(service))
{}

void KeychainSecretStore::read(const QString &key, QObject *context, Callback done)
{
    if (sessionBusMissing())
        return answerUnavailable(context, done, true);
    auto *job = newJob<QKeychain::ReadPasswordJob>(m_service, key);
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [key, done = std::move(done)](QKeychain::Job *finished) {
                         auto *readJob = static_cast<QKeychain::ReadPasswordJob *>(finished);
                         done(outcomeOf(*readJob, key, true, readJob->textData()));
                     });
    job->start();
}

void KeychainSecretStore::write(const QString &key, const QString &secret, QObject *context,
                                Callback done)
{
    if (sessionBusMissing())
        return answerUnavailable(context, done, false);
    auto *job = newJob<QKeychain::WritePasswordJob>(m_service, key);
    job->setTextData(secret);
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [key, done = std::move(done)](QKeychain::Job *finished) {
                         done(outcomeOf(*finished, key, false));
                     });
    job->start();
}

void KeychainSecretStore::remove(const QString &key, QObject *context, Callback done)
{
    if (sessionBusMissing())
        return answerUnavailable(context, done, false);
    auto *job = newJob<QKeychain::DeletePasswordJob>(m_service, key);
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [key, done = std::move(done)](QKeychain::Job *finished) {
                         SecretOutcome outcome = outcomeOf(*finished, key, false);
                         if (outcome.kind == SecretOutcome::Kind::NotFound)
                             outcome = SecretOutcome::success();
                         done(outcome);
                     });
    job->start();
}

} // namespace fleet
