#pragma once

#include "ddi/DdiServer.h"
#include "tls/ServerNames.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QString>

namespace fleet {

class AuditLog;
class SqliteDatabase;

// How the window runs the workspace's built-in update server (hawkBit DDI): the same choices
// `fleetctl serve --ddi-port … --ddi-address … --ddi-plain-http --ddi-public-url …
// --poll-interval … --tenant …` takes, checked the same way, plus whether the window starts
// it when it opens the workspace.
struct UpdateServerSettings
{
    static constexpr int DefaultPort = 8443;
    static constexpr int DefaultPollIntervalSeconds = 300;

    bool enabled = false;   // start with the window
    int port = DefaultPort; // 0: any free port
    QString listenAddress;  // an IP address; empty: all addresses
    bool plainHttp = false; // HTTPS unless asked for explicitly
    QString publicUrl;      // http(s)://HOST[:PORT]; empty: the Host header devices send
    int pollIntervalSeconds = DefaultPollIntervalSeconds;
    QString tenant = QStringLiteral("default");

    // Invalid settings get an Error::invalid naming the field and what it takes.
    Status validate() const;
    // The server options these settings mean (without the TLS identity, which the caller
    // loads); fails like validate().
    Result<DdiServerOptions> serverOptions() const;
    // The names the server certificate needs besides this machine's: the public URL's host,
    // which devices check the certificate against (none when no public URL is set).
    Result<ServerNames> certificateNames() const;

    QJsonObject toJson() const;
    // Missing keys take their defaults; values of the wrong type are refused.
    static Result<UpdateServerSettings> fromJson(const QJsonObject &json);

    bool operator==(const UpdateServerSettings &other) const = default;
};

// The update-server settings of one workspace: JSON in workspace_settings under the key
// "update_server". Every change is one audited transaction ("update-server.settings", with the
// settings before and after).
class UpdateServerSettingsStore
{
public:
    static const QString Key; // "update_server"

    UpdateServerSettingsStore(SqliteDatabase &db, AuditLog &audit);

    // The stored settings, or the defaults when none were saved.
    Result<UpdateServerSettings> load();
    // Validates and stores; saving what is stored already records nothing.
    Status save(const UpdateServerSettings &settings);

private:
    SqliteDatabase &m_db;
    AuditLog &m_audit;
};

} // namespace fleet
