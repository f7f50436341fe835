#pragma once

#include "settings/SecretStore.h"

#include <QHash>

namespace fleet {

// Secrets in memory, for tests and for a process that must not touch the OS keychain. Answers
// asynchronously like a real keychain, so callers cannot come to rely on an immediate answer.
// setAvailable(false) behaves like a machine without a keychain service.
class MemorySecretStore final : public SecretStore
{
public:
    void read(const QString &key, QObject *context, Callback done) override;
    void write(const QString &key, const QString &secret, QObject *context, Callback done) override;
    void remove(const QString &key, QObject *context, Callback done) override;

    void setAvailable(bool available) { m_available = available; }
    QHash<QString, QString> contents() const { return m_secrets; }

private:
    void answer(QObject *context, Callback done, SecretOutcome outcome);

    QHash<QString, QString> m_secrets;
    bool m_available = true;
};

} // namespace fleet
