#include "settings/SecretStore.h"

#include <QEventLoop>
#include <QTimer>

namespace fleet {

QString SecretStore::brokerPasswordKey(const QString &workspaceId, const QString &profileName)
{
    return QStringLiteral("fleetdesk/%1/broker/%2").arg(workspaceId, profileName);
}

QString SecretStore::noKeychainMessage()
{
    return QStringLiteral("No OS keychain is available: the password was not saved; Fleetdesk "
                          "will ask for it when connecting");
}

QString SecretStore::noKeychainToReadMessage()
{
    return QStringLiteral("No OS keychain is available to read the broker password from");
}

SecretOutcome SecretStore::waitFor(const std::function<void(QObject *, Callback)> &call,
                                   int timeoutMs)
{
    QEventLoop loop;
    SecretOutcome outcome;
    outcome.kind = SecretOutcome::Kind::Failed;
    outcome.message = QStringLiteral("The keychain did not answer within %1 s.")
                          .arg(timeoutMs / 1000.0, 0, 'g', 3);
    bool answered = false;
    call(&loop, [&](const SecretOutcome &answer) {
        outcome = answer;
        answered = true;
        loop.quit();
    });
    if (!answered) {
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return outcome;
}

SecretOutcome SecretStore::readAndWait(const QString &key, int timeoutMs)
{
    return waitFor([&](QObject *context, Callback done) { read(key, context, std::move(done)); },
                   timeoutMs);
}

SecretOutcome SecretStore::writeAndWait(const QString &key, const QString &secret, int timeoutMs)
{
    return waitFor(
        [&](QObject *context, Callback done) { write(key, secret, context, std::move(done)); },
        timeoutMs);
}

SecretOutcome SecretStore::removeAndWait(const QString &key, int timeoutMs)
{
    return waitFor([&](QObject *context, Callback done) { remove(key, context, std::move(done)); },
                   timeoutMs);
}

} // namespace fleet
