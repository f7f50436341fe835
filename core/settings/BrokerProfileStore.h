#pragma once

#include "mqtt/MqttBrokerProfile.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QList>
#include <optional>

namespace fleet {

class AuditLog;
class SqliteDatabase;

// One named broker profile as the workspace keeps it. `profile.password` is always empty when
// read back: passwords live in a SecretStore, under SecretStore::brokerPasswordKey().
struct NamedBrokerProfile
{
    qint64 id = 0;
    QString name;
    MqttBrokerProfile profile;
    bool active = false;
};

// The workspace's broker profiles (table broker_profiles): several brokers, at most one active.
// The URL and the settings that are not secret (TLS files, user, client id, keep-alive,
// in-flight window, protocol) are stored; the password never is. Every change is one audited
// transaction ("broker.profile.create/update/delete/activate").
class BrokerProfileStore
{
public:
    BrokerProfileStore(SqliteDatabase &db, AuditLog &audit);

    // The random id the workspace was given when created (keychain keys use it).
    Result<QString> workspaceId();

    Result<QList<NamedBrokerProfile>> list();
    Result<NamedBrokerProfile> find(const QString &name);
    // The active profile, or nullopt when none is.
    Result<std::optional<NamedBrokerProfile>> active();

    // Creates a profile; fails when the name is taken or the profile does not validate.
    Result<NamedBrokerProfile> create(const QString &name, const MqttBrokerProfile &profile);
    // Replaces the settings of the profile called `name` (the name itself stays).
    Status update(const QString &name, const MqttBrokerProfile &profile);
    Status remove(const QString &name);
    // Makes `name` the active profile; an empty name leaves no profile active.
    Status activate(const QString &name);

    // What settings_json holds for a profile, and back (the URL gives host, port and TLS).
    static QJsonObject settingsJson(const MqttBrokerProfile &profile);
    static Result<MqttBrokerProfile> fromStored(const QString &url, const QJsonObject &settings);

private:
    Status checkName(const QString &name) const;

    SqliteDatabase &m_db;
    AuditLog &m_audit;
};

} // namespace fleet
