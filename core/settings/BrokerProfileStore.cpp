#include "settings/BrokerProfileStore.h"

#include "audit/AuditLog.h"
#include "storage/SqliteDatabase.h"

#include <QJsonDocument>

namespace fleet {

namespace {

const QString kObjectType = QStringLiteral("broker-profile");

QString protocolKey(MqttBrokerProfile::ProtocolVersion protocol)
{
    switch (protocol) {
    case MqttBrokerProfile::ProtocolVersion::V5WithFallback:
        return QStringLiteral("5-with-fallback");
    case MqttBrokerProfile::ProtocolVersion::V5Only:
        return QStringLiteral("5");
    case MqttBrokerProfile::ProtocolVersion::V311Only:
        return QStringLiteral("3.1.1");
    }
    return QStringLiteral("5-with-fallback");
}

std::optional<MqttBrokerProfile::ProtocolVersion> protocolFromKey(const QString &key)
{
    if (key.isEmpty() || key == QLatin1String("5-with-fallback"))
        return MqttBrokerProfile::ProtocolVersion::V5WithFallback;
    if (key == QLatin1String("5"))
        return MqttBrokerProfile::ProtocolVersion::V5Only;
    if (key == QLatin1String("3.1.1"))
        return MqttBrokerProfile::ProtocolVersion::V311Only;
    return std::nullopt;
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// What the audit trail records of a profile: everything stored, which excludes the password.
QJsonObject auditView(const QString &url, const QJsonObject &settings, bool active)
{
    QJsonObject view = settings;
    view.insert(QStringLiteral("url"), url);
    view.insert(QStringLiteral("active"), active);
    return view;
}

} // namespace

BrokerProfileStore::BrokerProfileStore(SqliteDatabase &db, AuditLog &audit)
    : m_db(db)
    , m_audit(audit)
{}

Result<QString> BrokerProfileStore::workspaceId()
{
    auto id = m_db.scalar(
        QStringLiteral("SELECT value FROM workspace_settings WHERE key = 'workspace_id'"));
    if (!id)
        return id.error();
    if (!id.value().isValid() || id.value().toString().isEmpty())
        return Error::failed(QStringLiteral("The workspace has no id (workspace_settings); it "
                                            "was not migrated correctly."));
    return id.value().toString();
}

QJsonObject BrokerProfileStore::settingsJson(const MqttBrokerProfile &p)
{
    QJsonObject o;
    o.insert(QStringLiteral("caFile"), p.caFile);
    o.insert(QStringLiteral("clientCertFile"), p.clientCertFile);
    o.insert(QStringLiteral("clientKeyFile"), p.clientKeyFile);
    o.insert(QStringLiteral("verifyHostname"), p.verifyHostname);
    o.insert(QStringLiteral("username"), p.username);
    o.insert(QStringLiteral("clientId"), p.clientId);
    o.insert(QStringLiteral("keepAliveSeconds"), p.keepAliveSeconds);
    o.insert(QStringLiteral("cleanSession"), p.cleanSession);
    o.insert(QStringLiteral("inflightWindow"), p.inflightWindow);
    o.insert(QStringLiteral("protocol"), protocolKey(p.protocol));
    return o;
}

Result<MqttBrokerProfile> BrokerProfileStore::fromStored(const QString &url, const QJsonObject &s)
{
    auto parsed = MqttBrokerProfile::fromUrl(url);
    if (!parsed)
        return Error::invalid(
            QStringLiteral("Stored broker URL %1: %2").arg(url, parsed.error().message));
    MqttBrokerProfile p = parsed.value();
    p.caFile = s.value(QStringLiteral("caFile")).toString();
    p.clientCertFile = s.value(QStringLiteral("clientCertFile")).toString();
    p.clientKeyFile = s.value(QStringLiteral("clientKeyFile")).toString();
    p.verifyHostname = s.value(QStringLiteral("verifyHostname")).toBool(true);
    if (s.contains(QStringLiteral("username")))
        p.username = s.value(QStringLiteral("username")).toString();
    p.clientId = s.value(QStringLiteral("clientId")).toString();
    p.keepAliveSeconds = s.value(QStringLiteral("keepAliveSeconds"))
                             .toInt(MqttBrokerProfile::DefaultKeepAliveSeconds);
    p.cleanSession = s.value(QStringLiteral("cleanSession")).toBool(true);
    p.inflightWindow =
        s.value(QStringLiteral("inflightWindow")).toInt(MqttBrokerProfile::DefaultInflightWindow);
    const auto protocol = protocolFromKey(s.value(QStringLiteral("protocol")).toString());
    if (!protocol)
        return Error::invalid(QStringLiteral("Unknown MQTT protocol setting '%1'.")
                                  .arg(s.value(QStringLiteral("protocol")).toString()));
    p.protocol = *protocol;
    p.password.clear();
    return p;
}

Status BrokerProfileStore::checkName(const QString &name) const
{
    if (name.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("Give the broker profile a name."));
    if (name != name.trimmed())
        return Error::invalid(
            QStringLiteral("A profile name cannot start or end with spaces: '%1'.").arg(name));
    if (name.size() > 128)
        return Error::invalid(QStringLiteral("A profile name has at most 128 characters."));
    return {};
}

Result<QList<NamedBrokerProfile>> BrokerProfileStore::list()
{
    auto stmt = m_db.prepare(QStringLiteral(
        "SELECT id, name, url, settings_json, active FROM broker_profiles ORDER BY name"));
    if (!stmt)
        return stmt.error();
    QList<NamedBrokerProfile> profiles;
    while (stmt->next()) {
        NamedBrokerProfile named;
        named.id = stmt->int64(0);
        named.name = stmt->text(1);
        named.active = stmt->int64(4) != 0;
        const QJsonObject settings = QJsonDocument::fromJson(stmt->text(3).toUtf8()).object();
        auto profile = fromStored(stmt->text(2), settings);
        if (!profile)
            return Error::failed(QStringLiteral("Broker profile '%1' cannot be read: %2")
                                     .arg(named.name, profile.error().message));
        named.profile = profile.value();
        profiles.append(named);
    }
    if (!stmt->lastStepError().isEmpty())
        return Error::failed(stmt->lastStepError());
    return profiles;
}

Result<NamedBrokerProfile> BrokerProfileStore::find(const QString &name)
{
    auto all = list();
    if (!all)
        return all.error();
    for (const NamedBrokerProfile &p : all.value())
        if (p.name == name)
            return p;
    return Error::notFound(QStringLiteral("No broker profile is called '%1'.").arg(name));
}

Result<std::optional<NamedBrokerProfile>> BrokerProfileStore::active()
{
    auto all = list();
    if (!all)
        return all.error();
    for (const NamedBrokerProfile &p : all.value())
        if (p.active)
            return std::optional<NamedBrokerProfile>(p);
    return std::optional<NamedBrokerProfile>();
}

Result<NamedBrokerProfile> BrokerProfileStore::create(const QString &name,
                                                      const MqttBrokerProfile &profile)
{
    if (Status s = checkName(name); !s)
        return s.error();
    if (Status s = profile.validate(); !s)
        return s.error();
    const QString url = profile.url();
    const QJsonObject settings = settingsJson(profile);

    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus().error();
    auto taken =
        m_db.scalar(QStringLiteral("SELECT count(*) FROM broker_profiles WHERE name = ?"), {name});
    if (!taken)
        return taken.error();
    if (taken.value().toLongLong() > 0)
        return Error::invalid(
            QStringLiteral("A broker profile called '%1' exists already.").arg(name));
    if (Status s = m_db.execute(QStringLiteral("INSERT INTO broker_profiles (name, url, "
                                               "settings_json, active) VALUES (?, ?, ?, 0)"),
                                {name, url, compact(settings)});
        !s)
        return s.error();
    const qint64 id = m_db.lastInsertRowId();
    if (Status s = tx.record({QStringLiteral("broker.profile.create"),
                              kObjectType,
                              name,
                              {},
                              auditView(url, settings, false),
                              {}});
        !s)
        return s.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    NamedBrokerProfile created;
    created.id = id;
    created.name = name;
    created.profile = profile;
    created.profile.password.clear();
    return created;
}

Status BrokerProfileStore::update(const QString &name, const MqttBrokerProfile &profile)
{
    if (Status s = profile.validate(); !s)
        return s;
    auto before = find(name);
    if (!before)
        return before.error();
    const QString url = profile.url();
    const QJsonObject settings = settingsJson(profile);
    const QString beforeUrl = before->profile.url();
    const QJsonObject beforeSettings = settingsJson(before->profile);
    if (url == beforeUrl && settings == beforeSettings)
        return {}; // nothing changed: no audit entry for a no-op save

    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus();
    if (Status s = m_db.execute(QStringLiteral("UPDATE broker_profiles SET url = ?, "
                                               "settings_json = ? WHERE name = ?"),
                                {url, compact(settings), name});
        !s)
        return s;
    if (m_db.changes() == 0)
        return Error::notFound(QStringLiteral("No broker profile is called '%1'.").arg(name));
    if (Status s = tx.record({QStringLiteral("broker.profile.update"),
                              kObjectType,
                              name,
                              auditView(beforeUrl, beforeSettings, before->active),
                              auditView(url, settings, before->active),
                              {}});
        !s)
        return s;
    return tx.commit();
}

Status BrokerProfileStore::remove(const QString &name)
{
    auto before = find(name);
    if (!before)
        return before.error();
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus();
    if (Status s =
            m_db.execute(QStringLiteral("DELETE FROM broker_profiles WHERE name = ?"), {name});
        !s)
        return s;
    if (Status s = tx.record(
            {QStringLiteral("broker.profile.delete"),
             kObjectType,
             name,
             auditView(before->profile.url(), settingsJson(before->profile), before->active),
             {},
             {}});
        !s)
        return s;
    return tx.commit();
}

Status BrokerProfileStore::activate(const QString &name)
{
    auto current = active();
    if (!current)
        return current.error();
    const QString previous = current.value() ? current.value()->name : QString();
    if (previous == name)
        return {};
    if (!name.isEmpty()) {
        if (auto exists = find(name); !exists)
            return exists.error();
    }
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus();
    // Clear first: the partial unique index allows only one active row at any moment.
    if (Status s =
            m_db.execute(QStringLiteral("UPDATE broker_profiles SET active = 0 WHERE active = 1"));
        !s)
        return s;
    if (!name.isEmpty()) {
        if (Status s = m_db.execute(
                QStringLiteral("UPDATE broker_profiles SET active = 1 WHERE name = ?"), {name});
            !s)
            return s;
    }
    QJsonObject before{{QStringLiteral("active"), previous}};
    QJsonObject after{{QStringLiteral("active"), name}};
    if (Status s = tx.record({QStringLiteral("broker.profile.activate"),
                              kObjectType,
                              name.isEmpty() ? previous : name,
                              before,
                              after,
                              {}});
        !s)
        return s;
    return tx.commit();
}

} // namespace fleet
