#include "settings/MemorySecretStore.h"

#include <QMetaObject>

namespace fleet {

void MemorySecretStore::answer(QObject *context, Callback done, SecretOutcome outcome)
{
    QMetaObject::invokeMethod(
        context, [done = std::move(done), outcome = std::move(outcome)] { done(outcome); },
        Qt::QueuedConnection);
}

void MemorySecretStore::read(const QString &key, QObject *context, Callback done)
{
    if (!m_available)
        return answer(context, std::move(done),
                      {SecretOutcome::Kind::Unavailable, {}, noKeychainToReadMessage()});
    if (!m_secrets.contains(key))
        return answer(context, std::move(done),
                      {SecretOutcome::Kind::NotFound,
                       {},
                       QStringLiteral("No password is stored for %1.").arg(key)});
    answer(context, std::move(done), SecretOutcome::success(m_secrets.value(key)));
}

void MemorySecretStore::write(const QString &key, const QString &secret, QObject *context,
                              Callback done)
{
    if (!m_available)
        return answer(context, std::move(done),
                      {SecretOutcome::Kind::Unavailable, {}, noKeychainMessage()});
    m_secrets.insert(key, secret);
    answer(context, std::move(done), SecretOutcome::success());
}

void MemorySecretStore::remove(const QString &key, QObject *context, Callback done)
{
    if (!m_available)
        return answer(context, std::move(done),
                      {SecretOutcome::Kind::Unavailable, {}, noKeychainMessage()});
    m_secrets.remove(key);
    answer(context, std::move(done), SecretOutcome::success());
}

} // namespace fleet
