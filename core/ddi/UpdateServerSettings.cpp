#include "ddi/UpdateServerSettings.h"

#include "audit/AuditLog.h"
#include "ddi/DdiPath.h"
#include "ddi/DdiResources.h"
#include "storage/SqliteDatabase.h"

#include <QJsonDocument>
#include <QUrl>

namespace fleet {

const QString UpdateServerSettingsStore::Key = QStringLiteral("update_server");

namespace {

const QString kEnabled = QStringLiteral("enabled");
const QString kPort = QStringLiteral("port");
const QString kAddress = QStringLiteral("listen_address");
const QString kPlainHttp = QStringLiteral("plain_http");
const QString kPublicUrl = QStringLiteral("public_url");
const QString kPollInterval = QStringLiteral("poll_interval_s");
const QString kTenant = QStringLiteral("tenant");

} // namespace

Result<DdiServerOptions> UpdateServerSettings::serverOptions() const
{
    // The same checks and messages as fleetctl's UpdateServerOptions, in the window's words.
    DdiServerOptions o;
    if (port < 0 || port > 65535)
        return Error::invalid(
            QStringLiteral("The port must be a number from 0 to 65535 (0 picks a free port)."));
    o.port = quint16(port);
    if (!listenAddress.trimmed().isEmpty() && !o.address.setAddress(listenAddress.trimmed()))
        return Error::invalid(QStringLiteral("The listen address '%1' is not an IP address "
                                             "(leave it empty to listen on all addresses).")
                                  .arg(listenAddress));
    o.plainHttp = plainHttp;
    if (!publicUrl.trimmed().isEmpty()) {
        const QUrl url(publicUrl.trimmed(), QUrl::StrictMode);
        const QString wanted = plainHttp ? QStringLiteral("http") : QStringLiteral("https");
        if (!url.isValid() || url.scheme() != wanted || url.host().isEmpty() || url.hasQuery() ||
            url.hasFragment() || (!url.path().isEmpty() && url.path() != QLatin1String("/")))
            return Error::invalid(
                QStringLiteral("The public URL must look like %1://HOST or %1://HOST:PORT, "
                               "without a path (it is %2).")
                    .arg(wanted,
                         plainHttp ? QStringLiteral("plain HTTP") : QStringLiteral("HTTPS")));
        // A lone "/" path would give hrefs with "//" (StripTrailingSlash keeps it): drop it.
        QUrl base = url;
        base.setPath(QString());
        o.service.publicBase = base;
    }
    if (pollIntervalSeconds < 1 || pollIntervalSeconds > DdiResources::maxSleep.count())
        return Error::invalid(QStringLiteral("The poll interval must be 1 to %1 seconds.")
                                  .arg(DdiResources::maxSleep.count()));
    o.service.pollInterval = std::chrono::seconds(pollIntervalSeconds);
    if (!DdiPath::isValidTenant(tenant))
        return Error::invalid(QStringLiteral("The tenant '%1' is not a valid tenant name: use 1 "
                                             "to %2 letters, digits, '_' or '-'.")
                                  .arg(tenant)
                                  .arg(DdiPath::maxTenantLength));
    o.service.tenant = tenant;
    if (!plainHttp)
        if (auto names = certificateNames(); !names)
            return names.error();
    return o;
}

Result<ServerNames> UpdateServerSettings::certificateNames() const
{
    if (publicUrl.trimmed().isEmpty())
        return ServerNames{};
    const QString host = QUrl(publicUrl.trimmed()).host();
    QHostAddress address;
    auto names = address.setAddress(host) ? ServerNames::fromStrings({}, {host})
                                          : ServerNames::fromStrings({host}, {});
    if (!names)
        return Error::invalid(QStringLiteral("The public URL's host '%1' cannot be named in a "
                                             "server certificate: %2")
                                  .arg(host, names.message()));
    return names;
}

Status UpdateServerSettings::validate() const
{
    auto options = serverOptions();
    return options ? Status() : Status(options.error());
}

QJsonObject UpdateServerSettings::toJson() const
{
    return QJsonObject{{kEnabled, enabled},       {kPort, port},
                       {kAddress, listenAddress}, {kPlainHttp, plainHttp},
                       {kPublicUrl, publicUrl},   {kPollInterval, pollIntervalSeconds},
                       {kTenant, tenant}};
}

Result<UpdateServerSettings> UpdateServerSettings::fromJson(const QJsonObject &json)
{
    UpdateServerSettings s;
    auto wrongType = [](const QString &key, const char *type) {
        return Error::invalid(QStringLiteral("The stored update-server setting '%1' is not %2.")
                                  .arg(key, QLatin1String(type)));
    };
    auto readBool = [&](const QString &key, bool &into) -> Status {
        if (!json.contains(key))
            return {};
        if (!json.value(key).isBool())
            return wrongType(key, "true or false");
        into = json.value(key).toBool();
        return {};
    };
    auto readInt = [&](const QString &key, int &into) -> Status {
        if (!json.contains(key))
            return {};
        const QJsonValue v = json.value(key);
        if (!v.isDouble() || v.toDouble() != double(v.toInt()))
            return wrongType(key, "a whole number");
        into = v.toInt();
        return {};
    };
    auto readString = [&](const QString &key, QString &into) -> Status {
        if (!json.contains(key))
            return {};
        if (!json.value(key).isString())
            return wrongType(key, "text");
        into = json.value(key).toString();
        return {};
    };
    for (const Status &read :
         {readBool(kEnabled, s.enabled), readInt(kPort, s.port),
          readString(kAddress, s.listenAddress), readBool(kPlainHttp, s.plainHttp),
          readString(kPublicUrl, s.publicUrl), readInt(kPollInterval, s.pollIntervalSeconds),
          readString(kTenant, s.tenant)})
        if (!read)
            return read.error();
    return s;
}

UpdateServerSettingsStore::UpdateServerSettingsStore(SqliteDatabase &db, AuditLog &audit)
    : m_db(db)
    , m_audit(audit)
{}

Result<UpdateServerSettings> UpdateServerSettingsStore::load()
{
    auto stored =
        m_db.scalar(QStringLiteral("SELECT value FROM workspace_settings WHERE key = ?"), {Key});
    if (!stored)
        return stored.error();
    if (!stored.value().isValid() || stored.value().isNull())
        return UpdateServerSettings{};
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(stored.value().toString().toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return Error::failed(QStringLiteral("The stored update-server settings cannot be read "
                                            "(%1); save them again in Settings › Update server.")
                                 .arg(error.error != QJsonParseError::NoError
                                          ? error.errorString()
                                          : QStringLiteral("not a JSON object")));
    return UpdateServerSettings::fromJson(doc.object());
}

Status UpdateServerSettingsStore::save(const UpdateServerSettings &settings)
{
    if (Status s = settings.validate(); !s)
        return s;
    AuditedChange tx(m_db, m_audit);
    if (!tx.beginStatus())
        return tx.beginStatus();
    // Read inside the transaction, so "before" is what this change replaces.
    auto before = load();
    const bool unreadable = !before;
    if (!unreadable && before.value() == settings)
        return {}; // nothing changed: no audit entry for a no-op save
    const QJsonObject after = settings.toJson();
    if (Status s = m_db.execute(
            QStringLiteral("INSERT INTO workspace_settings (key, value) "
                           "VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                           "value = excluded.value"),
            {Key, QString::fromUtf8(QJsonDocument(after).toJson(QJsonDocument::Compact))});
        !s)
        return s;
    if (Status s = tx.record({QStringLiteral("update-server.settings"),
                              QStringLiteral("workspace"),
                              Key,
                              unreadable ? QJsonObject() : before->toJson(),
                              after,
                              {}});
        !s)
        return s;
    return tx.commit();
}

} // namespace fleet
