#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <functional>

namespace fleet {

// What a secret store answered. Unavailable is not a failure of the caller's input: there is
// no keychain to ask (headless server, CI), so the secret has to be asked for instead.
struct SecretOutcome
{
    enum class Kind { Ok, NotFound, Unavailable, Failed };
    Kind kind = Kind::Failed;
    QString secret;  // read: the secret when kind == Ok
    QString message; // for the user when kind != Ok

    bool ok() const { return kind == Kind::Ok; }
    static SecretOutcome success(QString secret = {}) { return {Kind::Ok, std::move(secret), {}}; }
};

// Where passwords live: the OS keychain in the application, memory in tests. Never a settings
// file or the workspace. Calls are asynchronous (a keychain may show a prompt or talk to a
// D-Bus service); `done` runs later on the thread of `context`, and not at all when `context`
// is destroyed first.
class SecretStore
{
public:
    using Callback = std::function<void(const SecretOutcome &)>;

    virtual ~SecretStore() = default;

    virtual void read(const QString &key, QObject *context, Callback done) = 0;
    virtual void write(const QString &key, const QString &secret, QObject *context,
                       Callback done) = 0;
    // Deleting a secret that does not exist succeeds.
    virtual void remove(const QString &key, QObject *context, Callback done) = 0;

    // Blocking forms for the command line (and tests): they run a local event loop until the
    // answer or the timeout. Never call them on the GUI thread.
    SecretOutcome readAndWait(const QString &key, int timeoutMs);
    SecretOutcome writeAndWait(const QString &key, const QString &secret, int timeoutMs);
    SecretOutcome removeAndWait(const QString &key, int timeoutMs);

    // "fleetdesk/<workspace_id>/broker/<profile name>": the workspace id keeps two workspaces'
    // profiles of the same name apart.
    static QString brokerPasswordKey(const QString &workspaceId, const QString &profileName);
    // What every caller tells the user when there is no keychain to keep a password in, and
    // when there is none to read one from.
    static QString noKeychainMessage();
    static QString noKeychainToReadMessage();

private:
    SecretOutcome waitFor(const std::function<void(QObject *, Callback)> &call, int timeoutMs);
};

} // namespace fleet
