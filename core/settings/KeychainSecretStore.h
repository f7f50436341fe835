#pragma once

#include "settings/SecretStore.h"

namespace fleet {

// Secrets in the operating system's keychain through QtKeychain: the Secret Service (GNOME
// Keyring, KWallet) over D-Bus on Linux, the Credential Manager on Windows. QtKeychain's
// insecure fallback (a plain-text settings file) stays off: with no keychain the answer is
// SecretOutcome::Kind::Unavailable and nothing is written anywhere.
class KeychainSecretStore final : public SecretStore
{
public:
    // `service` groups Fleetdesk's entries in the keychain.
    explicit KeychainSecretStore(QString service = QStringLiteral("Fleetdesk"));

    void read(const QString &key, QObject *context, Callback done) override;
    void write(const QString &key, const QString &secret, QObject *context, Callback done) override;
    void remove(const QString &key, QObject *context, Callback done) override;

private:
    QString m_service;
};

} // namespace fleet
